package ptk_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/status"
)

// The Queue Manager through the wire (issue #4, acceptance 2): each of the
// nine operation modes, set through the mode API, decides what callers are
// offered, which requests are refused and which callbacks are dialled
// (behaviour.md §3, docs/queue-manager.md). Tenant Modes is in extraTenants.

// modes is the parameters prefix of tenant Modes.
const modes = "<Tenant>Modes</Tenant>"

// rest sends a JSON request to the REST API of the same server.
func (b *bundle) rest(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, v
}

// setMode switches a queue of tenant Modes by hand, as a supervisor would.
func (b *bundle) setMode(t *testing.T, queue, mode string) {
	t.Helper()
	code, v := b.rest(t, http.MethodPut, "/api/v1/tenants/Modes/queues/"+queue+"/mode", `{"mode": "`+mode+`", "by": "supervisor"}`)
	if code != http.StatusOK || v["mode"] != mode || v["modeStatus"] != "Manual" {
		t.Fatalf("PUT mode %s: HTTP %d %v", mode, code, v)
	}
}

// succeed calls op and requires a success code.
func (b *bundle) succeed(t *testing.T, op, params string) *reply {
	t.Helper()
	r := b.call(t, op, params)
	if !r.Code.Success() {
		t.Fatalf("%s answered %s\n%s", op, r.Code, r.Raw)
	}
	return r
}

// answers calls op and requires the code want.
func (b *bundle) answers(t *testing.T, want status.Code, op, params string) *reply {
	t.Helper()
	r := b.call(t, op, params)
	if r.Code != want {
		t.Errorf("%s %s answered %s, want %s\n%s", op, params, r.Code, want, r.Raw)
	}
	return r
}

// idOf is the interaction id an answer carries.
func idOf(t *testing.T, r *reply) string {
	t.Helper()
	if n := r.Result.Find("InteractionId"); n != nil {
		return n.Text
	}
	if n := r.Result.Find("Interaction"); n != nil {
		if id, ok := n.Attr("Id"); ok {
			return id
		}
	}
	t.Fatalf("no interaction id in the answer\n%s", r.Raw)
	return ""
}

// segmentState asks GetSegmentState and returns its StateData.
func (b *bundle) segmentState(t *testing.T, segment, app string) map[string]string {
	t.Helper()
	params := modes + "<Segment>" + segment + "</Segment>"
	if app != "" {
		params += opts("<SourceApplication>" + app + "</SourceApplication>")
	}
	r := b.succeed(t, "GetSegmentState", params)
	out := map[string]string{}
	for _, sd := range r.Result.Path("Data", "Segments", "Segment", "StateData").ChildrenNamed("StateData") {
		name, _ := sd.Attr("Name")
		out[name], _ = sd.Attr("Value")
	}
	return out
}

// statusOf is an interaction's Status as FindInteraction reports it.
func (b *bundle) statusOf(t *testing.T, id string) string {
	t.Helper()
	r := b.succeed(t, "FindInteraction", modes+"<InteractionId>"+id+"</InteractionId>"+opts("<Data>Status</Data>"))
	for _, info := range r.Result.Find("Information").ChildrenNamed("InteractionInformation") {
		if name, _ := info.Attr("Name"); name == "Status" {
			v, _ := info.Attr("Value")
			return v
		}
	}
	t.Fatalf("no Status for %s\n%s", id, r.Raw)
	return ""
}

