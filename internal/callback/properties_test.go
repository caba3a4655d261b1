package callback_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/schedule"
	"github.com/holdline/holdline/internal/status"
)

// Property tests of the Queue Manager (issue #4, acceptance 1): random
// sequences of requests, clock advances and Queue Manager rounds against the
// rules of behaviour.md §6–§8.

// example starts a platform for one rapid example: the configuration yaml on
// a scratch store of its own (the engine's, through the harness), with a
// fake clock at at.
func example(rt *rapid.T, yaml string, at time.Time) *testBundle {
	settings, err := config.Parse([]byte(yaml), "property")
	if err != nil {
		rt.Fatalf("configuration: %v\n%s", err, yaml)
	}
	ctx := callback.WithOrigin(context.Background(), callback.Origin{Method: "Property"})
	b := platformtest.NewExample(rt, platformtest.Options{Settings: settings, Start: at, Node: 3})
	return &testBundle{ctx: ctx, clock: b.Clock, platform: b.All, settings: settings}
}

// ---- a. The appointment book (behaviour.md §8).

// bookCodes are the codes an appointment request may be refused with
// (behaviour.md §8, in the order the checks run), and moveCodes those of
// moving one (ModifyInteraction AppointmentTime) — plus 107015 for a
// callback that is no longer pending.
var (
	bookCodes = []status.Code{status.RequestCompleted, status.AppointmentTimeInThePast, status.AppointmentTimeAfterAppointmentTimesRange,
		status.AppointmentTimeBeforeEWT, status.AppointmentTimeAfterHours, status.AppointmentTimeFull}
	moveCodes = append(slices.Clone(bookCodes), status.InteractionStatePreventsModifyingAppointmentTime)
)

// booking is what the test knows of one callback it registered.
type booking struct {
	id        string
	at        time.Time // zero for an ASAP callback
	cancelled bool
}

// book is the model of one queue's appointment book: the rules of §8 read
// from the documentation, the hours and holidays from the configuration.
type book struct {
	b        *testBundle
	q        *callback.Queue
	loc      *time.Location
	bookings []*booking
	contacts int
}

// slot is the start of the slot holding at: slots are SlotLength long and
// aligned to midnight in the tenant's time zone.
func (m *book) slot(at time.Time) time.Time {
	local := at.In(m.loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, m.loc)
	n := local.Sub(midnight) / m.q.Appointments.SlotLength
	return midnight.Add(n * m.q.Appointments.SlotLength).UTC()
}

func (m *book) open(at time.Time) bool {
	return m.q.BusinessHours.OpenAt(at, m.loc) && !m.q.Holidays.ClosedAt(at, m.loc)
}

// taken counts the live bookings in the slot starting at start, but except's.
func (m *book) taken(start time.Time, except string) int {
	n := 0
	for _, b := range m.bookings {
		if !b.cancelled && !b.at.IsZero() && b.id != except && m.slot(b.at).Equal(start) {
			n++
		}
	}
	return n
}

func (m *book) ewt(rt *rapid.T) time.Duration {
	st, err := m.b.platform.QueueStatusOf(m.b.ctx, "T", "Q")
	if err != nil {
		rt.Fatal(err)
	}
	return st.EWT
}

// expect is the answer §8 gives to booking at (moving except there).
func (m *book) expect(rt *rapid.T, at time.Time, except string) status.Code {
	now := m.b.platform.Now()
	switch {
	case at.Before(now):
		return status.AppointmentTimeInThePast
	case at.After(now.AddDate(0, 0, m.q.Appointments.HorizonDays)):
		return status.AppointmentTimeAfterAppointmentTimesRange
	case at.Before(now.Add(m.ewt(rt))):
		return status.AppointmentTimeBeforeEWT
	case !m.open(at):
		return status.AppointmentTimeAfterHours
	case m.taken(m.slot(at), except) >= m.q.Appointments.Capacity:
		return status.AppointmentTimeFull
	}
	return status.RequestCompleted
}

