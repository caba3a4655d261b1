package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/proctest"
)

// binPath is the holdline binary built once for the end-to-end tests.
var binPath string

func TestMain(m *testing.M) { proctest.Main(m, &binPath) }

// proc is a running holdline process started by a test, and the base URL
// of the server it runs (when it is one).
type proc struct {
	*proctest.Proc
	base string
}

// startServer runs `holdline serve` on a free port with data in dataDir and
// waits until it logs its address and answers /healthz.
func startServer(t *testing.T, dataDir string, extra ...string) *proc {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--log-format", "json"}, extra...)
	p, addr := proctest.Start(t, binPath, "holdline listening", args...)
	srv := &proc{Proc: p, base: "http://" + addr}
	if code, body := request(t, "GET", srv.base+"/healthz", nil); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	return srv
}

func request(t *testing.T, method, url string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// interaction is what the tests read back from the REST API.
type interaction struct {
	ID       string            `json:"id"`
	State    string            `json:"state"`
	Contact  string            `json:"contact"`
	Type     string            `json:"type"`
	UserData []json.RawMessage `json:"userData"`
	QueuedAt string            `json:"queuedAt"`
	DueAt    string            `json:"dueAt"`
	Attempts struct {
		Total int `json:"total"`
	} `json:"attempts"`
	History []struct {
		Seq       int64  `json:"seq"`
		At        string `json:"at"`
		From      string `json:"from"`
		To        string `json:"to"`
		Event     string `json:"event"`
		Method    string `json:"method"`
		RequestID string `json:"requestId"`
		Detail    string `json:"detail"`
	} `json:"history"`
}

func getInteraction(t *testing.T, base, tenant, id string) interaction {
	t.Helper()
	code, body := request(t, "GET", base+"/api/v1/tenants/"+tenant+"/interactions/"+id, nil)
	if code != 200 {
		t.Fatalf("GET interaction %s = %d %s", id, code, body)
	}
	var it interaction
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		t.Fatal(err)
	}
	return it
}

// register books a scheduled callback three hours ahead, so that the
// running Queue Manager leaves it pending while the test looks at it.
func register(t *testing.T, base, tenant, segment, contact string) interaction {
	t.Helper()
	code, body := request(t, "POST", base+"/api/v1/tenants/"+tenant+"/callbacks", map[string]any{
		"segment": segment, "contact": contact,
		"appointmentTime": time.Now().UTC().Add(3 * time.Hour).Truncate(time.Second),
		"userData":        []map[string]any{{"key": "account", "string": "A-1"}},
	})
	if code != 201 {
		t.Fatalf("register = %d %s", code, body)
	}
	var it interaction
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		t.Fatal(err)
	}
	return it
}

// A reply means committed: an interaction written before a SIGKILL is found
// after a restart with its full history, and ids keep being unique.
func TestInteractionSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	p := startServer(t, data)

	pending := register(t, p.base, "VHTLab", "PTK_VHT_TEST", "80001")
	code, body := request(t, "POST", p.base+"/api/v1/tenants/VHTLab/interactions/"+pending.ID+"/userdata",
		map[string]any{"userData": []map[string]any{{"key": "UU_DATA", "string": "hello"}}})
	if code != 200 {
		t.Fatalf("userdata = %d %s", code, body)
	}
	cancelled := register(t, p.base, "Portree", "VHT_Test", "8000")
	if code, body := request(t, "POST", p.base+"/api/v1/tenants/Portree/interactions/"+cancelled.ID+"/cancel",
		map[string]any{"cancelledBy": "Caller"}); code != 200 {
		t.Fatalf("cancel = %d %s", code, body)
	}
	before := map[string]interaction{
		pending.ID:   getInteraction(t, p.base, "VHTLab", pending.ID),
		cancelled.ID: getInteraction(t, p.base, "Portree", cancelled.ID),
	}
	if n := len(before[pending.ID].History); n != 2 {
		t.Fatalf("pending callback has %d history records, want 2", n)
	}

	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.Wait(t)

	p2 := startServer(t, data)
	after := map[string]interaction{
		pending.ID:   getInteraction(t, p2.base, "VHTLab", pending.ID),
		cancelled.ID: getInteraction(t, p2.base, "Portree", cancelled.ID),
	}
	for id, b := range before {
		if !reflect.DeepEqual(b, after[id]) {
			t.Errorf("interaction %s changed across SIGKILL:\nbefore %+v\nafter  %+v", id, b, after[id])
		}
	}
	a := after[pending.ID]
	if a.State != "PendingCallback" || a.Type != "Appointment" || a.Contact != "80001" || len(a.UserData) != 2 {
		t.Errorf("pending callback after restart: %+v", a)
	}
	if got := []string{a.History[0].Event, a.History[1].Event}; !reflect.DeepEqual(got, []string{"Add", "Update"}) {
		t.Errorf("history events %v", got)
	}
	if c := after[cancelled.ID]; c.State != "Cancelled" || c.History[1].Event != "Cancel" {
		t.Errorf("cancelled callback after restart: %+v", c)
	}
	// The id sequence survived too: a new interaction gets a new id.
	next := register(t, p2.base, "VHT", "VHT_Test", "80002")
	if next.ID == pending.ID || next.ID == cancelled.ID || next.ID[5:15] <= cancelled.ID[5:15] {
		t.Errorf("id after restart %s does not continue the sequence (%s, %s)", next.ID, pending.ID, cancelled.ID)
	}
}

// SIGTERM drains and closes the store cleanly, exiting 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	p := startServer(t, t.TempDir())
	if code, body := request(t, "GET", p.base+"/readyz", nil); code != 200 {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	stopGracefully(t, p)
}

