package payload_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/contact"
	"github.com/holdline/holdline/internal/doctest"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/userdata"
)

var at = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// scheduled is a callback with every field set, retried once.
func scheduled() *callback.Interaction {
	return &callback.Interaction{
		ID: "V0001000000000126112026150000000", Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Queue: "VHT_Test",
		Type: callback.TypeAppointment, State: callback.StatePendingCallback, Contact: "+14155550123",
		ExternalTrackingID: "ext-7", SourceApplication: "Conversation Bridge", ClientID: "c-42",
		AppointmentTime: at.Add(time.Hour), DueAt: at.Add(2 * time.Minute), LinkedID: "V0001000000000126112026145900000",
		Attempts:  callback.Attempts{Total: 1, ByReason: map[callback.AttemptFailReason]int{"Busy": 1}},
		UserData:  userdata.List{{Key: "account", Value: userdata.Value{Kind: userdata.String, Str: "A-1"}}},
		CreatedAt: at.Add(-time.Minute), UpdatedAt: at,
	}
}

// asap is an ASAP callback with nothing optional set.
func asap() *callback.Interaction {
	return &callback.Interaction{
		ID: "V0001000000000126112026150100000", Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Queue: "VHT_Test",
		Type: callback.TypeASAP, State: callback.StatePendingCallback, Contact: "80001", QueuedAt: at,
		CreatedAt: at, UpdatedAt: at,
	}
}

func header(typ callback.EventType, key string) callback.MessageHeader {
	return callback.MessageHeader{Key: key, Type: typ, Time: at, Tenant: "VHTLab", Webhook: "crm"}
}

// One of each payload, byte for byte as the outbox or the REST API holds
// it: a change to any shape shows here (go test ./internal/payload -update
// rewrites testdata after a deliberate change; docs/integration.md and
// docs/api.md describe them).
func TestPayloadsAreUnchanged(t *testing.T) {
	t.Parallel()
	var enc payload.Encoder
	rest := func(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
	for _, tc := range []struct {
		name   string
		encode func() ([]byte, error)
	}{
		{"event", func() ([]byte, error) {
			it := scheduled()
			return enc.Event(header(callback.EventRescheduled, "ev-9"), &callback.CallbackChange{
				Callback: it,
				Change: callback.Record{Seq: 9, From: callback.StateLaunched, To: callback.StatePendingCallback,
					Event: callback.EvAttemptRetry, Reason: "Busy", Method: "InteractionOutboundAttemptFailed", RequestID: "req-1"},
				Attempt: 1, Cause: "retry", RetryAt: it.DueAt,
			})
		}},
		{"mode-event", func() ([]byte, error) {
			return enc.ModeChanged(header(callback.EventModeChanged, "mode-1"), &callback.ModeAnnouncement{
				Queue: "VHT_Test", Mode: callback.ModePurge, Status: callback.ModeStatusManual, PreviousMode: callback.ModeNormal,
				By: "jane", Until: at.Add(3 * time.Hour),
			})
		}},
		{"notification", func() ([]byte, error) {
			h := header(callback.NotificationConfirmation, "V0001000000000126112026150100000/confirmation")
			h.Webhook = "" // the SMS gateway
			return enc.Notification(h, &callback.Notice{Kind: "confirmation", Callback: asap(), EWT: 29600 * time.Millisecond, HasEWT: true})
		}},
		{"launch", func() ([]byte, error) {
			it := scheduled()
			return enc.Launch(&callback.LaunchOrder{
				Launch: callback.Launch{Key: it.ID + "/2", InteractionID: it.ID, Attempt: 2, Tenant: it.Tenant, Queue: it.Queue,
					FirstParty: callback.FirstPartyCustomer, LeaseExpires: at.Add(30 * time.Second)},
				Segment: it.Segment, Contact: it.Contact, Type: it.Type, AppointmentTime: it.AppointmentTime,
				EWT: 45 * time.Second, UserData: it.UserData,
			})
		}},
		{"rest-interaction", func() ([]byte, error) {
			hist := []callback.Record{
				{Seq: 1, At: at.Add(-time.Minute), To: callback.StatePendingCallback, Event: callback.EvAdd, Reason: "Appointment",
					Method: "RegisterCallback", RequestID: "req-0"},
				{Seq: 9, At: at, From: callback.StateLaunched, To: callback.StatePendingCallback, Event: callback.EvAttemptRetry,
					Reason: "Busy", Method: "InteractionOutboundAttemptFailed", RequestID: "req-1", Detail: "attempt 1"},
			}
			return rest(payload.InteractionOf(scheduled(), payload.View{Types: payload.PTKTypes, Contact: contact.Mask, History: hist}))
		}},
		{"rest-inbound", func() ([]byte, error) {
			it := asap()
			it.Type, it.State, it.Contact = callback.TypeInbound, callback.StateQueuedHold, ""
			return rest(payload.InteractionOf(it, payload.View{Types: payload.PTKTypes, Contact: contact.Mask}))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := tc.encode()
			if err != nil {
				t.Fatal(err)
			}
			doctest.File(t, filepath.Join("testdata", tc.name+".json"), string(b)+"\n", "go test ./internal/payload -run TestPayloadsAreUnchanged")
		})
	}
}

// The REST API spells a type as the PTK does, so a client matches it
// against GetInteractionData; events, notifications and launches say ASAP.
func TestTypeSpellings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ              callback.InteractionType
		rest, integrated string
	}{
		{callback.TypeASAP, "FIFO", "ASAP"},
		{callback.TypeAppointment, "Appointment", "Appointment"},
		{callback.TypeInbound, "Inbound", "Inbound"},
		{"Future", "Future", "Future"},
	} {
		if got := payload.PTKTypes.Of(tc.typ); got != tc.rest {
			t.Errorf("REST spells %s %q, want %q", tc.typ, got, tc.rest)
		}
		if got := payload.IntegrationTypes.Of(tc.typ); got != tc.integrated {
			t.Errorf("integrations spell %s %q, want %q", tc.typ, got, tc.integrated)
		}
		it := asap()
		it.Type = tc.typ
		if got := payload.InteractionOf(it, payload.View{Types: payload.PTKTypes}).Type; got != tc.rest {
			t.Errorf("the REST view of %s says %q, want %q", tc.typ, got, tc.rest)
		}
		o := callback.LaunchOrder{Type: tc.typ}
		if got := payload.LaunchOf(&o).Type; got != tc.integrated {
			t.Errorf("a launch of %s says %q, want %q", tc.typ, got, tc.integrated)
		}
	}
}

// Webhooks are trusted: an event shows the contact as stored, whatever the
// REST API would mask.
func TestEventsShowTheContactUnmasked(t *testing.T) {
	t.Parallel()
	it := scheduled()
	b, err := payload.Encoder{}.Event(header(callback.EventRegistered, "ev-1"), &callback.CallbackChange{Callback: it})
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Data payload.CallbackEvent `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	if env.Data.Callback.Contact != it.Contact || env.Data.Callback.Type != "Appointment" {
		t.Fatalf("event's callback: %+v", env.Data.Callback)
	}
	if masked := payload.InteractionOf(it, payload.View{Types: payload.PTKTypes, Contact: contact.Mask}).Contact; masked == it.Contact {
		t.Fatalf("the masked REST view shows %q", masked)
	}
}