// free lists the next n free slot starts from from, as §8 describes
// GetNextAvailableAppointmentTimes.
func (m *book) free(rt *rapid.T, from time.Time, n int) []time.Time {
	now := m.b.platform.Now()
	earliest := now.Add(m.ewt(rt))
	if from.After(earliest) {
		earliest = from
	}
	horizon := now.AddDate(0, 0, m.q.Appointments.HorizonDays)
	var out []time.Time
	for s := m.slot(earliest); !s.After(horizon) && len(out) < n; {
		if !s.Before(earliest) && m.open(s) && m.taken(s, "") < m.q.Appointments.Capacity {
			out = append(out, s)
		}
		next := m.slot(s.Add(m.q.Appointments.SlotLength))
		if !next.After(s) {
			next = s.Add(m.q.Appointments.SlotLength)
		}
		s = next
	}
	return out
}

// add books a new callback at at (ASAP when zero) and checks the answer.
func (m *book) add(rt *rapid.T, at time.Time) {
	m.contacts++
	want := status.RequestCompleted
	if !at.IsZero() {
		want = m.expect(rt, at, "")
	}
	it, err := m.b.platform.AddCallback(m.b.ctx, callback.AddParams{Tenant: "T", Segment: "S", Contact: fmt.Sprintf("5%05d", m.contacts), AppointmentTime: at})
	documented(rt, "AddInteraction", err)
	got := codeOf(err)
	if !slices.Contains(bookCodes, got) {
		rt.Fatalf("booking %s answered %v (%v), not a code of behaviour.md §8", at, got, err)
	}
	if got != want {
		rt.Fatalf("booking %s (slot %s, now %s) answered %v (%v), want %v", at, m.slot(at), m.b.platform.Now(), got, err, want)
	}
	if err == nil {
		m.bookings = append(m.bookings, &booking{id: it.ID, at: at})
	}
}

// drawTime draws a time to book: near now (to meet the past and EWT
// checks), or any minute of a day up to a day beyond the horizon, often at
// slot edges and around midnight and opening hours.
func (m *book) drawTime(rt *rapid.T) time.Time {
	now := m.b.platform.Now()
	if rapid.Bool().Draw(rt, "nearNow") {
		return now.Add(time.Duration(rapid.IntRange(-600, 7200).Draw(rt, "seconds")) * time.Second)
	}
	local := now.In(m.loc)
	day := rapid.IntRange(0, m.q.Appointments.HorizonDays+1).Draw(rt, "day")
	minute := rapid.OneOf(
		rapid.IntRange(0, 24*60-1),
		rapid.SampledFrom([]int{0, 1, 5, 7, 10, 14, 25, 119, 120, 539, 540, 545, 1019, 1020, 1199, 1200}),
		rapid.IntRange(0, 30),          // just after midnight
		rapid.IntRange(23*60, 24*60-1), // the day's last slots
	).Draw(rt, "minute")
	return time.Date(local.Year(), local.Month(), local.Day()+day, 0, minute, 0, 0, m.loc).UTC()
}

