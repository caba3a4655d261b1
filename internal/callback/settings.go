package callback

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/contact"
)

// Settings.Validate: every rule that makes settings valid, so settings built
// in Go (tests, the simulator) are held to the same rules as a configuration
// file. Each problem carries the path of the setting, written with the
// configuration's keys ("tenants[0].queues[1].retries.busy"), so the
// configuration package can point at the line that holds it.

// SettingsError is one problem of the settings.
type SettingsError struct {
	// Path locates the setting: the configuration's keys and list indexes,
	// e.g. "tenants[0].segments[2].queue".
	Path string
	// Msg says what is wrong, and usually what is allowed.
	Msg string
}

// Error renders the problem as "PATH: MSG".
func (e *SettingsError) Error() string { return e.Path + ": " + e.Msg }

// SettingsErrors are all the problems of some settings, in the order of the
// settings; Validate returns them as its error.
type SettingsErrors []*SettingsError

// Error renders every problem, one per line.
func (es SettingsErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Validate checks the settings and returns nil or SettingsErrors listing every
// problem: values out of their range (RangeOf), required and unique names,
// segments that name no queue of their tenant, schedules, licences,
// notifications and integrations.
func (s *Settings) Validate() error {
	var c checker
	if s == nil || len(s.Tenants) == 0 {
		c.add("tenants", "at least one tenant is required")
		return c.err()
	}
	names := c.names("tenant name")
	for i, t := range s.Tenants {
		p := index("tenants", i)
		if c.present(p, t == nil) {
			c.tenant(p, t)
			names.add(t.Name, join(p, "name"))
		}
	}
	return c.err()
}

// present reports a nil item of a list (settings built in Go), which has
// nothing to check.
func (c *checker) present(path string, isNil bool) bool {
	if isNil {
		c.add(path, "is nil")
	}
	return !isNil
}

// checker collects the problems of one validation.
type checker struct {
	errs SettingsErrors
}

func (c *checker) add(path, format string, args ...any) {
	c.errs = append(c.errs, &SettingsError{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// err returns the problems found, or nil.
func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

// check records err, when not nil, at path.
func (c *checker) check(path string, err error) {
	if err != nil {
		c.add(path, "%v", err)
	}
}

// number checks an integer setting against the table of ranges.
func (c *checker) number(path string, v int) {
	r, ok := RangeOf(path)
	if !ok {
		c.add(path, "has no range in the table of settings (a bug)")
		return
	}
	c.check(path, r.Check(int64(v)))
}

// duration checks a duration setting against the table of ranges.
func (c *checker) duration(path string, d time.Duration) { c.number(path, int(d)) }

// required reports an empty name.
func (c *checker) required(path, v string) bool {
	if strings.TrimSpace(v) == "" {
		c.add(path, "is required")
		return false
	}
	return true
}

// oneOf reports a value that is not one of values (empty: "is required").
func oneOf[T ~string](c *checker, path string, v T, values []T, what string) bool {
	if v == "" {
		c.add(path, "is required")
		return false
	}
	if !slices.Contains(values, v) {
		names := make([]string, len(values))
		for i, v := range values {
			names[i] = string(v)
		}
		c.add(path, "%q is not %s (one of %s)", v, what, strings.Join(names, ", "))
		return false
	}
	return true
}

// uniqueNames reports names written more than once, case-insensitively.
type uniqueNames struct {
	c     *checker
	what  string
	first map[string]string
}

func (c *checker) names(what string) *uniqueNames {
	return &uniqueNames{c: c, what: what, first: map[string]string{}}
}

// add records name, written at path; empty names are reported elsewhere.
func (u *uniqueNames) add(name, path string) {
	if strings.TrimSpace(name) == "" {
		return
	}
	k := strings.ToLower(name)
	if f, ok := u.first[k]; ok {
		u.c.add(path, "duplicate %s %q (already used by %s; names are matched case-insensitively)", u.what, name, strings.TrimSuffix(f, ".name"))
		return
	}
	u.first[k] = path
}

func (c *checker) tenant(p string, t *Tenant) {
	c.required(join(p, "name"), t.Name)
	if t.Location == nil {
		c.add(join(p, "timeZone"), "is required")
	}
	c.numbering(join(p, "numbering"), t.Contacts)
	oneOf(c, join(p, "integration"), t.Integration, Integrations, "an integration")
	if t.Licenses != nil {
		lp := join(p, "licenses")
		l := t.Licenses
		c.number(join(lp, "inbound"), l.Inbound)
		c.number(join(lp, "nonVoice"), l.NonVoice)
		c.number(join(lp, "outbound"), l.Outbound)
		c.number(join(lp, "minimumThreshold"), l.MinimumThreshold)
		c.number(join(lp, "bandwidthLimit"), l.BandwidthLimit)
		c.duration(join(lp, "bandwidthPeriod"), l.BandwidthPeriod)
		c.list(join(lp, "voiceApplications"), l.VoiceApplications, CheckSourceApplication)
	}
	if t.DefaultSourceApplication != "" {
		c.check(join(p, "defaultSourceApplication"), CheckSourceApplication(t.DefaultSourceApplication))
	}
	codes := c.names("call info code")
	for i, ci := range t.CallInfos {
		ip := index(join(p, "callInfos"), i)
		c.required(join(ip, "code"), ci.Code)
		oneOf(c, join(ip, "type"), ci.Type, CallInfoTypes, "a call info type")
		codes.add(ci.Code, join(ip, "code"))
	}
	vars := c.names("system variable")
	for i, v := range t.SystemVariables {
		ip := index(join(p, "systemVariables"), i)
		c.required(join(ip, "name"), v.Name)
		vars.add(v.Name, join(ip, "name"))
	}
	c.webhooks(join(p, "webhooks"), t.Webhooks)
	c.notifications(join(p, "notifications"), t.Notifications)
	c.segments(p, t)
	queues := c.names("queue name")
	for i, q := range t.Queues {
		qp := index(join(p, "queues"), i)
		if c.present(qp, q == nil) {
			c.queue(qp, q)
			queues.add(q.Name, join(qp, "name"))
		}
	}
}

func (c *checker) numbering(p string, r contact.Rules) {
	oneOf(c, join(p, "profile"), r.Profile, []contact.Profile{contact.E164, contact.Extension}, "a numbering profile")
	c.number(join(p, "minLength"), r.MinLength)
	c.number(join(p, "maxLength"), r.MaxLength)
	if r.MinLength > r.MaxLength {
		c.add(p, "minLength %d is greater than maxLength %d", r.MinLength, r.MaxLength)
	}
	c.list(join(p, "blocked"), r.Blocked, CheckNumber)
	c.list(join(p, "blockedPrefixes"), r.BlockedPrefixes, CheckNumber)
}

func (c *checker) segments(p string, t *Tenant) {
	sp := join(p, "segments")
	if len(t.Segments) == 0 {
		c.add(sp, "a tenant needs at least one segment")
	}
	names := c.names("segment name")
	for i, s := range t.Segments {
		ip := index(sp, i)
		if !c.present(ip, s == nil) {
			continue
		}
		c.required(join(ip, "name"), s.Name)
		if c.required(join(ip, "queue"), s.Queue) && t.Queue(s.Queue) == nil {
			c.add(join(ip, "queue"), "no queue named %q in this tenant", s.Queue)
		}
		c.check(join(ip, "countryCode"), CheckCountryCode(s.CountryCode))
		c.list(join(ip, "sourceApplications"), s.SourceApplications, CheckSourceApplication)
		names.add(s.Name, join(ip, "name"))
	}
}

// list checks every item of a list of values.
func (c *checker) list(p string, items []string, check func(string) error) {
	for i, s := range items {
		c.check(index(p, i), check(s))
	}
}

var numberRE = regexp.MustCompile(`^\+?[0-9]+$`)

// CheckNumber accepts a phone number or prefix of a blocking rule: digits
// with an optional "+".
func CheckNumber(s string) error {
	if !numberRE.MatchString(s) {
		return fmt.Errorf("%q is not a number (digits, optionally after a +)", s)
	}
	return nil
}

// CheckSourceApplication accepts a source application name (behaviour.md §1):
// not blank, without "|".
func CheckSourceApplication(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("must not be empty")
	}
	if strings.Contains(s, "|") {
		return fmt.Errorf("%q must not contain |", s)
	}
	return nil
}

// maxCountryCodeDigits is the length of the longest calling code.
const maxCountryCodeDigits = 3

var countryCodeRE = regexp.MustCompile(`^[1-9][0-9]{0,` + strconv.Itoa(maxCountryCodeDigits-1) + `}$`)

// CheckCountryCode accepts a country calling code without its "+": 1 to 3
// digits, not starting with 0.
func CheckCountryCode(s string) error {
	if !countryCodeRE.MatchString(s) {
		return fmt.Errorf("%q is not a country calling code (1 to %d digits, not starting with 0)", s, maxCountryCodeDigits)
	}
	return nil
}

// join appends a key to a settings path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a settings path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
