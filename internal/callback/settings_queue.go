package callback

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/schedule"
	"github.com/holdline/holdline/internal/smstemplate"
)

// Settings.Validate's rules for a queue (modes, numbers, schedules, IVR
// variables) and for the integrations (endpoints, webhooks, notifications).

func (c *checker) queue(p string, q *Queue) {
	c.required(join(p, "name"), q.Name)
	oneOf(c, join(p, "mode"), q.Mode, Modes, "an operation mode")
	oneOf(c, join(p, "holidayMode"), q.HolidayMode, Modes, "an operation mode")
	oneOf(c, join(p, "queueMode"), q.QueueMode, QueueModes, "a queue mode")
	c.duration(join(p, "turnOnThreshold"), q.TurnOnThreshold)
	c.duration(join(p, "smartPurge.drainMargin"), q.SmartPurge.DrainMargin)
	c.duration(join(p, "smartCallBlockThreshold"), q.SmartCallBlockThreshold)
	c.duration(join(p, "secondChance.threshold"), q.SecondChance.Threshold)
	c.modeSchedule(join(p, "modeSchedule"), q.ModeSchedule)
	c.week(join(p, "businessHours"), q.BusinessHours)
	if strings.TrimSpace(q.Skills.Holding.ID) == "" && strings.TrimSpace(q.Skills.Holding.Device) == "" {
		// GetSegmentState sends callers there: without it there is no
		// recommended destination to answer (109025 could never be helped).
		c.add(join(p, "skills.holding"), "a queue needs a holding skill (id or device): GetSegmentState recommends it to the IVR")
	}

	a, ap := q.Appointments, join(p, "appointments")
	c.duration(join(ap, "slotLength"), a.SlotLength)
	c.number(join(ap, "capacity"), a.Capacity)
	c.number(join(ap, "horizonDays"), a.HorizonDays)

	r, rp := q.Retries, join(p, "retries")
	c.number(join(rp, "busy"), r.Busy)
	c.number(join(rp, "noAnswer"), r.NoAnswer)
	c.number(join(rp, "answeringMachine"), r.AnsweringMachine)
	c.number(join(rp, "tryAgain"), r.TryAgain)
	c.number(join(rp, "total"), r.Total)
	c.duration(join(rp, "wait"), r.Wait)

	e, ep := q.EWT, join(p, "ewt")
	oneOf(c, join(ep, "estimator"), e.Estimator, Estimators, "an estimator")
	c.duration(join(ep, "defaultHandleTime"), e.DefaultHandleTime)
	c.number(join(ep, "defaultAgents"), e.DefaultAgents)
	c.number(join(ep, "multiplicationFactor"), e.MultiplicationFactor)
	c.number(join(ep, "minAnswers"), e.MinAnswers)
	c.duration(join(ep, "smoothing"), e.Smoothing)

	l, lp := q.Launch, join(p, "launch")
	c.duration(join(lp, "lead"), l.Lead)
	c.duration(join(lp, "outboundStartTimeout"), l.OutboundStartTimeout)
	c.timeOfDay(join(lp, "doNotCall.from"), l.DoNotCall.From)
	c.timeOfDay(join(lp, "doNotCall.to"), l.DoNotCall.To)

	if q.Dialer != nil {
		c.endpoint(join(p, "dialer"), q.Dialer)
	}
	for name := range q.Variables {
		if def, ok := LookupVariable(name); !ok || def.IsBound() {
			c.add(join(join(p, "variables"), name), "is not a free IVR variable (the variable table lists them)")
		}
	}
}

// timeOfDay checks a moment of the day.
func (c *checker) timeOfDay(p string, t schedule.TimeOfDay) bool {
	err := CheckTimeOfDay(t)
	c.check(p, err)
	return err == nil
}

// CheckTimeOfDay accepts a moment of the day (a mode change, the bounds of
// a do-not-call window): 00:00 to 23:59; 24:00 only closes an open window.
func CheckTimeOfDay(t schedule.TimeOfDay) error {
	if t < 0 || t >= schedule.EndOfDay {
		return fmt.Errorf("%q is not a time of day (00:00 to 23:59)", t.String())
	}
	return nil
}

