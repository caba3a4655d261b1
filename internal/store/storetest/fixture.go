package storetest

import (
	"fmt"
	"math"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/userdata"
)

// t0 is the suite's reference time: a nanosecond part, so that precision is
// exercised everywhere.
var t0 = time.Date(2026, time.March, 14, 15, 9, 26, 535_897_932, time.UTC)

// paris is a zone away from UTC: stores take any zone and read back UTC.
var paris = time.FixedZone("UTC+01:00", 3600)

// full returns an interaction with every field set to a value that is not
// its zero value (Version aside, which the store sets), so that a round trip
// exercises every column. The "Interaction/FixtureSetsEveryField" test keeps
// it that way when the domain type grows.
func full(id string) *callback.Interaction {
	return &callback.Interaction{
		ID:                 id,
		Tenant:             "VHTLab",
		Segment:            "PTK_VHT_TEST",
		Queue:              "Sales Queue",
		Type:               callback.TypeAppointment,
		State:              callback.StatePendingCallback,
		Contact:            "+14155550123",
		ExternalTrackingID: "ext-" + id,
		SourceApplication:  "Web Callback – Ünïcode 日本",
		ClientID:           "client-42",
		AppointmentTime:    time.Date(2026, time.March, 15, 10, 30, 0, 123_456_789, paris),
		QueuedAt:           t0.Add(-90 * time.Second),
		DueAt:              t0.Add(5*time.Minute + 7*time.Nanosecond),
		HoldReason:         callback.SendChoseHold,
		Attempts: callback.Attempts{
			Total:    3,
			ByReason: map[callback.AttemptFailReason]int{callback.FailBusy: 2, callback.FailNoAnswer: 1},
		},
		Result:   "Outreach max busy",
		LinkedID: "V0001000000000099140320261509260",
		UserData: userdata.List{
			userdata.P("name", userdata.Str("Zoë O'Brien \"quoted\" \\ back")),
			userdata.P("empty", userdata.Str("")),
			userdata.P("max", userdata.Int(math.MaxInt64)),
			userdata.P("min", userdata.Int(math.MinInt64)),
			userdata.P("zero", userdata.Int(0)),
			userdata.P("uui", userdata.Bin([]byte{0x00, 0x01, 0xfe, 0xff})),
			userdata.P("noBytes", userdata.Bin(nil)),
			userdata.P("account", userdata.Of(
				userdata.P("id", userdata.Int(1234567890123)),
				userdata.P("tier", userdata.Str("gold")),
				userdata.P("deep", userdata.Of(
					userdata.P("deeper", userdata.Of(userdata.P("leaf", userdata.Bin([]byte("leaf"))))),
				)),
				userdata.P("emptyList", userdata.Of()),
			)),
		},
		CreatedAt: t0.Add(-2 * time.Minute),
		UpdatedAt: t0,
		Version:   7, // not 1: InteractionInsert must set it
	}
}

// sparse returns an interaction with only the identifying fields set: every
// time zero, no attempts, no user data.
func sparse(id string) *callback.Interaction {
	return &callback.Interaction{
		ID:        id,
		Tenant:    "VHTLab",
		Segment:   "PTK_VHT_TEST",
		Queue:     "Sales Queue",
		Type:      callback.TypeInbound,
		State:     callback.StateInboundTreatment,
		CreatedAt: t0,
		UpdatedAt: t0,
	}
}

// record returns a record of interaction id, in sparse's tenant and queue,
// with every field set (but Seq, which the store assigns, and From when it is
// StateNone).
func record(id string, n int, from, to callback.State, ev callback.Event) *callback.Record {
	return &callback.Record{
		InteractionID: id,
		Tenant:        "VHTLab",
		Queue:         "Sales Queue",
		At:            t0.Add(time.Duration(n)*time.Second + 999*time.Nanosecond).In(paris),
		From:          from,
		To:            to,
		Event:         ev,
		Reason:        "reason " + string(ev),
		Method:        "InteractionRequestContact",
		RequestID:     "req-" + string(rune('a'+n)),
		Detail:        "appointment moved to 2026-03-15T10:30 – détail",
	}
}

// fullMode returns a mode override of tenant/queue with every field set.
func fullMode(tenant, queue string) *callback.ModeOverride {
	return &callback.ModeOverride{
		Tenant: tenant,
		Queue:  queue,
		Mode:   callback.ModeRapidPurge,
		SetAt:  t0.In(paris),
		Until:  t0.Add(90*time.Minute + 1),
		By:     "supervisor Zoë",
	}
}

// launch returns a new launch of attempt n of interaction id, in sparse's
// tenant and queue, issued at t0 plus created: never claimed, not
// acknowledged.
func launch(id string, n int, created time.Duration) *callback.Launch {
	return &callback.Launch{
		Key:           fmt.Sprintf("%s/%d", id, n),
		InteractionID: id,
		Attempt:       n,
		Tenant:        "VHTLab",
		Queue:         "Sales Queue",
		FirstParty:    "customer",
		CreatedAt:     t0.Add(created),
	}
}

// fullLaunch returns a launch with every field set, as if claimed twice and
// acknowledged: LaunchInsert stores every field as given.
func fullLaunch(id string, n int) *callback.Launch {
	l := launch(id, n, 0)
	l.Queue = "Other Queue – ünïcode"
	l.FirstParty = "agent"
	l.CreatedAt = t0.In(paris)
	l.LeaseOwner = "dialer-7"
	l.LeaseExpires = t0.Add(30*time.Second + 3)
	l.Deliveries = 2
	l.AckedAt = t0.Add(31 * time.Second)
	return l
}