// tick runs one round of the Queue Manager.
func (b *bundle) tick(t *testing.T) {
	t.Helper()
	if _, err := b.platform.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// reconnect plays a launched callback's customer through to an agent.
func (b *bundle) reconnect(t *testing.T, id string) {
	t.Helper()
	b.succeed(t, "InteractionOutboundConnected", modes+"<InteractionId>"+id+"</InteractionId>")
	b.succeed(t, "InteractionSendToQueue", modes+"<InteractionId>"+id+"</InteractionId><Reason>SpeakToAgent</Reason>")
	b.succeed(t, "InteractionDequeued", modes+"<InteractionId>"+id+"</InteractionId><Reason>AgentAnswered</Reason>")
}

// The wire's names of the states the tests follow.
const (
	pendingCallback  = "Pending Callback"
	callbackLaunched = "Callback Launched"
	completeCallback = "Complete Callback"
)

const (
	voiceApp = "<SourceApplication>VXML Interaction Server</SourceApplication>"
	webApp   = "<SourceApplication>Web</SourceApplication>"
	// appointment is the time of the scheduled requests made after the
	// mode switch: inside the horizon, well after now + EWT.
	appointment = "2026-11-26T18:00:00Z"
)

func TestOperationModesOnTheWire(t *testing.T) {
	t.Parallel()
	const (
		ok      = status.RequestCompleted
		refused = status.RequestRefusedDueToOperationMode
	)
	// rounds are the ASAP callbacks (0-3, in their order) that each Queue
	// Manager round launches; each round's are then reconnected and
	// answered, which lets the next ones move up. Outbound licences: 3.
	inOrder := [][]int{{0}, {1}, {2}, {3}, {}}
	none := [][]int{{}, {}}
	cases := []struct {
		mode      string
		offer     string
		rounds    [][]int
		scheduled bool           // the scheduled callback is dialled at its time
		add       [2]status.Code // AddInteraction ASAP, scheduled
		voice     [2]status.Code // InteractionRequestContact ASAP, scheduled, from a voice source
		web       [2]status.Code // the same from a non-voice source
		live      status.Code    // CreateInteraction and InteractionQueued (107100 for a new call)
	}{
		{"Normal", "1", inOrder, true, [2]status.Code{ok, ok}, [2]status.Code{ok, ok}, [2]status.Code{ok, ok}, ok},
		{"QueueSpeak", "3", inOrder, true, [2]status.Code{refused, refused}, [2]status.Code{refused, refused}, [2]status.Code{refused, refused}, ok},
		{"Purge", "0", inOrder, true, [2]status.Code{refused, refused}, [2]status.Code{ok, ok}, [2]status.Code{refused, refused}, ok},
		{"RapidPurge", "0", [][]int{{0, 1, 2}, {3}, {}}, true, [2]status.Code{refused, refused}, [2]status.Code{ok, ok}, [2]status.Code{refused, refused}, ok},
		{"Standby", "0", none, false, [2]status.Code{refused, refused}, [2]status.Code{refused, refused}, [2]status.Code{refused, refused}, ok},
		{"AfterHours", "2", none, true, [2]status.Code{refused, ok}, [2]status.Code{refused, ok}, [2]status.Code{refused, ok}, ok},
		{"VirtualQueue", "1", inOrder, true, [2]status.Code{ok, ok}, [2]status.Code{ok, ok}, [2]status.Code{ok, ok}, ok},
		{"DateBook", "2", none, true, [2]status.Code{refused, ok}, [2]status.Code{refused, ok}, [2]status.Code{refused, ok}, ok},
		{"Shutdown", "0", none, false, [2]status.Code{refused, refused}, [2]status.Code{refused, refused}, [2]status.Code{refused, refused}, refused},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			seg := modes + "<Segment>Modes</Segment>"
			// Before the switch, in Normal: live callers still in the IVR
			// (voice and web), four ASAP callbacks in line and one booked
			// for 16:00.
			caller := func(app string) string { return idOf(t, b.succeed(t, "CreateInteraction", seg+app)) }
			voice := []string{caller(voiceApp), caller(voiceApp)}
			web := []string{caller(webApp), caller(webApp)}
			queued := caller(voiceApp)
			var asap []string
			for _, contact := range []string{"8101", "8102", "8103", "8104"} {
				b.clock.Advance(time.Second)
				asap = append(asap, idOf(t, b.succeed(t, "AddInteraction", seg+"<Contact>"+contact+"</Contact>")))
			}
			scheduled := idOf(t, b.succeed(t, "AddInteraction", seg+"<Contact>8105</Contact>"+opts("<AppointmentTime>2026-11-26T16:00:00Z</AppointmentTime>")))
			b.clock.Advance(time.Second)
			onHold := caller(voiceApp) // behind the callbacks
			b.succeed(t, "InteractionSendToQueue", modes+"<InteractionId>"+onHold+"</InteractionId><Reason>ChoseHold</Reason>")
			b.succeed(t, "InteractionQueued", modes+"<InteractionId>"+onHold+"</InteractionId><SkillId>4000</SkillId>")

			b.setMode(t, "Modes", tc.mode)

			// What a caller arriving now is offered: 4 callbacks and a caller ahead, 6 × 20 s.
			want := map[string]string{"OperationMode": tc.mode, "EWT": "120", "OfferTreatment": tc.offer, "ModeStatus": "Manual",
				"RecommendedDestination": "4000", "QueueMode": "Predictive"}
			if got := b.segmentState(t, "Modes", ""); !maps.Equal(got, want) {
				t.Errorf("segment state %v\nwant          %v", got, want)
			}

			// Which ASAP callbacks are dialled, round by round.
			done := map[int]bool{}
			for round, launched := range tc.rounds {
				b.clock.Advance(time.Second)
				b.tick(t)
				for i, id := range asap {
					want := pendingCallback
					switch {
					case done[i]:
						want = completeCallback
					case slices.Contains(launched, i):
						want = callbackLaunched
					}
					if got := b.statusOf(t, id); got != want {
						t.Fatalf("round %d: ASAP callback %d is %q, want %q", round+1, i+1, got, want)
					}
				}
				for _, i := range launched {
					b.reconnect(t, asap[i])
					done[i] = true
				}
			}
			// The scheduled callback: not before its time minus the 30 s lead, then if the mode dials it.
			b.clock.Set(time.Date(2026, 11, 26, 15, 59, 29, 0, time.UTC))
			b.tick(t)
			if got := b.statusOf(t, scheduled); got != pendingCallback {
				t.Fatalf("scheduled callback before its time: %q", got)
			}
			b.clock.Advance(time.Second)
			b.tick(t)
			want2 := pendingCallback
			if tc.scheduled {
				want2 = callbackLaunched
			}
			if got := b.statusOf(t, scheduled); got != want2 {
				t.Fatalf("scheduled callback at its time minus the lead: %q, want %q", got, want2)
			}

			// The caller on hold: Shutdown reports queued calls lost 16 s after the switch.
			holdState := "Queued to Hold Queue"
			if tc.mode == "Shutdown" {
				holdState = "Disconnected by Application"
			}
			if got := b.statusOf(t, onHold); got != holdState {
				t.Fatalf("the caller on hold is %q, want %q", got, holdState)
			}

			// Which requests the mode takes.
			b.answers(t, tc.add[0], "AddInteraction", seg+"<Contact>8201</Contact>")
			b.answers(t, tc.add[1], "AddInteraction", seg+"<Contact>8202</Contact>"+opts("<AppointmentTime>"+appointment+"</AppointmentTime>"))
			contact := func(id, uri string) string {
				return modes + "<InteractionId>" + id + "</InteractionId><ContactURI>" + uri + "</ContactURI>"
			}
			b.answers(t, tc.voice[0], "InteractionRequestContact", contact(voice[0], "voice://8203/"))
			b.answers(t, tc.voice[1], "InteractionRequestContact", contact(voice[1], "voice://8204?appt="+appointment))
			b.answers(t, tc.web[0], "InteractionRequestContact", contact(web[0], "voice://8205/"))
			b.answers(t, tc.web[1], "InteractionRequestContact", contact(web[1], "voice://8206?appt="+appointment))
			b.answers(t, tc.live, "CreateInteraction", seg+voiceApp)
			b.answers(t, tc.live, "InteractionQueued", modes+"<InteractionId>"+queued+"</InteractionId><SkillId>4000</SkillId>")
			newCall := status.RequestCompletedWithInteractionID
			if tc.live != ok {
				newCall = tc.live
			}
			b.answers(t, newCall, "InteractionQueued", modes+"<ExternalTrackingId>ACD-42</ExternalTrackingId><SkillId>4000</SkillId><Segment>Modes</Segment>")
		})
	}
}