// The appointment book under random bookings, moves, cancels and clock
// advances: every answer is the one §8's checks give, so no slot ever holds
// more than its capacity and every refusal has a documented code; and
// NextAppointmentTimes lists exactly the free slot starts, each of which a
// booking then accepts.
func TestPropertyAppointmentBook(t *testing.T) {
	t.Parallel()
	const weekdays = `businessHours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}`
	const evenings = `businessHours: {mon: ["00:00-02:00", "20:00-24:00"], tue: ["00:00-02:00", "20:00-24:00"], wed: ["00:00-02:00", "20:00-24:00"], thu: ["00:00-02:00", "20:00-24:00"], fri: ["00:00-02:00", "20:00-24:00"], sat: ["00:00-02:00", "20:00-24:00"], sun: ["00:00-02:00", "20:00-24:00"]}`
	rapid.Check(t, func(rt *rapid.T) {
		zone := rapid.SampledFrom([]string{"UTC", "America/New_York"}).Draw(rt, "zone")
		hours := rapid.SampledFrom([]string{"", weekdays, evenings}).Draw(rt, "hours")
		holidays := rapid.SampledFrom([]string{"", "holidays: {calendar: us}", `holidays: {dates: ["2026-11-27"]}`}).Draw(rt, "holidays")
		// Lengths that divide a day, and lengths that do not (the day's last
		// slot is then cut short at midnight).
		slot := rapid.SampledFrom([]int{5, 15, 45, 120, 7, 25, 35, 25}).Draw(rt, "slotMinutes")
		capacity := rapid.IntRange(1, 5).Draw(rt, "capacity")
		horizon := rapid.IntRange(1, 3).Draw(rt, "horizonDays")
		handle := rapid.SampledFrom([]int{1, 60, 900}).Draw(rt, "handleSeconds")
		yaml := fmt.Sprintf(`
tenants:
  - name: T
    timeZone: %s
    numbering: {profile: extension}
    licenses: {inbound: 1000, nonVoice: 1000, outbound: 1, scheduled: true}
    segments: [{name: S, queue: Q}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        holidayMode: Normal
        %s
        %s
        appointments: {slotLength: %dm, capacity: %d, horizonDays: %d}
        ewt: {defaultHandleTime: %ds}
`, zone, hours, holidays, slot, capacity, horizon, handle)
		loc, err := time.LoadLocation(zone)
		if err != nil {
			rt.Fatal(err)
		}
		// Any minute of Wednesday 25 or Thursday 26 November 2026 (Thanksgiving), local time.
		startAt := time.Date(2026, 11, 25, 0, rapid.IntRange(0, 2*24*60-1).Draw(rt, "startMinute"), 0, 0, loc).UTC()
		b := example(rt, yaml, startAt)
		m := &book{b: b, q: b.platform.Settings().Tenant("T").Queue("Q"), loc: loc}
		pick := func(rt *rapid.T) *booking {
			if len(m.bookings) == 0 {
				rt.Skip("nothing booked yet")
			}
			return rapid.SampledFrom(m.bookings).Draw(rt, "booking")
		}
		rt.Repeat(map[string]func(*rapid.T){
			"book": func(rt *rapid.T) { m.add(rt, m.drawTime(rt)) },
			"asap": func(rt *rapid.T) { m.add(rt, time.Time{}) },
			"move": func(rt *rapid.T) {
				bk := pick(rt)
				at := m.drawTime(rt)
				want := status.InteractionStatePreventsModifyingAppointmentTime
				if !bk.cancelled {
					want = m.expect(rt, at, bk.id)
				}
				_, err := b.platform.Modify(b.ctx, callback.ModifyParams{Tenant: "T", InteractionID: bk.id, Action: "AppointmentTime", AppointmentTime: callback.Moment{At: at}})
				documented(rt, "ModifyInteraction", err)
				got := codeOf(err)
				if !slices.Contains(moveCodes, got) {
					rt.Fatalf("moving %s to %s answered %v (%v), not a code of behaviour.md §8", bk.id, at, got, err)
				}
				if got != want {
					rt.Fatalf("moving %s from %s to %s (slot %s) answered %v (%v), want %v", bk.id, bk.at, at, m.slot(at), got, err, want)
				}
				if err == nil {
					bk.at = at
				}
			},
			"cancel": func(rt *rapid.T) {
				bk := pick(rt)
				_, err := b.platform.Cancel(b.ctx, "T", bk.id, "Caller")
				documented(rt, "InteractionCancelled", err)
				want := status.RequestCompleted
				if bk.cancelled {
					want = status.InteractionCannotBeCancelled
				}
				if got := codeOf(err); got != want {
					rt.Fatalf("cancel %s: %v (%v), want %v", bk.id, got, err, want)
				}
				bk.cancelled = true
			},
			"next": func(rt *rapid.T) {
				var from time.Time
				if rapid.Bool().Draw(rt, "fromGiven") {
					from = m.drawTime(rt)
				}
				n := rapid.IntRange(1, 6).Draw(rt, "n")
				want := m.free(rt, from, n)
				got, err := b.platform.NextAppointmentTimes(b.ctx, "T", "S", from, n)
				documented(rt, "GetNextAvailableAppointmentTimes", err)
				if len(want) == 0 {
					if codeOf(err) != status.AppointmentSlotsNotFound {
						rt.Fatalf("next %d from %s: %v %v, want 107012 (no free slot)", n, from, got, err)
					}
					return
				}
				if err != nil || !slices.EqualFunc(got, want, time.Time.Equal) {
					rt.Fatalf("next %d from %s (now %s): %v %v\nwant %v", n, from, b.platform.Now(), got, err, want)
				}
				if rapid.Bool().Draw(rt, "bookThem") {
					for _, s := range got {
						m.add(rt, s) // accepted: add checks it against expect
					}
				}
			},
			"advance": func(rt *rapid.T) {
				b.clock.Advance(rapid.SampledFrom([]time.Duration{time.Minute, 7 * time.Minute, time.Hour, 5 * time.Hour}).Draw(rt, "advance"))
			},
			"": func(rt *rapid.T) {
				// Booking, moving (ASAP to scheduled) and cancelling keep the
				// Queue Manager's in-memory queue lengths right.
				if err := b.platform.CheckCounts(b.ctx); err != nil {
					rt.Fatal(err)
				}
				for _, bk := range m.bookings {
					if !bk.cancelled && !bk.at.IsZero() {
						if n := m.taken(m.slot(bk.at), ""); n > m.q.Appointments.Capacity {
							rt.Fatalf("slot %s holds %d callbacks, capacity %d", m.slot(bk.at), n, m.q.Appointments.Capacity)
						}
					}
				}
			},
		})
		// The store holds exactly what the answers said.
		booked := 0
		for _, bk := range m.bookings {
			if !bk.cancelled && !bk.at.IsZero() {
				booked++
			}
		}
		if st, err := b.platform.QueueStatusOf(b.ctx, "T", "Q"); err != nil || st.Scheduled != booked {
			rt.Fatalf("the queue holds %v scheduled callbacks (%v), the answers booked %d", st, err, booked)
		}
		for _, bk := range m.bookings {
			it, _, err := b.platform.Get(b.ctx, "T", bk.id)
			if err != nil {
				rt.Fatal(err)
			}
			wantState, wantType := callback.StatePendingCallback, callback.TypeAppointment
			if bk.cancelled {
				wantState = callback.StateCancelled
			}
			if bk.at.IsZero() {
				wantType = callback.TypeASAP
			}
			if it.State != wantState || it.Type != wantType || !it.AppointmentTime.Equal(bk.at) {
				rt.Fatalf("%s is %s %s at %s, want %s %s at %s", bk.id, it.State, it.Type, it.AppointmentTime, wantState, wantType, bk.at)
			}
		}
	})
}