// stopGracefully sends SIGTERM and checks that the process exits 0 after
// closing its store.
func stopGracefully(t *testing.T, p *proc) {
	t.Helper()
	p.Signal(t, syscall.SIGTERM)
	if err := p.Wait(t); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.Logs())
	}
	if !strings.Contains(p.Logs(), `"msg":"store closed"`) {
		t.Fatalf("store not closed cleanly:\n%s", p.Logs())
	}
}

// /metrics exposes the documented holdline_ series.
func TestMetricsEndpoint(t *testing.T) {
	t.Parallel()
	p := startServer(t, t.TempDir())
	register(t, p.base, "VHTLab", "PTK_VHT_TEST", "80001")
	code, body := request(t, "GET", p.base+"/metrics", nil)
	if code != 200 {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{
		`holdline_requests_total{code="107000",method="RegisterCallback"} 1`,
		`holdline_request_duration_seconds_count{method="RegisterCallback"} 1`,
		`holdline_interactions{state="PendingCallback"} 1`,
		`holdline_store_transaction_duration_seconds_count{outcome="commit"}`,
		`holdline_build_info{version=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// qmConfig is a site whose queue launches only the callback at the front
// (ten agents of 30 s each: one position is 30 s, the launch lead).
const qmConfig = `
tenants:
  - name: Site
    numbering: {profile: extension}
    licenses: {inbound: 50, nonVoice: 50, outbound: 10, scheduled: true}
    segments: [{name: Main, queue: Main}]
    queues:
      - name: Main
        skills: {holding: {id: hold-Main}}
        ewt: {defaultHandleTime: 300s, defaultAgents: 10}
        retries: {wait: 5m}
`

// waitFor polls check until it holds or the deadline passes.
func waitFor(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// In the middle of a day, a SIGKILL loses no callback's place or due time,
// and a restart issues no launch twice for the same attempt.
func TestQueueManagerSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	cfg := filepath.Join(data, "holdline.yaml")
	if err := os.WriteFile(cfg, []byte(qmConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startServer(t, data, "--config", cfg)
	var ids []string
	for _, contact := range []string{"7001", "7002", "7003", "7004"} {
		code, body := request(t, "POST", p.base+"/api/v1/tenants/Site/callbacks", map[string]any{"segment": "Main", "contact": contact})
		if code != 201 {
			t.Fatalf("register %s = %d %s", contact, code, body)
		}
		var it interaction
		if err := json.Unmarshal([]byte(body), &it); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	appt := register(t, p.base, "Site", "Main", "7005")
	// The first is launched, fails busy and waits 5 minutes in its place.
	waitFor(t, "the first callback to be launched", func() bool {
		return getInteraction(t, p.base, "Site", ids[0]).State == "Launched"
	})
	code, body := request(t, "POST", p.base+"/api/v1/ptk/InteractionOutboundAttemptFailed",
		map[string]any{"Tenant": "Site", "InteractionId": ids[0], "Reason": "Busy"})
	if code != 200 || !strings.Contains(body, "107000") {
		t.Fatalf("attempt failed = %d %s", code, body)
	}
	// The first waits out its retry without taking an agent: the second
	// moves to the front and is launched; the others keep waiting.
	waitFor(t, "the second callback to be launched", func() bool {
		return getInteraction(t, p.base, "Site", ids[1]).State == "Launched"
	})
	before := map[string]interaction{}
	for _, id := range append(ids, appt.ID) {
		before[id] = getInteraction(t, p.base, "Site", id)
	}
	if a := before[ids[0]]; a.State != "PendingCallback" || a.DueAt == "" || a.Attempts.Total != 1 {
		t.Fatalf("the failed callback: %+v", a)
	}
	for _, id := range ids[2:] {
		if st := before[id].State; st != "PendingCallback" {
			t.Fatalf("%s is %s: only the front of the queue may be launched", id, st)
		}
	}

	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.Wait(t)
	p2 := startServer(t, data, "--config", cfg)
	for id, b := range before {
		a := getInteraction(t, p2.base, "Site", id)
		if a.State != b.State || a.QueuedAt != b.QueuedAt || a.DueAt != b.DueAt || a.Attempts != b.Attempts || len(a.History) != len(b.History) {
			t.Errorf("%s changed across SIGKILL:\nbefore %+v\nafter  %+v", id, b, a)
		}
	}
	// One launch of each attempt, never issued again.
	for _, id := range ids[:2] {
		launches := 0
		for _, r := range getInteraction(t, p2.base, "Site", id).History {
			if r.Event == "Launch" {
				launches++
			}
		}
		if launches != 1 {
			t.Errorf("%s was launched %d times for one attempt", id, launches)
		}
	}
	// The places hold: each callback waits longer than the one before it.
	var last int
	for i, id := range ids[2:] {
		code, body := request(t, "POST", p2.base+"/api/v1/ptk/FindInteraction", map[string]any{"Tenant": "Site", "InteractionId": id})
		var found struct {
			Data struct {
				Interactions []struct {
					Information []struct{ Name, Value string }
				}
			}
		}
		if code != 200 || json.Unmarshal([]byte(body), &found) != nil || len(found.Data.Interactions) != 1 {
			t.Fatalf("find %s = %d %s", id, code, body)
		}
		var wait int
		for _, kv := range found.Data.Interactions[0].Information {
			if kv.Name == "RemainingWait" {
				wait, _ = strconv.Atoi(kv.Value)
			}
		}
		if i > 0 && wait <= last {
			t.Errorf("callback %d waits %d s, not more than the one before (%d s)", i+1, wait, last)
		}
		last = wait
	}
}