// What GetSegmentState offers (behaviour.md §4): Smart Call Block, the
// turn-on threshold and the under-threshold destination, and the minimum
// licence threshold, in the modes they apply to. Segment Block blocks above
// 60 s, Short offers nothing at or under 2 min, Modes needs 2 free licences
// of the caller's pool (5 non-voice, 20 voice); every callback ahead adds 20 s.
func TestOffersOnTheWire(t *testing.T) {
	t.Parallel()
	web := "Web"
	cases := []struct {
		name, segment, mode string
		ahead               int      // ASAP callbacks registered before the mode is set
		callers             []string // source applications of callers kept in the IVR
		app                 string   // the source application asking
		ewt, offer, dest    string
	}{
		{"under the Smart Call Block threshold", "Block", "Normal", 1, nil, "", "40", "1", "4100"},
		{"Smart Call Block", "Block", "Normal", 3, nil, "", "80", "4", "4100"},
		{"Smart Call Block in QueueSpeak", "Block", "QueueSpeak", 3, nil, "", "80", "4", "4100"},
		{"Smart Call Block in VirtualQueue", "Block", "VirtualQueue", 3, nil, "", "80", "4", "4100"},
		{"no block where nothing is offered", "Block", "Purge", 3, nil, "", "80", "0", "4100"},
		{"no block of scheduled-only offers", "Block", "DateBook", 3, nil, "", "80", "2", "4100"},
		{"Normal under the turn-on threshold", "Short", "Normal", 0, nil, "", "20", "0", "4202"},
		{"Normal at the turn-on threshold", "Short", "Normal", 5, nil, "", "120", "0", "4202"},
		{"Normal above the turn-on threshold", "Short", "Normal", 6, nil, "", "140", "1", "4200"},
		{"QueueSpeak under the turn-on threshold", "Short", "QueueSpeak", 0, nil, "", "20", "0", "4202"},
		{"QueueSpeak above the turn-on threshold", "Short", "QueueSpeak", 6, nil, "", "140", "3", "4200"},
		{"VirtualQueue under the turn-on threshold", "Short", "VirtualQueue", 0, nil, "", "20", "0", "4202"},
		{"VirtualQueue above the turn-on threshold", "Short", "VirtualQueue", 6, nil, "", "140", "1", "4200"},
		{"AfterHours under the turn-on threshold", "Short", "AfterHours", 0, nil, "", "20", "2", "4202"},
		{"licences free", "Modes", "Normal", 0, []string{web, web, web}, web, "20", "1", "4000"},
		{"under the minimum licence threshold", "Modes", "Normal", 0, []string{web, web, web, web}, web, "20", "0", "4000"},
		{"the voice pool has licences", "Modes", "Normal", 0, []string{web, web, web, web}, "VXML Interaction Server", "20", "1", "4000"},
		{"scheduled-only offer under the minimum licence threshold", "Modes", "DateBook", 0, []string{web, web, web, web}, web, "20", "0", "4000"},
		{"under both thresholds, DateBook", "Short", "DateBook", 0, []string{web, web, web, web}, web, "20", "0", "4202"},
		{"under both thresholds, AfterHours", "Short", "AfterHours", 0, []string{web, web, web, web}, web, "20", "0", "4202"},
		{"under the turn-on threshold, voice licences free", "Short", "AfterHours", 0, []string{web, web, web, web}, "VXML Interaction Server", "20", "2", "4202"},
		{"scheduled-only offer, no appointments", "NoBook", "DateBook", 6, nil, "", "140", "0", "4400"},
		{"scheduled-only offer under the turn-on threshold, no appointments", "NoBook", "AfterHours", 0, nil, "", "20", "0", "4402"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			seg := modes + "<Segment>" + tc.segment + "</Segment>"
			for i := range tc.ahead {
				b.succeed(t, "AddInteraction", seg+"<Contact>"+strconv.Itoa(8300+i)+"</Contact>")
			}
			for _, app := range tc.callers {
				b.succeed(t, "CreateInteraction", seg+"<SourceApplication>"+app+"</SourceApplication>")
			}
			b.setMode(t, tc.segment, tc.mode)
			got := b.segmentState(t, tc.segment, tc.app)
			if got["OperationMode"] != tc.mode || got["EWT"] != tc.ewt || got["OfferTreatment"] != tc.offer || got["RecommendedDestination"] != tc.dest {
				t.Fatalf("segment state %v, want EWT %s, offer %s, destination %s", got, tc.ewt, tc.offer, tc.dest)
			}
		})
	}
}