// ---- b. The virtual-queue order (behaviour.md §6).

// virtualQueue is what the test knows of the interactions it created.
type virtualQueue struct {
	b        *testBundle
	outbound int
	its      map[string]*callback.Interaction
	order    []string // ids in creation order, for reproducible draws
	numbers  int
	ny, la   *time.Location
	dnc      callback.DoNotCall
}

func (v *virtualQueue) keep(it *callback.Interaction) {
	if _, ok := v.its[it.ID]; !ok {
		v.order = append(v.order, it.ID)
	}
	v.its[it.ID] = it
}

// customer draws a new number in New York or Los Angeles, whose
// do-not-call hours are read in its own time zone (see blocked).
func (v *virtualQueue) customer(rt *rapid.T) string {
	v.numbers++
	if rapid.Bool().Draw(rt, "newYork") {
		return fmt.Sprintf("+1 212 555 %04d", v.numbers)
	}
	return fmt.Sprintf("+1 415 555 %04d", v.numbers)
}

// pick draws one of the interactions in one of states.
func (v *virtualQueue) pick(rt *rapid.T, states ...callback.State) *callback.Interaction {
	var in []string
	for _, id := range v.order {
		if slices.Contains(states, v.its[id].State) {
			in = append(in, id)
		}
	}
	if len(in) == 0 {
		rt.Skip("no interaction in ", states)
	}
	return v.its[rapid.SampledFrom(in).Draw(rt, "interaction")]
}

// blocked reports whether it may not be dialled now: waiting out its retry
// wait, or in its customer's do-not-call hours.
func (v *virtualQueue) blocked(it *callback.Interaction, now time.Time) bool {
	if it.DueAt.After(now) {
		return true
	}
	zone := v.ny
	if strings.HasPrefix(it.Contact, "+1415") {
		zone = v.la
	}
	local := now.In(zone)
	return v.dnc.Contains(schedule.TimeOfDay(local.Hour()*60 + local.Minute()))
}

// refresh reads every interaction that is not final back from the store: the
// Queue Manager changes them on its own (launches, timeouts).
func (v *virtualQueue) refresh(rt *rapid.T) {
	for _, id := range v.order {
		if v.its[id].State.Final() {
			continue
		}
		it, _, err := v.b.platform.Get(v.b.ctx, "T", id)
		if err != nil {
			rt.Fatal(err)
		}
		v.its[id] = it
	}
}