// modeSchedule checks each change and that no two fall on the same moment
// of the week.
func (c *checker) modeSchedule(p string, changes []ModeChange) {
	first := map[[2]int]string{}
	for i, mc := range changes {
		ip := index(p, i)
		okMode := oneOf(c, join(ip, "mode"), mc.Mode, Modes, "an operation mode")
		okAt := c.timeOfDay(join(ip, "at"), mc.At)
		if mc.Day < time.Sunday || mc.Day > time.Saturday {
			c.add(join(ip, "day"), "%d is not a day of the week", mc.Day)
			continue
		}
		if !okMode || !okAt {
			continue
		}
		k := [2]int{int(mc.Day), int(mc.At)}
		if f, dup := first[k]; dup {
			c.add(ip, "another change is already scheduled for %s %s (%s)", schedule.WeekdayKey(mc.Day), mc.At, f)
			continue
		}
		first[k] = ip
	}
}

// week checks each day's open windows: each opens before it closes, by
// midnight, in order and without overlaps.
func (c *checker) week(p string, w schedule.Week) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		dp := join(p, schedule.WeekdayKey(d))
		for i, win := range w[d] {
			ip := index(dp, i)
			switch {
			case win.Open < 0 || win.Close > schedule.EndOfDay || win.Close <= win.Open:
				c.add(ip, "%q is not an open window (HH:MM-HH:MM, closing after it opens, by 24:00)", win.String())
			case i > 0 && win.Open < w[d][i-1].Close:
				c.add(ip, "%q overlaps %q", win.String(), w[d][i-1].String())
			}
		}
	}
}

// endpoint checks a receiver of the outbox.
func (c *checker) endpoint(p string, e *Endpoint) {
	if c.required(join(p, "url"), e.URL) {
		c.check(join(p, "url"), CheckURL(e.URL))
	}
	c.duration(join(p, "expiry"), e.Expiry)
	c.duration(join(p, "timeout"), e.Timeout)
}

func (c *checker) webhooks(p string, hooks []*Webhook) {
	names := c.names("webhook name")
	for i, wh := range hooks {
		ip := index(p, i)
		if !c.present(ip, wh == nil) {
			continue
		}
		if c.required(join(ip, "name"), wh.Name) {
			c.check(join(ip, "name"), CheckWebhookName(wh.Name))
		}
		c.endpoint(ip, &wh.Endpoint)
		for j, typ := range wh.Events {
			oneOf(c, index(join(ip, "events"), j), typ, EventTypes, "an event type")
		}
		names.add(wh.Name, join(ip, "name"))
	}
}

func (c *checker) notifications(p string, n Notifications) {
	c.duration(join(p, "reminder"), n.Reminder)
	g := n.SMS
	if g == nil {
		return
	}
	sp := join(p, "sms")
	c.endpoint(sp, &g.Endpoint)
	if m, err := CheckSMSMethod(g.Method); err != nil {
		c.add(join(sp, "method"), "%v", err)
	} else if m != g.Method {
		c.add(join(sp, "method"), "%q must be written %s", g.Method, m)
	}
	for name := range g.Headers {
		c.check(join(join(sp, "headers"), name), CheckHeaderName(name))
	}
	if g.Body != "" {
		c.check(join(sp, "body"), CheckSMSBody(g.Body))
	}
}

// CheckURL accepts an absolute http or https URL.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http or https URL", s)
	}
	return nil
}

var webhookNameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// CheckWebhookName accepts a webhook's name, which its destination and its
// signature carry: letters, digits, '.', '_' and '-'.
func CheckWebhookName(s string) error {
	if !webhookNameRE.MatchString(s) {
		return fmt.Errorf("%q is not a webhook name (letters, digits, '.', '_' and '-')", s)
	}
	return nil
}

// CheckSMSMethod accepts the HTTP method of an SMS gateway, one that sends a
// body (POST, PUT or PATCH, in any case), and returns it in capitals.
func CheckSMSMethod(s string) (string, error) {
	switch m := strings.ToUpper(strings.TrimSpace(s)); m {
	case "POST", "PUT", "PATCH":
		return m, nil
	}
	return "", fmt.Errorf("%q is not an HTTP method that sends a body (POST, PUT or PATCH)", s)
}

var headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// CheckHeaderName accepts an HTTP header name (RFC 9110 token).
func CheckHeaderName(s string) error {
	if !headerNameRE.MatchString(s) {
		return fmt.Errorf("%q is not an HTTP header name", s)
	}
	return nil
}

// CheckSMSBody accepts an SMS body template (internal/smstemplate).
func CheckSMSBody(s string) error {
	if _, err := smstemplate.Parse(s); err != nil {
		return fmt.Errorf("not a Go text/template: %w", err)
	}
	return nil
}
