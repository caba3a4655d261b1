package server_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/store/storetest"
	"github.com/holdline/holdline/internal/telemetry"
)

type testBundle struct {
	srv   *httptest.Server
	store callback.Store
	// faulty wraps store when the test asked for it (setupFaulty).
	faulty *storetest.Faulty
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	return setupOn(t, false)
}

// setupFaulty is setup with the store wrapped in a storetest.Faulty.
func setupFaulty(t *testing.T) *testBundle {
	t.Helper()
	return setupOn(t, true)
}

func setupOn(t *testing.T, faulty bool) *testBundle {
	t.Helper()
	s, st, f := newServerOn(t, faulty)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &testBundle{srv: srv, store: st, faulty: f}
}

// newServer builds a server of the demo configuration on a fresh store.
func newServer(t *testing.T) (*server.Server, callback.Store) {
	t.Helper()
	s, st, _ := newServerOn(t, false)
	return s, st
}

// newServerOn is newServer with the store wrapped in a storetest.Faulty,
// returned too, when faulty is set.
func newServerOn(t *testing.T, faulty bool, mods ...func(*server.Config)) (*server.Server, callback.Store, *storetest.Faulty) {
	t.Helper()
	var f *storetest.Faulty
	o := platformtest.Options{}
	if faulty {
		o.Wrap = func(st callback.Store) callback.Store { f = storetest.NewFaulty(st); return f }
	}
	p := platformtest.New(t, o)
	cfg := server.Config{Platform: p.ServerPlatform(), Store: p.Store, Metrics: telemetry.New("test"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, mod := range mods {
		mod(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, p.Engine, f
}

func do(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	if out == nil {
		out = map[string]any{"raw": string(raw)}
	}
	return resp.StatusCode, out
}

func TestProbes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, _ := do(t, "GET", b.srv.URL+path, ""); code != 200 {
			t.Errorf("%s = %d", path, code)
		}
	}
	_ = b.store.Close()
	if code, _ := do(t, "GET", b.srv.URL+"/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a closed store = %d, want 503", code)
	}
	if code, _ := do(t, "GET", b.srv.URL+"/healthz", ""); code != 200 {
		t.Errorf("/healthz must not depend on the store")
	}
}

func TestRESTErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := b.srv.URL + "/api/v1/tenants/"
	code, ok := do(t, "POST", base+"VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80001"}`)
	if code != 201 || ok["state"] != "PendingCallback" {
		t.Fatalf("register = %d %v", code, ok)
	}
	id := ok["id"].(string)
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     float64
	}{
		{"malformed json", "POST", "VHTLab/callbacks", `{"segment":`, 400, 0},
		{"empty body", "POST", "VHTLab/callbacks", ``, 400, 0},
		{"unknown field", "POST", "VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80002","colour":"red"}`, 400, 0},
		{"body too large", "POST", "VHTLab/callbacks", `{"segment":"` + strings.Repeat("x", 2<<20) + `"}`, 400, 0},
		{"invalid contact", "POST", "VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"12"}`, 400, 108005},
		{"unknown tenant", "POST", "Nope/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80002"}`, 404, 108000},
		{"duplicate contact", "POST", "VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80001"}`, 409, 107009},
		{"bad id", "GET", "VHTLab/interactions/V1", ``, 400, 108007},
		{"unknown id", "GET", "VHTLab/interactions/V0001000000999926112026150000000", ``, 404, 107002},
		{"bad canceller", "POST", "VHTLab/interactions/" + id + "/cancel", `{"cancelledBy":"nobody"}`, 400, 108031},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body := do(t, tc.method, base+tc.path, tc.body)
			if code != tc.status {
				t.Fatalf("HTTP %d, want %d: %v", code, tc.status, body)
			}
			if tc.code == 0 && (body["code"] != nil || body["name"] != "InvalidRequest") {
				t.Fatalf("an undecodable body has no PTK code: %v", body)
			}
			if tc.code != 0 && body["code"] != tc.code {
				t.Fatalf("code %v, want %v", body["code"], tc.code)
			}
			if msg, _ := body["message"].(string); msg == "" {
				t.Fatalf("no message: %v", body)
			}
			if rid, _ := body["requestId"].(string); rid == "" {
				t.Fatalf("no request id: %v", body)
			}
		})
	}
	// A supervisor's cancel without a body is recorded as EyeQueue.
	code, got := do(t, "POST", base+"VHTLab/interactions/"+id+"/cancel", "")
	if code != 200 || got["state"] != "Cancelled" {
		t.Fatalf("cancel = %d %v", code, got)
	}
	_, full := do(t, "GET", base+"VHTLab/interactions/"+id, "")
	hist := full["history"].([]any)
	if last := hist[len(hist)-1].(map[string]any); last["reason"] != "EyeQueue" || last["method"] != "CancelInteraction" {
		t.Fatalf("last record %v", last)
	}
}