// expectOK fails unless err is nil or has one of the codes allowed, which
// the PTK method's table must list.
func expectOK(rt *rapid.T, method string, err error, allowed ...status.Code) bool {
	if err == nil {
		return true
	}
	if !slices.Contains(allowed, codeOf(err)) {
		rt.Fatalf("%s: %v", method, err)
	}
	documented(rt, method, err)
	return false
}

// documented fails unless err's code is one the PTK method's table (the
// one docs/ptk.md shows) lists as answered: the properties draw requests no
// hand-written test thought of, and a code they meet must be documented.
func documented(rt *rapid.T, method string, err error) {
	if err == nil {
		return
	}
	op, _, ok := ptk.Lookup(method)
	if !ok {
		rt.Fatalf("no PTK method %s", method)
	}
	if !op.Documents(codeOf(err)) {
		rt.Fatalf("%s answered %v, which its table does not list (docs/ptk.md): %v", method, codeOf(err), err)
	}
}

// Random interleavings of callback registrations, callers converting from
// hold (earlier places), outbound outcomes, cancels, mode changes, clock
// advances and Queue Manager rounds: no ASAP callback is launched for the
// first time while an earlier-placed callback of its queue that is due and
// not blocked (retry wait, do-not-call hours) is still pending, and the
// callbacks launched or connected never exceed the outbound licences.
func TestPropertyVirtualQueueOrder(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(rt *rapid.T) {
		outbound := rapid.IntRange(1, 4).Draw(rt, "outbound")
		handle := rapid.SampledFrom([]int{10, 30, 120}).Draw(rt, "handleSeconds")
		agents := rapid.IntRange(1, 3).Draw(rt, "agents")
		wait := rapid.SampledFrom([]string{"0s", "1m", "5m"}).Draw(rt, "retryWait")
		queueMode := rapid.SampledFrom([]callback.QueueMode{callback.QueueModePredictive, callback.QueueModeAgentPriority}).Draw(rt, "queueMode")
		queue := fmt.Sprintf(`queueMode: %s
        ewt: {defaultHandleTime: %ds, defaultAgents: %d}
        retries: {wait: %s}
        launch: {doNotCall: {from: "21:00", to: "08:00"}}
        skills: {holding: {id: "H%%s"}, callback: {id: "C%%s"}}`, queueMode, handle, agents, wait)
		yaml := fmt.Sprintf(`
tenants:
  - name: T
    timeZone: America/New_York
    numbering: {allowInternational: true}
    licenses: {inbound: 1000, nonVoice: 1000, outbound: %d}
    segments: [{name: S1, queue: Q1, countryCode: "1"}, {name: S2, queue: Q2, countryCode: "1"}]
    queues:
      - name: Q1
        %s
      - name: Q2
        %s
`, outbound, fmt.Sprintf(queue, "1", "1"), fmt.Sprintf(queue, "2", "2"))
		// 18:00 to 04:00 UTC: around the do-not-call hours of both coasts.
		startAt := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC).Add(time.Duration(rapid.IntRange(0, 600).Draw(rt, "startMinute")) * time.Minute)
		b := example(rt, yaml, startAt)
		ny, _ := time.LoadLocation("America/New_York")
		la, _ := time.LoadLocation("America/Los_Angeles")
		v := &virtualQueue{b: b, outbound: outbound, its: map[string]*callback.Interaction{}, ny: ny, la: la,
			dnc: b.platform.Settings().Tenant("T").Queue("Q1").Launch.DoNotCall}
		p := b.platform
		segment := func(rt *rapid.T) string { return rapid.SampledFrom([]string{"S1", "S2"}).Draw(rt, "segment") }
		step := func(rt *rapid.T) {
			b.clock.Advance(time.Duration(rapid.IntRange(0, 3).Draw(rt, "seconds")) * time.Second)
		}
		rt.Repeat(map[string]func(*rapid.T){
			"add": func(rt *rapid.T) {
				step(rt)
				it, err := p.AddCallback(b.ctx, callback.AddParams{Tenant: "T", Segment: segment(rt), Contact: v.customer(rt)})
				if expectOK(rt, "AddInteraction", err, status.RequestRefusedDueToOperationMode) {
					v.keep(it)
				}
			},
			"call": func(rt *rapid.T) {
				step(rt)
				it, err := p.CreateInteraction(b.ctx, callback.CreateParams{Tenant: "T", Segment: segment(rt), SourceApplication: "VXML Interaction Server"})
				if expectOK(rt, "CreateInteraction", err) {
					v.keep(it)
				}
			},
			"hold": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateInboundTreatment)
				it, err := p.SendToQueue(b.ctx, "T", it.ID, "ChoseHold")
				if expectOK(rt, "InteractionSendToQueue", err) {
					v.keep(it)
				}
			},
			"answerHold": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateSentToHold)
				it, _, err := p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "T", InteractionID: it.ID, Reason: "AgentAnswered"})
				if expectOK(rt, "InteractionDequeued", err) {
					v.keep(it)
				}
			},
			"convert": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateInboundTreatment, callback.StateSentToHold)
				it, err := p.RequestContact(b.ctx, "T", it.ID, voice(compact(v.customer(rt))))
				if expectOK(rt, "InteractionRequestContact", err, status.RequestRefusedDueToOperationMode) {
					v.keep(it)
				}
			},
			"connect": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateLaunched)
				it, err := p.OutboundConnected(b.ctx, "T", it.ID)
				if expectOK(rt, "InteractionOutboundConnected", err) {
					v.keep(it)
				}
			},
			"fail": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateLaunched, callback.StateOutboundConnected)
				reason := rapid.SampledFrom(callback.AttemptFailReasons).Draw(rt, "reason")
				it, err := p.OutboundAttemptFailed(b.ctx, "T", it.ID, string(reason))
				if expectOK(rt, "InteractionOutboundAttemptFailed", err) {
					v.keep(it)
				}
			},
			"complete": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateOutboundConnected)
				_, err := p.SendToQueue(b.ctx, "T", it.ID, "SpeakToAgent")
				expectOK(rt, "InteractionSendToQueue", err)
				it, _, err = p.Dequeued(b.ctx, callback.DequeuedParams{Tenant: "T", InteractionID: it.ID, Reason: "AgentAnswered"})
				if expectOK(rt, "InteractionDequeued", err) {
					v.keep(it)
				}
			},
			"cancel": func(rt *rapid.T) {
				it := v.pick(rt, callback.StateInboundTreatment, callback.StateSentToHold, callback.StatePendingCallback,
					callback.StateLaunched, callback.StateOutboundConnected)
				var err error
				method := "InteractionCancelled"
				if it.IsCallback() {
					it, err = p.Cancel(b.ctx, "T", it.ID, "Caller")
				} else { // a live caller is removed; only callbacks are cancelled
					method = "RemoveInteraction"
					it, err = p.Remove(b.ctx, "T", it.ID, "Admin Canceled")
				}
				if expectOK(rt, method, err) {
					v.keep(it)
				}
			},
			"staffing": func(rt *rapid.T) { // the ACD's statistics, which Agent Priority launches on
				staffed := rapid.IntRange(0, 4).Draw(rt, "staffed")
				available := rapid.IntRange(0, staffed).Draw(rt, "available")
				if err := p.Staffing(b.ctx, "T", rapid.SampledFrom([]string{"Q1", "Q2"}).Draw(rt, "queue"), staffed, available); err != nil {
					rt.Fatal(err)
				}
			},
			"mode": func(rt *rapid.T) {
				mode := rapid.SampledFrom([]callback.Mode{callback.ModeNormal, callback.ModeNormal, callback.ModeRapidPurge,
					callback.ModePurge, callback.ModeVirtualQueue, callback.ModeQueueSpeak, callback.ModeStandby}).Draw(rt, "mode")
				queue := rapid.SampledFrom([]string{"Q1", "Q2"}).Draw(rt, "queue")
				if _, err := p.SetMode(b.ctx, "T", queue, string(mode), time.Time{}, "property"); err != nil {
					rt.Fatal(err)
				}
			},
			"tick": func(rt *rapid.T) {
				b.clock.Advance(rapid.SampledFrom([]time.Duration{0, time.Second, 10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 3 * time.Hour}).Draw(rt, "advance"))
				launched, err := p.Tick(b.ctx)
				if err != nil {
					rt.Fatal(err)
				}
				v.refresh(rt)
				now := p.Now()
				for _, l := range launched {
					if l.Type != callback.TypeASAP || l.Attempts.Total != 0 {
						continue // not a first launch
					}
					for _, id := range v.order {
						y := v.its[id]
						if y.Queue == l.Queue && y.Type == callback.TypeASAP && y.State == callback.StatePendingCallback &&
							y.QueuedAt.Before(l.QueuedAt) && !v.blocked(y, now) {
							rt.Fatalf("%s (place %s) launched while %s (place %s), due and not blocked, is still pending",
								l.ID, l.QueuedAt, y.ID, y.QueuedAt)
						}
					}
				}
			},
			"": func(rt *rapid.T) {
				counts, err := p.CountByState(b.ctx)
				if err != nil {
					rt.Fatal(err)
				}
				if n := counts[callback.StateLaunched] + counts[callback.StateOutboundConnected]; n > v.outbound {
					rt.Fatalf("%d callbacks launched or connected, %d outbound licences", n, v.outbound)
				}
				// The Queue Manager's in-memory queue lengths follow every change.
				if err := p.CheckCounts(b.ctx); err != nil {
					rt.Fatal(err)
				}
			},
		})
	})
}

