package ptk

import (
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/status"
)

// The PTK's times and ContactURIs: every time a PTK request carries is read
// here, and every time an answer carries is written here. The domain works
// in time.Time and never sees the wire's spelling.

// timeLayout is the PTK's time format: UTC, 24-hour, "yyyy-mm-ddTHH:mm:ssZ".
const timeLayout = "2006-01-02T15:04:05Z"

// parseTime reads a PTK time, "yyyy-mm-ddTHH:mm:ssZ" in UTC; anything else
// is InvalidDateTime (108004). Fractions of a second are accepted and
// dropped; a time before the domain's earliest real time is refused as the
// domain refuses it from every front.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t2, err2 := time.Parse(time.RFC3339Nano, s)
		if err2 != nil || !strings.HasSuffix(s, "Z") {
			return time.Time{}, status.Errorf(status.InvalidDateTime, "%q is not a time in the form yyyy-mm-ddTHH:mm:ssZ (UTC, 24-hour)", s)
		}
		t = t2
	}
	// Go's parser takes a fraction even when the layout has none.
	t = t.UTC().Truncate(time.Second)
	return t, callback.CheckTime("the time", t)
}

// wireTime reads an optional PTK time: empty is the zero time (the domain's
// "none"), anything else goes through parseTime.
func wireTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return parseTime(s)
}

// moment reads a PTK time for the domain to judge in its own order of
// checks: blank is "not given", a bad one carries its 108004.
func moment(s string) callback.Moment {
	if strings.TrimSpace(s) == "" {
		return callback.Moment{}
	}
	at, err := parseTime(s)
	return callback.Moment{At: at, Err: err}
}

// timeText writes a time as the PTK does, or nothing for the zero time.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// contactURI matches voice://NUMBER[/][?appt=TIME] and other schemes' shapes.
var contactURI = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)/?(?:\?([^#]*))?$`)

// contactRequest reads InteractionRequestContact's ContactURI: the number
// and, with ?appt=TIME, the appointment. A shape that is not a URI, or an
// empty number, is 107017; a scheme other than voice is 108054; a bad or
// empty time 108004. The error travels in the request so the domain reports
// it after the tenant and the interaction are found.
func contactRequest(raw string) callback.ContactRequest {
	number, appt, err := splitContactURI(raw)
	if err != nil {
		return callback.ContactRequest{Err: err}
	}
	req := callback.ContactRequest{Number: number}
	if appt != "" {
		req.Appointment, req.Err = parseTime(appt)
	}
	return req
}

func splitContactURI(raw string) (number, appt string, err error) {
	m := contactURI.FindStringSubmatch(strings.TrimSpace(raw))
	if m == nil {
		return "", "", status.Errorf(status.InvalidContactURIFormat, "ContactURI %q is not of the form voice://NUMBER[?appt=yyyy-mm-ddTHH:mm:ssZ]", raw)
	}
	if !strings.EqualFold(m[1], "voice") {
		return "", "", status.Errorf(status.InvalidCallType, "ContactURI scheme %q is not a call type Holdline can place (voice)", m[1])
	}
	if m[2] == "" {
		return "", "", status.Errorf(status.InvalidContactURIFormat, "ContactURI %q has no number", raw)
	}
	number, err = url.PathUnescape(m[2])
	if err != nil {
		return "", "", status.Errorf(status.InvalidContactURIFormat, "ContactURI %q: %v", raw, err)
	}
	if m[3] != "" {
		v, err := url.ParseQuery(m[3])
		if err != nil {
			return "", "", status.Errorf(status.InvalidContactURIFormat, "ContactURI %q: %v", raw, err)
		}
		appt = v.Get("appt")
		if v.Has("appt") && appt == "" {
			return "", "", status.Errorf(status.InvalidDateTime, "ContactURI %q has an empty appt", raw)
		}
	}
	return number, appt, nil
}
