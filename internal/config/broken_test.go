package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestCheckReportsEveryPlantedError checks testdata/broken.yaml: every
// planted error is reported, on its line, with its exact path and message,
// and nothing else is.
func TestCheckReportsEveryPlantedError(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/broken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`5 tenants[0].timeZone: "Mars/Olympus_Mons" is not a time zone (an IANA name such as Europe/London or America/New_York)`,
		`7 tenants[0].numbering: minLength 10 is greater than maxLength 5`,
		`10 tenants[0].licenses.outbound: -1 is out of range (at least 0)`,
		`13 tenants[0].segments[1].queue: no queue named "Nowhere" in this tenant`,
		`14 tenants[0].segments[2].name: duplicate segment name "MAIN" (already used by tenants[0].segments[0]; names are matched case-insensitively)`,
		`16 tenants[0].queues[0].skills.holding: a queue needs a holding skill (id or device): GetSegmentState recommends it to the IVR`,
		`17 tenants[0].queues[0].mode: "Normall" is not an operation mode (one of Normal, QueueSpeak, Purge, RapidPurge, Standby, AfterHours, VirtualQueue, DateBook, Shutdown)`,
		`19 tenants[0].queues[0].turnOnThreshold: "90" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`,
		`21 tenants[0].queues[0].businessHours.mon[1]: "25:00" is not a time of day`,
		`22 tenants[0].queues[0].businessHours.tue[1]: "11:00-14:00" overlaps "08:00-12:00"`,
		`23 tenants[0].queues[0].businessHours.funday: unknown key; expected one of: fri, mon, sat, sun, thu, tue, wed`,
		`25 tenants[0].queues[0].holidays.dates[1]: "2026-02-30" is not a date (YYYY-MM-DD)`,
		`26 tenants[0].queues[0].holidays.calendar: "xx" is not a supported holiday calendar (one of ar, at, be, bg, br, ca, ch, cz, de, dk, es, fr, gb, gr, hr, ie, it, jp, lt, lv, mw, nc, nl, no, nz, pl, ro, ru, se, si, sk, ua, us, za)`,
		`28 tenants[0].queues[0].appointments.slotLength: 3m is out of range (5m to 2h)`,
		`29 tenants[0].queues[0].appointments.capacity: must be a whole number, not "ten"`,
		`31 tenants[0].queues[0].retries.busy: 1000 is out of range (0 to 999)`,
		`32 tenants[0].queues[0].retries.wait: "5 minutes" is not a duration (Go syntax such as "90s", "2m" or "1h30m", or HH:MM:SS)`,
		`34 tenants[0].queues[0].ewt.multiplicationFactor: 250 is out of range (0 to 200)`,
		`35 tenants[0].queues[0].ewt.statistic: "mean" is not a statistic (one of average, median)`,
		`37 tenants[0].queues[0].secondChance.enabled: must be true or false, not "yes"`,
		`39 tenants[0].queues[0].variables.TURNONTHRESHOLD: TURNONTHRESHOLD comes from turnOnThreshold; set tenants[0].queues[0].turnOnThreshold instead`,
		`40 tenants[0].queues[0].variables.speakmaxewttime: unknown variable; did you mean "SPEAKMAXEWTTIME"? (names are case-sensitive)`,
		`41 tenants[0].queues[0].variables.NOSUCHVARIABLE: unknown variable (the "variables" section of "holdline config example" lists every name)`,
		`43 tenants[0].queues[0].colour: unknown key; expected one of: appointments, businessHours, callbackDoubleCheck, dialer, ewt, holidayMode, holidays, launch, mode, modeSchedule, name, queueMode, retries, secondChance, skills, smartCallBlockThreshold, smartPurge, turnOnThreshold, variables`,
		`44 tenants[0].queues[1].skills.holding: a queue needs a holding skill (id or device): GetSegmentState recommends it to the IVR`,
		`44 tenants[0].queues[1].name: duplicate queue name "main" (already used by tenants[0].queues[0]; names are matched case-insensitively)`,
		`47 tenants[0].queues[1].modeSchedule[1]: another change is already scheduled for mon 08:00 (tenants[0].queues[1].modeSchedule[0])`,
		`48 tenants[0].queues[1].modeSchedule[2].day: "someday" is not a day of the week (mon, tue, wed, thu, fri, sat, sun)`,
		`48 tenants[0].queues[1].modeSchedule[2].at: "24:00" is not a time of day (00:00 to 23:59)`,
		`48 tenants[0].queues[1].modeSchedule[2].mode: is required`,
		`49 tenants[1].name: duplicate tenant name "lab" (already used by tenants[0]; names are matched case-insensitively)`,
		`51 tenants[1].integration: "genesis" is not an integration (one of none, genesys, avaya, cisco)`,
		`52 tenants[1].segments: a tenant needs at least one segment`,
		`53 tenants[2].name: is required`,
		`53 tenants[2].segments: a tenant needs at least one segment`,
	}
	var got []string
	for _, is := range Check(data) {
		got = append(got, fmt.Sprintf("%d %s", is.Line, is))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %d issues, want %d", len(got), len(want))
		gotSet := map[string]bool{}
		for _, g := range got {
			gotSet[g] = true
		}
		wantSet := map[string]bool{}
		for _, w := range want {
			wantSet[w] = true
			if !gotSet[w] {
				t.Errorf("missing:    %s", w)
			}
		}
		for _, g := range got {
			if !wantSet[g] {
				t.Errorf("unexpected: %s", g)
			}
		}
	}

	// Every planted error is on a line marked with a comment, and every such
	// line has an error.
	lines := map[int]bool{}
	for _, w := range want {
		var n int
		if _, err := fmt.Sscanf(w, "%d", &n); err != nil {
			t.Fatalf("want line %q: %v", w, err)
		}
		lines[n] = true
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, "# ") && strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue // a comment line
		}
		if strings.Contains(l, " # ") != lines[i+1] {
			t.Errorf("line %d: commented %v, reported %v: %s", i+1, strings.Contains(l, " # "), lines[i+1], l)
		}
	}

	if _, err := Parse(data, "broken.yaml"); err == nil {
		t.Fatal("Parse accepted the broken file")
	} else if e := (*Error)(nil); !errors.As(err, &e) || len(e.Issues) != len(want) {
		t.Fatalf("Parse returned %T %v", err, err)
	}
}