func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	if code, _ := do(t, "GET", b.srv.URL+"/nope", ""); code != 404 {
		t.Errorf("unknown path = %d", code)
	}
	if code, _ := do(t, "DELETE", b.srv.URL+"/healthz", ""); code != 405 {
		t.Errorf("wrong method = %d", code)
	}
}

func TestQueueAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	base := b.srv.URL + "/api/v1/tenants/VHT/queues/VHT_Test"
	code, q := do(t, "GET", base, "")
	if code != 200 || q["mode"] != "Normal" || q["ewtSeconds"] != 30.0 || q["ewt95Seconds"].(float64) <= 30 || q["ewtSeeded"] != true || q["open"] != true ||
		q["agents"].(map[string]any)["known"] != false {
		t.Fatalf("queue = %d %v", code, q)
	}
	code, m := do(t, "PUT", base+"/mode", `{"mode":"purge","by":"jane"}`)
	if code != 200 || m["mode"] != "Purge" || m["modeStatus"] != "Manual" || m["manual"].(map[string]any)["by"] != "jane" {
		t.Fatalf("set mode = %d %v", code, m)
	}
	if code, body := do(t, "POST", b.srv.URL+"/api/v1/tenants/VHT/callbacks", `{"segment":"VHT_Test","contact":"8000"}`); code != 409 || body["code"] != 107005.0 {
		t.Fatalf("callback in Purge = %d %v", code, body)
	}
	code, m = do(t, "DELETE", base+"/mode", "")
	if code != 200 || m["mode"] != "Normal" || m["manual"] != nil {
		t.Fatalf("clear mode = %d %v", code, m)
	}
	// Ten agents, four free: a caller with nobody ahead waits nothing.
	code, q = do(t, "POST", base+"/acd", `{"agentsStaffed":10,"agentsAvailable":4}`)
	if agents := q["agents"].(map[string]any); code != 200 || q["ewtSeconds"] != 0.0 || agents["known"] != true || agents["available"] != 4.0 || agents["staffed"] != 10.0 {
		t.Fatalf("acd = %d %v", code, q)
	}
	for _, tc := range []struct {
		method, path, body string
		status             int
		code               float64
	}{
		{"PUT", "/mode", `{"mode":"Lunch"}`, 400, 107004},
		{"PUT", "/mode", `{}`, 400, 0},
		{"POST", "/acd", `{"agentsStaffed":2,"agentsAvailable":3}`, 400, 0},
		{"POST", "/acd", `{"agentsStaffed":2}`, 400, 0},
	} {
		code, body := do(t, tc.method, base+tc.path, tc.body)
		if code != tc.status || (tc.code != 0 && body["code"] != tc.code) {
			t.Errorf("%s %s %s = %d %v", tc.method, tc.path, tc.body, code, body)
		}
	}
	if code, body := do(t, "GET", b.srv.URL+"/api/v1/tenants/VHT/queues/Nope", ""); code != 404 || body["code"] != 109016.0 {
		t.Errorf("unknown queue = %d %v", code, body)
	}
}

// TestStoreRefusingWrites: while the disk is full the REST API answers
// writes 503 with Retry-After and code 109004, still serves reads, and
// /readyz is not ready; once a write commits, both are back.
func TestStoreRefusingWrites(t *testing.T) {
	t.Parallel()
	b := setupFaulty(t)
	base := b.srv.URL + "/api/v1/tenants/VHTLab/"
	code, before := do(t, "POST", base+"callbacks", `{"segment":"PTK_VHT_TEST","contact":"80001"}`)
	if code != 201 {
		t.Fatalf("register = %d %v", code, before)
	}
	b.faulty.Set(storetest.FullDisk)
	resp, err := http.Post(base+"callbacks", "application/json", strings.NewReader(`{"segment":"PTK_VHT_TEST","contact":"80002"}`))
	if err != nil {
		t.Fatal(err)
	}
	var refused map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&refused)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "5" ||
		refused["code"] != 109004.0 || refused["name"] != "PlatformUnavailable" {
		t.Fatalf("register on a full disk = %d, Retry-After %q, %v: want 503, 5, 109004",
			resp.StatusCode, resp.Header.Get("Retry-After"), refused)
	}
	if code, body := do(t, "GET", b.srv.URL+"/readyz", ""); code != http.StatusServiceUnavailable || !strings.Contains(body["raw"].(string), "refused writes") {
		t.Fatalf("/readyz while writes fail = %d %v, want 503 saying why", code, body)
	}
	if code, body := do(t, "GET", base+"interactions/"+before["id"].(string), ""); code != 200 {
		t.Fatalf("read while writes fail = %d %v, want 200", code, body)
	}
	b.faulty.Set(storetest.NoFault)
	if code, body := do(t, "POST", base+"callbacks", `{"segment":"PTK_VHT_TEST","contact":"80002"}`); code != 201 {
		t.Fatalf("register once the disk has room = %d %v", code, body)
	}
	if code, _ := do(t, "GET", b.srv.URL+"/readyz", ""); code != 200 {
		t.Fatalf("/readyz after a write committed = %d, want 200", code)
	}
}
