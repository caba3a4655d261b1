package ptk

import (
	"testing"
	"time"

	"github.com/holdline/holdline/internal/status"
)

func TestPTKTimes(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
		code status.Code
	}{
		{"2026-11-27T10:00:00Z", at, status.RequestCompleted},
		{" 2026-11-27T10:00:00Z ", at, status.RequestCompleted},
		{"2026-11-27T10:00:00.750Z", at, status.RequestCompleted}, // fractions dropped
		{"2026-11-27T10:00:00+01:00", time.Time{}, status.InvalidDateTime},
		{"2026-11-27 10:00", time.Time{}, status.InvalidDateTime},
		{"tomorrow", time.Time{}, status.InvalidDateTime},
		{"0001-01-01T00:00:00Z", time.Time{}, status.InvalidDateTime}, // a client's "none" is not a time
	} {
		got, err := parseTime(tc.in)
		if code := status.Of(err); code != tc.code || (err == nil && !got.Equal(tc.want)) {
			t.Errorf("parseTime(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.code)
		}
		if err == nil && timeText(got) != "2026-11-27T10:00:00Z" {
			t.Errorf("timeText(%v) = %q", got, timeText(got))
		}
	}
	if timeText(time.Time{}) != "" {
		t.Error("the zero time is written as nothing")
	}
	if m := moment("  "); m.At != (time.Time{}) || m.Err != nil {
		t.Errorf("blank is not given: %+v", m)
	}
}

func TestContactURIs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		uri, number string
		appt        time.Time
		code        status.Code
	}{
		{"voice://8001", "8001", time.Time{}, status.RequestCompleted},
		{"voice://8001/", "8001", time.Time{}, status.RequestCompleted},
		{"VOICE://%2B4415/", "+4415", time.Time{}, status.RequestCompleted},
		{"voice://8001/?appt=2026-11-27T10:00:00Z", "8001", time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), status.RequestCompleted},
		{"", "", time.Time{}, status.InvalidContactURIFormat},
		{"8001", "", time.Time{}, status.InvalidContactURIFormat},
		{"voice:///", "", time.Time{}, status.InvalidContactURIFormat},
		{"voice://%zz/", "", time.Time{}, status.InvalidContactURIFormat},
		{"sms://8001", "", time.Time{}, status.InvalidCallType},
		{"voice://8001?appt=", "", time.Time{}, status.InvalidDateTime},
		{"voice://8001?appt=tomorrow", "8001", time.Time{}, status.InvalidDateTime},
	} {
		req := contactRequest(tc.uri)
		if code := status.Of(req.Err); code != tc.code || req.Number != tc.number || !req.Appointment.Equal(tc.appt) {
			t.Errorf("contactRequest(%q) = %+v (code %v); want number %q, appt %v, code %v", tc.uri, req, code, tc.number, tc.appt, tc.code)
		}
	}
}
