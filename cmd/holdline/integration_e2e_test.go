package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/proctest"

	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/webhook"
)

// The end-to-end tests of issue #6: the real binary serving, the reference
// dialer claiming or receiving launches and reporting through the PTK,
// receivers in the test taking pushed launches and events, a SIGKILL in
// the middle.

// startProcess runs the holdline binary with args and waits until it logs
// the message ready (JSON logs), returning the process and the "addr" it
// logged with it, if any.
func startProcess(t *testing.T, ready string, args ...string) (*proc, string) {
	t.Helper()
	p, addr := proctest.Start(t, binPath, ready, args...)
	return &proc{Proc: p}, addr
}

// serveWith writes cfg into dir and starts a server on it.
func serveWith(t *testing.T, dir, cfg string) *proc {
	t.Helper()
	path := filepath.Join(dir, "holdline.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p, addr := startProcess(t, "holdline listening", "serve", "--addr", "127.0.0.1:0", "--data", dir, "--config", path, "--log-format", "json")
	p.base = "http://" + addr
	return p
}

// call sends a JSON request with a bearer token (none when empty).
func call(t *testing.T, method, url, token string, body any) (int, string) {
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
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// addInteraction registers an ASAP callback with the PTK's AddInteraction
// over SOAP, as an IVR or a web back end does, and returns its id.
func addInteraction(t *testing.T, base, tenant, segment, contact string) string {
	t.Helper()
	op, _, _ := ptk.Lookup("AddInteraction")
	req, err := ptk.BuildRequest(op, []string{"Tenant=" + tenant, "Segment=" + segment, "Contact=" + contact})
	if err != nil {
		t.Fatal(err)
	}
	_, answer, err := soapCall(t.Context(), op, req, base, false, basicAuth{})
	if err != nil {
		t.Fatal(err)
	}
	if code := answerCode(answer); code != status.RequestCompleted {
		t.Fatalf("AddInteraction %s: %s", contact, code)
	}
	id, _ := answer.Find("Interaction").Attr("Id")
	if id == "" {
		t.Fatalf("AddInteraction %s answered no id", contact)
	}
	return id
}

// stateOf reads an interaction's state and history events with token.
func stateOf(t *testing.T, base, token, tenant, id string) interaction {
	t.Helper()
	code, body := call(t, "GET", base+"/api/v1/tenants/"+tenant+"/interactions/"+id, token, nil)
	if code != 200 {
		t.Fatalf("GET %s = %d %s", id, code, body)
	}
	var it interaction
	if err := json.Unmarshal([]byte(body), &it); err != nil {
		t.Fatal(err)
	}
	return it
}

func events(it interaction) []string {
	var out []string
	for _, h := range it.History {
		out = append(out, h.Event)
	}
	return out
}

// integrationConfig is a site whose queue launches every pending callback
// at once (100 agents: 3 s a position) and retries after a second; %s adds
// tenant keys (dialer, webhooks) and %s top-level ones (auth, delivery).
const integrationConfig = `
tenants:
  - name: Site
    numbering: {profile: extension}
    licenses: {inbound: 50, nonVoice: 50, outbound: 20, scheduled: true}
    segments: [{name: Main, queue: Main}]
%s    queues:
      - name: Main
        ewt: {defaultHandleTime: 300s, defaultAgents: 100}
        retries: {wait: 1s}
        launch: {outboundStartTimeout: 10m}
        skills: {holding: {id: "2000"}, callback: {id: "2001"}}
  - name: Other
    numbering: {profile: extension}
    licenses: {inbound: 50, nonVoice: 50, outbound: 20}
    segments: [{name: Main, queue: Main}]
    queues:
      - name: Main
        ewt: {defaultHandleTime: 300s, defaultAgents: 100}
        skills: {holding: {id: "3000"}, callback: {id: "3001"}}
%s`

const (
	siteToken  = "site-dialer-token-0001"
	otherToken = "other-dialer-token-002"
	tokensYAML = `auth:
  tokens:
    - {name: site-dialer, token: "` + siteToken + `", tenants: [Site]}
    - {name: other-dialer, token: "` + otherToken + `", tenants: [Other]}
`
)

// Acceptance 1, pull: AddInteraction, the reference dialer claims the
// launch, reports busy then answer through the PTK, and the callback
// completes; a SIGINT stops the dialer cleanly.
func TestReferenceDialerCompletesCallbacksByPull(t *testing.T) {
	t.Parallel()
	srv := serveWith(t, t.TempDir(), fmt.Sprintf(integrationConfig, "", tokensYAML))
	dialer, _ := startProcess(t, "dialer claiming launches", "dialer", "--server", srv.base, "--tenant", "Site",
		"--token", siteToken, "--script", "busy,answer", "--wait", "5s", "--log-format", "json")
	var ids []string
	for _, contact := range []string{"7001", "7002", "7003"} {
		ids = append(ids, addInteraction(t, srv.base, "Site", "Main", contact))
	}
	for _, id := range ids {
		waitFor(t, id+" to complete", func() bool { return stateOf(t, srv.base, siteToken, "Site", id).State == "CompleteCallback" })
		got := strings.Join(events(stateOf(t, srv.base, siteToken, "Site", id)), " ")
		if want := "Add Launch AttemptRetry Launch Connected SendToCallbackQueue Queued Answered"; got != want {
			t.Errorf("%s: history %s, want %s", id, got, want)
		}
	}
	// The dialer logs an outcome once its last PTK call has returned, which
	// may be just after the platform committed it: wait for the lines.
	outcomes := func() (busy, answer int) {
		logs := dialer.Logs()
		return strings.Count(logs, `"outcome":"busy"`), strings.Count(logs, `"outcome":"answer"`)
	}
	waitFor(t, "the dialer to log 3 busy and 3 answered outcomes", func() bool { b, a := outcomes(); return b >= 3 && a >= 3 })
	if busy, answer := outcomes(); busy != 3 || answer != 3 {
		t.Errorf("dialer logged %d busy and %d answered outcomes, want 3 of each:\n%s", busy, answer, dialer.Logs())
	}
	if err := dialer.Cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := dialer.Wait(t); err != nil || !strings.Contains(dialer.Logs(), `"msg":"dialer stopped"`) {
		t.Fatalf("dialer after SIGINT: %v\n%s", err, dialer.Logs())
	}
}

// eventReceiver is a webhook receiver: it verifies every signature and
// records the events by interaction.
type eventReceiver struct {
	*httptest.Server
	mu   sync.Mutex
	bad  int
	seen map[string][]string // interaction id -> event types, in order
}

func newEventReceiver(t *testing.T, secret string) *eventReceiver {
	t.Helper()
	er := &eventReceiver{seen: map[string][]string{}}
	er.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		er.mu.Lock()
		defer er.mu.Unlock()
		if webhook.VerifyRequest(secret, r.Header, body, time.Now(), webhook.DefaultTolerance) != nil {
			er.bad++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var env struct {
			Type string `json:"type"`
			Data struct {
				Callback struct {
					ID string `json:"id"`
				} `json:"callback"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &env)
		er.seen[env.Data.Callback.ID] = append(er.seen[env.Data.Callback.ID], env.Type)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(er.Close)
	return er
}

func (er *eventReceiver) of(id string) []string {
	er.mu.Lock()
	defer er.mu.Unlock()
	return append([]string(nil), er.seen[id]...)
}

// Acceptance 1, push: the launch is pushed, signed, to the reference dialer
// listening for it; it reports the call answered; a webhook receiver in the
// test gets the callback's events, each signed.
func TestReferenceDialerCompletesCallbacksByPush(t *testing.T) {
	t.Parallel()
	const secret = "whsec_push_test_5d3f"
	// The dialer reports to the server, and the server pushes to the dialer:
	// take a free port for the dialer, start the server, then the dialer.
	// The port stays held while the server starts, so that no listener of
	// the server's (nor of a test beside this one) is given it meanwhile.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	events := newEventReceiver(t, "whsec_events")
	tenantKeys := fmt.Sprintf(`    dialer: {url: "http://%s/launches", secret: %q}
    webhooks:
      - {name: crm, url: %q, secret: whsec_events, events: [callback.registered, callback.launched, callback.connected, callback.completed]}
`, addr, secret, events.URL+"/events")
	srv := serveWith(t, t.TempDir(), fmt.Sprintf(integrationConfig, tenantKeys, ""))
	_ = ln.Close()
	dialer, _ := startProcess(t, "dialer listening", "dialer", "--server", srv.base, "--listen", addr, "--secret", secret, "--log-format", "json")
	id := addInteraction(t, srv.base, "Site", "Main", "7001")
	// The dialer reports through the PTK, over SOAP: it needs no token.
	waitFor(t, "the pushed callback to complete", func() bool { return stateOf(t, srv.base, "", "Site", id).State == "CompleteCallback" })
	// Messages are not ordered among themselves (change.seq orders them):
	// compare the set.
	want := "callback.completed callback.connected callback.launched callback.registered"
	waitFor(t, "the callback's events", func() bool {
		got := events.of(id)
		slices.Sort(got)
		return strings.Join(got, " ") == want
	})
	code, body := call(t, "GET", srv.base+"/api/v1/tenants/Site/deliveries?destination=dialer/Main", "", nil)
	var ds struct {
		Deliveries []struct {
			Key, State string
			Attempts   int
		}
	}
	if code != 200 || json.Unmarshal([]byte(body), &ds) != nil || len(ds.Deliveries) != 1 ||
		ds.Deliveries[0].Key != id+"/1" || ds.Deliveries[0].State != "delivered" || ds.Deliveries[0].Attempts != 1 {
		t.Fatalf("the push's delivery: %d %s", code, body)
	}
	// Nobody can claim what was pushed and acknowledged.
	if code, body := call(t, "POST", srv.base+"/api/v1/launches/claim", "", map[string]any{"tenant": "Site"}); code != 200 || !strings.Contains(body, `"launches": []`) {
		t.Fatalf("claim after the push: %d %s", code, body)
	}
	if events.bad != 0 || !strings.Contains(dialer.Logs(), `"outcome":"answer"`) {
		t.Fatalf("%d badly signed events; dialer:\n%s", events.bad, dialer.Logs())
	}
}

// flakyReceiver takes launches and events for acceptance 2: it can fail
// (500), hang past the sender's timeout, or be down (its port closed), and
// records, per destination and key, every request and whether a 2xx was
// answered — and any request that came after that 2xx.
type flakyReceiver struct {
	addr   string
	secret string
	mu     sync.Mutex
	mode   string // "fail", "hang" or "ok"
	srv    *http.Server
	hits   map[string]int  // destination path + " " + key -> requests
	acked  map[string]bool // -> answered 2xx
	after  []string        // requests for a key already answered 2xx
	bad    int             // requests with a bad signature
	wake   chan struct{}   // closed and replaced on every request
}

func newFlakyReceiver(t *testing.T, secret string) *flakyReceiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fr := &flakyReceiver{addr: ln.Addr().String(), secret: secret, mode: "fail", hits: map[string]int{}, acked: map[string]bool{}, wake: make(chan struct{})}
	fr.serve(ln)
	t.Cleanup(fr.down)
	return fr
}

func (fr *flakyReceiver) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(fr.handle), ReadHeaderTimeout: 5 * time.Second}
	fr.mu.Lock()
	fr.srv = srv
	fr.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

func (fr *flakyReceiver) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	k := r.URL.Path + " " + r.Header.Get(webhook.HeaderIdempotencyKey)
	fr.mu.Lock()
	mode := fr.mode
	fr.hits[k]++
	if fr.acked[k] {
		fr.after = append(fr.after, k)
	}
	valid := webhook.VerifyRequest(fr.secret, r.Header, body, time.Now(), webhook.DefaultTolerance) == nil
	if !valid {
		fr.bad++
	}
	if mode == "ok" && valid {
		fr.acked[k] = true
	}
	close(fr.wake)
	fr.wake = make(chan struct{})
	fr.mu.Unlock()
	switch {
	case mode == "hang":
		<-r.Context().Done() // the sender gives up first
	case mode == "fail" || !valid:
		http.Error(w, "not now", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusOK)
	}
}

func (fr *flakyReceiver) set(mode string) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	fr.mode = mode
}

// waitRequests waits until the receiver has seen n requests in all.
func (fr *flakyReceiver) waitRequests(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		fr.mu.Lock()
		total := 0
		for _, h := range fr.hits {
			total += h
		}
		wake := fr.wake
		fr.mu.Unlock()
		if total >= n {
			return
		}
		select {
		case <-wake:
		case <-deadline:
			t.Fatalf("the receiver saw %d requests, want %d", total, n)
		}
	}
}

// down closes the receiver's port: connections are refused.
func (fr *flakyReceiver) down() {
	fr.mu.Lock()
	srv := fr.srv
	fr.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	_ = srv.Close()
}

// up listens again on the same address.
func (fr *flakyReceiver) up(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", fr.addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", fr.addr, err)
	}
	fr.serve(ln)
}

// delivery is one row of the deliveries API.
type delivery struct {
	ID          int64
	Destination string
	Key         string
	Type        string
	State       string
	Attempts    int
}

func deliveries(t *testing.T, base string) []delivery {
	t.Helper()
	code, body := call(t, "GET", base+"/api/v1/tenants/Site/deliveries?limit=1000", siteToken, nil)
	var out struct{ Deliveries []delivery }
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("deliveries: %d %s", code, body)
	}
	return out.Deliveries
}

// Acceptance 2: a receiver that fails, times out and is down for a while —
// with the server SIGKILLed and restarted in between — gets every launch and
// event, each acknowledged exactly once per idempotency key, and nothing is
// sent again after its 2xx.
func TestEveryDeliverySurvivesFailuresTimeoutsDowntimeAndSIGKILL(t *testing.T) {
	t.Parallel()
	const secret = "whsec_flaky_7c1e"
	fr := newFlakyReceiver(t, secret)
	tenantKeys := fmt.Sprintf(`    dialer: {url: "http://%[1]s/launches", secret: %[2]q, expiry: 10m, timeout: 1s}
    webhooks:
      - {name: all, url: "http://%[1]s/events", secret: %[2]q, timeout: 1s}
    notifications: {confirmation: false, finalAttempt: false, reminder: 0s}
`, fr.addr, secret)
	cfg := fmt.Sprintf(integrationConfig, tenantKeys, tokensYAML+"delivery: {backoff: {initial: 1s, max: 2s}}\n")
	data := t.TempDir()
	srv := serveWith(t, data, cfg)
	register := func(s *proc, contact string) {
		t.Helper()
		code, body := call(t, "POST", s.base+"/api/v1/tenants/Site/callbacks", siteToken, map[string]any{"segment": "Main", "contact": contact})
		if code != 201 {
			t.Fatalf("register %s: %d %s", contact, code, body)
		}
	}
	// Failing: every attempt answers 500. Three callbacks: three
	// registrations and three launches, each an event, and three pushes.
	for _, c := range []string{"7001", "7002", "7003"} {
		register(srv, c)
	}
	waitFor(t, "the nine messages", func() bool { return len(deliveries(t, srv.base)) == 9 })
	fr.waitRequests(t, 12)
	// Hanging past the 1 s timeout.
	fr.set("hang")
	fr.waitRequests(t, 18)
	// Down, and the server killed with everything still pending.
	fr.down()
	pending := deliveries(t, srv.base)
	if len(pending) != 9 {
		t.Fatalf("before the kill: %d deliveries, want 9: %+v", len(pending), pending)
	}
	if err := srv.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.Wait(t)
	srv = serveWith(t, data, cfg)
	for _, c := range []string{"7004", "7005"} {
		register(srv, c)
	}
	// Back up: everything is delivered.
	fr.set("ok")
	fr.up(t)
	allDelivered := func(want int) []delivery {
		t.Helper()
		var all []delivery
		waitFor(t, fmt.Sprintf("%d deliveries", want), func() bool {
			all = deliveries(t, srv.base)
			for _, d := range all {
				if d.State != "delivered" {
					return false
				}
			}
			return len(all) == want
		})
		return all
	}
	all := allDelivered(15)
	// Nothing committed before the kill was lost.
	byID := map[int64]delivery{}
	for _, d := range all {
		byID[d.ID] = d
	}
	for _, d := range pending {
		if got := byID[d.ID]; got.Key != d.Key || got.State != "delivered" || got.Attempts <= d.Attempts {
			t.Errorf("%s %s after the restart: %+v (before: %+v)", d.Destination, d.Key, got, d)
		}
	}
	// One more callback, so that the worker runs on after every 2xx.
	register(srv, "7006")
	all = allDelivered(18)
	fr.mu.Lock()
	defer fr.mu.Unlock()
	kinds := map[string]int{}
	for _, d := range all {
		path := "/events"
		if d.Destination == "dialer/Main" {
			path = "/launches"
		}
		k := path + " " + d.Key
		if !fr.acked[k] || fr.hits[k] < 1 {
			t.Errorf("%s was never acknowledged by the receiver (%d requests)", k, fr.hits[k])
		}
		kinds[d.Type]++
	}
	if kinds["callback.registered"] != 6 || kinds["callback.launched"] != 6 || kinds["launch"] != 6 {
		t.Errorf("deliveries by type: %v, want 6 registrations, 6 launches and 6 pushes", kinds)
	}
	if len(fr.after) > 0 || fr.bad > 0 {
		t.Errorf("sent again after a 2xx: %v; %d bad signatures", fr.after, fr.bad)
	}
	if len(fr.acked) != 18 {
		t.Errorf("the receiver acknowledged %d keys, want 18", len(fr.acked))
	}
}

// Acceptance 4: a token for tenant A can neither claim tenant B's launches
// nor acknowledge them nor read B's events; the SOAP PTK stays open.
func TestATokenOfOneTenantCannotTouchAnother(t *testing.T) {
	t.Parallel()
	srv := serveWith(t, t.TempDir(), fmt.Sprintf(integrationConfig, `    webhooks: [{name: crm, url: "http://127.0.0.1:9/none"}]
`, tokensYAML))
	id := addInteraction(t, srv.base, "Site", "Main", "7001") // SOAP: no token
	waitFor(t, "the launch", func() bool { return stateOf(t, srv.base, siteToken, "Site", id).State == "Launched" })
	key := id + "/1"
	for _, c := range []struct {
		name, method, path, token string
		body                      any
		want                      int
	}{
		{"ClaimWithoutToken", "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "Site"}, 401},
		{"ClaimWithABadToken", "POST", "/api/v1/launches/claim", "not-a-configured-token", map[string]any{"tenant": "Site"}, 401},
		{"ClaimOthers", "POST", "/api/v1/launches/claim", otherToken, map[string]any{"tenant": "Site"}, 403},
		{"AckOthers", "POST", "/api/v1/launches/" + key + "/ack", otherToken, nil, 404},
		{"ReadOthersEvents", "GET", "/api/v1/tenants/Site/deliveries", otherToken, nil, 403},
		{"ReadOthersInteraction", "GET", "/api/v1/tenants/Site/interactions/" + id, otherToken, nil, 403},
		{"PTKJSONForOthers", "POST", "/api/v1/ptk/FindInteraction", otherToken, map[string]any{"Tenant": "Site", "InteractionId": id}, 403},
		{"OwnEvents", "GET", "/api/v1/tenants/Site/deliveries", siteToken, nil, 200},
	} {
		if code, body := call(t, c.method, srv.base+c.path, c.token, c.body); code != c.want {
			t.Errorf("%s: %s %s = %d %s, want %d", c.name, c.method, c.path, code, body, c.want)
		}
	}
	// The refusals touched nothing: the launch is still unclaimed, and
	// Site's own token claims it.
	code, body := call(t, "POST", srv.base+"/api/v1/launches/claim", siteToken, map[string]any{"tenant": "Site"})
	if code != 200 || !strings.Contains(body, key) || !strings.Contains(body, `"attempt": 1`) {
		t.Fatalf("Site's claim: %d %s", code, body)
	}
	if code, body := call(t, "POST", srv.base+"/api/v1/launches/"+key+"/ack", siteToken, nil); code != 200 {
		t.Fatalf("Site's ack: %d %s", code, body)
	}
}