// Requests the Queue Manager takes or refuses for reasons other than the
// mode (behaviour.md §3, §8): the turn-on threshold is an IVR offer rule and
// refuses no explicit request; the holidays of a national calendar (and
// explicit dates) close the queue to appointments, answer its holiday mode,
// and are skipped by GetNextAvailableAppointmentTimes. Segment Holiday: US
// calendar, 30 November closed, holidays in DateBook; today is Thanksgiving.
func TestRequestRulesOnTheWire(t *testing.T) {
	t.Parallel()
	b := setup(t)
	short := modes + "<Segment>Short</Segment>"
	holiday := modes + "<Segment>Holiday</Segment>"
	appt := func(at string) string { return opts("<AppointmentTime>" + at + "</AppointmentTime>") }
	if got := b.segmentState(t, "Short", ""); got["OfferTreatment"] != "0" {
		t.Fatalf("short queue: %v, want no offer", got)
	}
	want := map[string]string{"OperationMode": "DateBook", "EWT": "300", "OfferTreatment": "2", "ModeStatus": "Holiday",
		"RecommendedDestination": "4300", "QueueMode": "Predictive"}
	if got := b.segmentState(t, "Holiday", ""); !maps.Equal(got, want) {
		t.Fatalf("on Thanksgiving: %v\nwant %v", got, want)
	}
	caller := idOf(t, b.succeed(t, "CreateInteraction", holiday+voiceApp))
	booked := idOf(t, b.succeed(t, "AddInteraction", holiday+"<Contact>8401</Contact>"+appt("2026-11-27T15:00:00Z")))
	cases := []struct {
		name   string
		code   status.Code
		op     string
		params string
	}{
		{"an explicit request for a short queue", status.RequestCompleted, "AddInteraction", short + "<Contact>8400</Contact>"},
		{"ASAP on a holiday (DateBook)", status.RequestRefusedDueToOperationMode, "AddInteraction", holiday + "<Contact>8402</Contact>"},
		{"later on Thanksgiving", status.AppointmentTimeAfterHours, "AddInteraction", holiday + "<Contact>8403</Contact>" + appt("2026-11-26T20:00:00Z")},
		{"an explicit date", status.AppointmentTimeAfterHours, "AddInteraction", holiday + "<Contact>8404</Contact>" + appt("2026-11-30T15:00:00Z")},
		{"Christmas", status.AppointmentTimeAfterHours, "AddInteraction", holiday + "<Contact>8405</Contact>" + appt("2026-12-25T15:00:00Z")},
		{"New Year's Day", status.AppointmentTimeAfterHours, "AddInteraction", holiday + "<Contact>8406</Contact>" + appt("2027-01-01T15:00:00Z")},
		{"Christmas Eve is a working day", status.RequestCompleted, "AddInteraction", holiday + "<Contact>8407</Contact>" + appt("2026-12-24T15:00:00Z")},
		{"a caller asking for Christmas", status.AppointmentTimeAfterHours, "InteractionRequestContact", modes + "<InteractionId>" + caller + "</InteractionId><ContactURI>voice://8408?appt=2026-12-25T10:00:00Z</ContactURI>"},
		{"moving to Christmas", status.AppointmentTimeAfterHours, "ModifyInteraction", modes + "<InteractionId>" + booked + "</InteractionId><Action>AppointmentTime</Action>" + appt("2026-12-25T10:00:00Z")},
		{"moving to the next working day", status.RequestCompleted, "ModifyInteraction", modes + "<InteractionId>" + booked + "</InteractionId><Action>AppointmentTime</Action>" + appt("2026-12-01T10:00:00Z")},
	}
	for _, tc := range cases {
		b.answers(t, tc.code, tc.op, tc.params)
	}
	// The next free slots skip the rest of Thanksgiving, and Christmas.
	for from, first := range map[string]string{"": "2026-11-27T00:00:00Z", "2026-12-24T23:50:00Z": "2026-12-26T00:00:00Z"} {
		params := holiday
		if from != "" {
			params += opts("<NumberofAppointments>1</NumberofAppointments><AppointmentTime>" + from + "</AppointmentTime>")
		}
		r := b.succeed(t, "GetNextAvailableAppointmentTimes", params)
		if got := r.Result.Path("Data", "AppointmentTimes").Child("AppointmentTime"); got == nil || got.Text != first {
			t.Errorf("next slot from %q: %v, want %s\n%s", from, got, first, r.Raw)
		}
	}
}