// compact drops the spaces of a number, for a ContactURI.
func compact(number string) string { return strings.ReplaceAll(number, " ", "") }

// ---- c. The retry counters (behaviour.md §7).

// The result of §7's table for a reason whose own counter reached its limit.
var reasonResult = map[callback.AttemptFailReason]string{
	callback.FailBusy:             "Outreach max busy",
	callback.FailNoAnswer:         "Outreach max no answer",
	callback.FailAnsweringMachine: "Outreach max answering machine",
	callback.FailTryAgain:         "Outreach - Max Total Attempts",
}

func reasonLimit(l callback.Retries, r callback.AttemptFailReason) (int, bool) {
	switch r {
	case callback.FailBusy:
		return l.Busy, true
	case callback.FailNoAnswer:
		return l.NoAnswer, true
	case callback.FailAnsweringMachine:
		return l.AnsweringMachine, true
	case callback.FailTryAgain:
		return l.TryAgain, true
	}
	return 0, false // Abandoned, Rejected, Timeout, Error count against the total only
}

// CountFailure over random limits and failure sequences: Total is the sum of
// ByReason; the callback becomes final exactly at the first failure where
// its reason's counter reaches its limit or the total reaches MAXATTEMPTS,
// with §7's result; the counts it was given are left alone.
func TestPropertyRetryCounters(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(rt *rapid.T) {
		limit := func(name string) int { return rapid.IntRange(0, 6).Draw(rt, name) }
		limits := callback.Retries{Busy: limit("busy"), NoAnswer: limit("noAnswer"), AnsweringMachine: limit("answeringMachine"),
			TryAgain: limit("tryAgain"), Total: limit("total")}
		reasons := rapid.SliceOfN(rapid.SampledFrom(callback.AttemptFailReasons), 1, 12).Draw(rt, "reasons")
		var a callback.Attempts
		for i, r := range reasons {
			before := callback.Attempts{Total: a.Total, ByReason: maps.Clone(a.ByReason)}
			next, final, result := callback.CountFailure(limits, a, r)
			if a.Total != before.Total || !maps.Equal(a.ByReason, before.ByReason) {
				rt.Fatalf("CountFailure changed the counts it was given: %+v, was %+v", a, before)
			}
			sum := 0
			for _, n := range next.ByReason {
				sum += n
			}
			if next.Total != i+1 || sum != next.Total || next.ByReason[r] != before.ByReason[r]+1 {
				rt.Fatalf("failure %d (%s): counts %+v after %+v", i+1, r, next, before)
			}
			wantFinal, wantResult := false, ""
			if l, ok := reasonLimit(limits, r); ok && next.ByReason[r] >= l {
				wantFinal, wantResult = true, reasonResult[r]
			} else if next.Total >= limits.Total {
				wantFinal, wantResult = true, "Outreach - Max Total Attempts"
			}
			if final != wantFinal || result != wantResult {
				rt.Fatalf("failure %d (%s) with counts %+v and limits %+v: final=%v %q, want final=%v %q",
					i+1, r, next, limits, final, result, wantFinal, wantResult)
			}
			if final {
				return // a final callback is never retried
			}
			a = next
		}
	})
}
