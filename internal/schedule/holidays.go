package schedule

import (
	"maps"
	"slices"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/ar"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/bg"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/ca"
	"github.com/rickar/cal/v2/ch"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/gr"
	"github.com/rickar/cal/v2/hr"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/lt"
	"github.com/rickar/cal/v2/lv"
	"github.com/rickar/cal/v2/mw"
	"github.com/rickar/cal/v2/nc"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/nz"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/ro"
	"github.com/rickar/cal/v2/ru"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/si"
	"github.com/rickar/cal/v2/sk"
	"github.com/rickar/cal/v2/ua"
	"github.com/rickar/cal/v2/us"
	"github.com/rickar/cal/v2/za"
)

// nationalCalendars are the national holiday calendars a queue may name,
// by lower-case ISO 3166-1 alpha-2 country code, from github.com/rickar/cal/v2.
// (Australia publishes only regional calendars there, so it is not offered.)
var nationalCalendars = map[string][]*cal.Holiday{
	"ar": ar.Holidays,
	"at": at.Holidays,
	"be": be.Holidays,
	"bg": bg.Holidays,
	"br": br.Holidays,
	"ca": ca.Holidays,
	"ch": ch.Holidays,
	"cz": cz.Holidays,
	"de": de.Holidays,
	"dk": dk.Holidays,
	"es": es.Holidays,
	"fr": fr.Holidays,
	"gb": gb.Holidays,
	"gr": gr.Holidays,
	"hr": hr.Holidays,
	"ie": ie.Holidays,
	"it": it.Holidays,
	"jp": jp.Holidays,
	"lt": lt.Holidays,
	"lv": lv.Holidays,
	"mw": mw.Holidays,
	"nc": nc.Holidays,
	"nl": nl.Holidays,
	"no": no.Holidays,
	"nz": nz.Holidays,
	"pl": pl.Holidays,
	"ro": ro.Holidays,
	"ru": ru.Holidays,
	"se": se.Holidays,
	"si": si.Holidays,
	"sk": sk.Holidays,
	"ua": ua.Holidays,
	"us": us.Holidays,
	"za": za.Holidays,
}

// Calendars are the codes of the national holiday calendars, sorted.
var Calendars = slices.Sorted(maps.Keys(nationalCalendars))

// Closed reports whether d is a holiday: one of the explicit dates, or a
// public or bank holiday of the national calendar on the day it is observed
// (a Saturday holiday observed on the Friday closes the Friday).
func (h Holidays) Closed(d Date) bool {
	if slices.Contains(h.Dates, d) {
		return true
	}
	for _, hol := range nationalCalendars[h.Calendar] {
		if hol.Type != cal.ObservancePublic && hol.Type != cal.ObservanceBank {
			continue
		}
		actual, observed := hol.Calc(d.Year)
		if actual.IsZero() {
			continue
		}
		if observed.IsZero() {
			observed = actual
		}
		if DateOf(observed) == d {
			return true
		}
	}
	return false
}

// ClosedAt reports whether t, read in loc, falls on a holiday.
func (h Holidays) ClosedAt(t time.Time, loc *time.Location) bool {
	return h.Closed(DateOf(t.In(loc)))
}
