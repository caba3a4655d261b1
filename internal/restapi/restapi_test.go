package restapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/restapi"
)

var start = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

type testBundle struct {
	ctx      context.Context
	clock    *clock.Fake
	platform platformtest.All
	api      *restapi.API
	server   *httptest.Server
}

// Tokens of the tests: one per demo tenant, one for all, and their secrets.
const (
	tokenVHTLab  = "token-of-vhtlab-0001"
	tokenPortree = "token-of-portree-002"
	tokenAll     = "token-for-everyone-3"
)

func tokens() []access.Token {
	return []access.Token{
		{Name: "vhtlab", SHA256: sha256.Sum256([]byte(tokenVHTLab)), Tenants: []string{"VHTLab"}, Permissions: access.AllPermissions},
		{Name: "portree", SHA256: sha256.Sum256([]byte(tokenPortree)), Tenants: []string{"Portree", "VHT"}, Permissions: access.AllPermissions},
		{Name: "ops", SHA256: sha256.Sum256([]byte(tokenAll)), Tenants: []string{"*"}, Permissions: access.AllPermissions},
	}
}

// setup serves the REST API and the PTK of a demo platform on a fake
// clock, behind tokens (none: open), as the server mounts them.
func setup(t *testing.T, toks []access.Token) *testBundle {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p := platformtest.New(t, platformtest.Options{Start: start, Logger: log})
	var n atomic.Int64
	newID := func() string { return "req-" + string(rune('a'+n.Add(1)%26)) }
	mux := http.NewServeMux()
	api := restapi.NewAPI(restapi.Parts{Interactions: p.Lifecycle, Queues: p.QueueManager, Launches: p.Delivery}, log, nil, newID)
	api.Register(mux)
	soap, err := ptk.New(ptk.Config{Platform: p.Lifecycle, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	soap.Register(mux)
	srv := httptest.NewServer(restapi.NewAuth(access.NewTokens(toks), nil, log, newID).Protect(mux))
	t.Cleanup(srv.Close)
	return &testBundle{ctx: ctx, clock: p.Clock, platform: p.All, api: api, server: srv}
}

// call sends a JSON request with token (none when empty) and returns the
// status and body.
func (b *testBundle) call(t *testing.T, ctx context.Context, method, path, token string, body any) (int, string, http.Header) {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	} else if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, "", nil
		}
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

// launched registers a callback of tenant and lets the Queue Manager launch it.
func (b *testBundle) launched(t *testing.T, tenant, segment, contact string) *callback.Interaction {
	t.Helper()
	it, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: tenant, Segment: segment, Contact: contact})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	return it
}

type claimAnswer struct {
	Launches []payload.Launch `json:"launches"`
}

func TestTheAPIIsOpenWithoutTokens(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	if code, body, _ := b.call(t, b.ctx, "GET", "/api/v1/tenants/VHTLab/queues/VHT_Test", "", nil); code != 200 {
		t.Fatalf("open API: %d %s", code, body)
	}
	if code, body, _ := b.call(t, b.ctx, "GET", "/api/v1/tenants/VHTLab/queues/VHT_Test", "anything", nil); code != 200 {
		t.Fatalf("open API with a token: %d %s", code, body)
	}
}

// Acceptance 4, at the API: a token of tenant A reaches neither B's
// resources nor its launches nor its deliveries.
func TestTokensAreCheckedAndScoped(t *testing.T) {
	t.Parallel()
	b := setup(t, tokens())
	portreeLaunch := b.launched(t, "Portree", "VHT_Test", "80009")
	for _, c := range []struct {
		name, method, path, token string
		body                      any
		want                      int
	}{
		{"NoToken", "GET", "/api/v1/tenants/VHTLab/queues/VHT_Test", "", nil, 401},
		{"UnknownToken", "GET", "/api/v1/tenants/VHTLab/queues/VHT_Test", "token-of-nobody-0000", nil, 401},
		{"OwnTenant", "GET", "/api/v1/tenants/VHTLab/queues/VHT_Test", tokenVHTLab, nil, 200},
		{"OwnTenantAnyCase", "GET", "/api/v1/tenants/vhtlab/queues/VHT_Test", tokenVHTLab, nil, 200},
		{"OtherTenant", "GET", "/api/v1/tenants/Portree/queues/VHT_Test", tokenVHTLab, nil, 403},
		{"OtherTenantEscaped", "GET", "/api/v1/tenants/%50ortree/queues/VHT_Test", tokenVHTLab, nil, 403},
		{"OtherTenantsInteraction", "GET", "/api/v1/tenants/Portree/interactions/" + portreeLaunch.ID, tokenVHTLab, nil, 403},
		{"RegisterForOtherTenant", "POST", "/api/v1/tenants/Portree/callbacks", tokenVHTLab, map[string]any{"segment": "VHT_Test", "contact": "80001"}, 403},
		{"TokenOfTwoTenants", "GET", "/api/v1/tenants/VHT/queues/VHT_Test", tokenPortree, nil, 200},
		{"AllTenants", "GET", "/api/v1/tenants/Portree/queues/VHT_Test", tokenAll, nil, 200},
		{"ClaimOwn", "POST", "/api/v1/launches/claim", tokenVHTLab, map[string]any{"tenant": "VHTLab"}, 200},
		{"ClaimOther", "POST", "/api/v1/launches/claim", tokenVHTLab, map[string]any{"tenant": "Portree"}, 403},
		{"AckOtherTenantsLaunch", "POST", "/api/v1/launches/" + portreeLaunch.ID + "/1/ack", tokenVHTLab, nil, 404},
		{"AckOtherNamingOwnTenant", "POST", "/api/v1/launches/" + portreeLaunch.ID + "/1/ack", tokenVHTLab, map[string]any{"tenant": "VHTLab"}, 404},
		{"CancelOthers", "POST", "/api/v1/tenants/Portree/interactions/" + portreeLaunch.ID + "/cancel", tokenVHTLab, nil, 403},
		{"UserDataOfOthers", "POST", "/api/v1/tenants/Portree/interactions/" + portreeLaunch.ID + "/userdata", tokenVHTLab, map[string]any{"userData": []any{}}, 403},
		{"ModeOfOthers", "PUT", "/api/v1/tenants/Portree/queues/VHT_Test/mode", tokenVHTLab, map[string]any{"mode": "Purge"}, 403},
		{"ClearModeOfOthers", "DELETE", "/api/v1/tenants/Portree/queues/VHT_Test/mode", tokenVHTLab, nil, 403},
		{"ACDOfOthers", "POST", "/api/v1/tenants/Portree/queues/VHT_Test/acd", tokenVHTLab, map[string]any{"agentsStaffed": 1, "agentsAvailable": 1}, 403},
		{"OthersIDUnderOwnTenant", "GET", "/api/v1/tenants/VHTLab/interactions/" + portreeLaunch.ID, tokenVHTLab, nil, 404},
		{"DeliveriesOther", "GET", "/api/v1/tenants/Portree/deliveries", tokenVHTLab, nil, 403},
		{"DeliveriesOwn", "GET", "/api/v1/tenants/VHTLab/deliveries", tokenVHTLab, nil, 200},
		{"PTKJSONOwn", "POST", "/api/v1/ptk/GetSegmentState", tokenVHTLab, map[string]any{"Tenant": "VHTLab", "Segment": "PTK_VHT_TEST"}, 200},
		{"PTKJSONOther", "POST", "/api/v1/ptk/GetSegmentState", tokenVHTLab, map[string]any{"Tenant": "Portree", "Segment": "VHT_Test"}, 403},
		{"PTKJSONOtherAnyKeyCase", "POST", "/api/v1/ptk/FindInteraction", tokenVHTLab, map[string]any{"tenant": "Portree", "InteractionId": portreeLaunch.ID}, 403},
		{"PTKJSONNoTenant", "POST", "/api/v1/ptk/GetInteractionData", tokenVHTLab, map[string]any{"InteractionId": portreeLaunch.ID}, 403},
		{"PTKJSONNoTenantAllTenants", "POST", "/api/v1/ptk/GetVersion", tokenAll, map[string]any{}, 200},
		{"PTKJSONNoToken", "POST", "/api/v1/ptk/GetVersion", "", map[string]any{}, 401},
		{"SOAPStaysOpen", "GET", "/ptk?wsdl", "", nil, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, body, h := b.call(t, b.ctx, c.method, c.path, c.token, c.body)
			if code != c.want {
				t.Fatalf("%s %s = %d %s, want %d", c.method, c.path, code, body, c.want)
			}
			if code == 401 && (h.Get("WWW-Authenticate") != `Bearer realm="holdline"` || !strings.Contains(body, `"name":"Unauthorized"`)) {
				t.Errorf("401 answer: %v %s", h, body)
			}
			if code == 403 && (!strings.Contains(body, `"Forbidden"`) || h.Get("X-Request-Id") == "") {
				t.Errorf("403 answer: %v %s", h, body)
			}
		})
	}
	// Nothing of Portree's was claimed or acknowledged by the refused requests.
	l, err := b.platform.Launch(b.ctx, portreeLaunch.ID+"/1")
	if err != nil || !l.AckedAt.IsZero() || l.Deliveries != 0 {
		t.Fatalf("Portree's launch after VHTLab's attempts: %+v, %v", l, err)
	}
}

func TestAClaimAnswersTheLaunchObjectAndAnAckTakesEitherKeyForm(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	first := b.launched(t, "VHTLab", "PTK_VHT_TEST", "80001")
	code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "VHTLab", "max": 5})
	var got claimAnswer
	if code != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got.Launches) != 1 {
		t.Fatalf("claim = %d %s", code, body)
	}
	l := got.Launches[0]
	if l.Key != first.ID+"/1" || l.InteractionID != first.ID || l.Attempt != 1 || l.Tenant != "VHTLab" || l.Queue != "VHT_Test" ||
		l.Segment != "PTK_VHT_TEST" || l.Contact != "80001" || l.Type != "ASAP" || l.FirstParty != "customer" ||
		l.EWTSeconds != 30 || !l.LeaseExpires.Equal(start.Add(callback.DefaultLease)) || l.UserData == nil {
		t.Fatalf("launch %s", body)
	}
	for _, k := range []string{`"ewtSeconds"`, `"userData": []`, `"leaseExpires"`} {
		if !strings.Contains(body, k) {
			t.Errorf("the launch object lacks %s: %s", k, body)
		}
	}
	// Leased: a second claim gets nothing; the ack takes the key as it is...
	if code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "VHTLab"}); code != 200 || !strings.Contains(body, `"launches": []`) {
		t.Fatalf("second claim = %d %s", code, body)
	}
	if code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/"+l.Key+"/ack", "", nil); code != 200 || !strings.Contains(body, `"ackedAt"`) {
		t.Fatalf("ack = %d %s", code, body)
	}
	// ... or escaped as one path segment.
	second := b.launched(t, "Portree", "VHT_Test", "80002")
	if code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/"+second.ID+"%2F1/ack", "", map[string]any{"tenant": "Portree"}); code != 200 {
		t.Fatalf("escaped ack = %d %s", code, body)
	}
	b.clock.Advance(time.Hour)
	for _, tenant := range []string{"VHTLab", "Portree"} {
		if code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": tenant}); code != 200 || !strings.Contains(body, `"launches": []`) {
			t.Fatalf("claim of %s after the acks, past every lease = %d %s", tenant, code, body)
		}
	}
	if code, _, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/V0001000000000126112026150000000/9/ack", "", nil); code != 404 {
		t.Fatalf("ack of an unknown launch = %d", code)
	}
	for _, bad := range []map[string]any{{}, {"tenant": "VHTLab", "max": 101}, {"tenant": "VHTLab", "waitSeconds": -1}, {"tenant": "VHTLab", "extra": 1}} {
		if code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", bad); code != 400 {
			t.Errorf("claim %v = %d %s, want 400", bad, code, body)
		}
	}
	if code, _, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "Nowhere"}); code != 404 {
		t.Errorf("claim of an unknown tenant = %d", code)
	}
}

// Permissions: read-only tokens change nothing, tokens without contacts see
// numbers masked and cannot claim launches (which carry the number).
func TestPermissions(t *testing.T) {
	t.Parallel()
	const (
		reader  = "token-of-a-wallboard-01"
		changer = "token-of-an-ivr-app-002"
	)
	b := setup(t, append(tokens(),
		access.Token{Name: "wallboard", SHA256: sha256.Sum256([]byte(reader)), Tenants: []string{"*"}, Permissions: access.Read},
		access.Token{Name: "web", SHA256: sha256.Sum256([]byte(changer)), Tenants: []string{"VHTLab"}, Permissions: access.Read | access.Change},
	))
	it := b.launched(t, "VHTLab", "PTK_VHT_TEST", "80001234")
	for _, c := range []struct {
		name, method, path, token string
		body                      any
		want                      int
		has, lacks                string
	}{
		{"reader reads, masked", "GET", "/api/v1/tenants/VHTLab/interactions/" + it.ID, reader, nil, 200, `"contact": "******34"`, "80001234"},
		{"reader's PTK answer masked", "POST", "/api/v1/ptk/GetInteractionData", reader, map[string]any{"Tenant": "VHTLab", "InteractionId": it.ID}, 200, `"Contact": "******34"`, "80001234"},
		{"reader's deliveries hide payloads", "GET", "/api/v1/tenants/VHTLab/deliveries", reader, nil, 200, `"deliveries"`, "80001234"},
		{"reader registers nothing", "POST", "/api/v1/tenants/VHTLab/callbacks", reader, map[string]any{"segment": "PTK_VHT_TEST", "contact": "80002"}, 403, `may only read`, ""},
		{"reader switches no mode", "PUT", "/api/v1/tenants/VHTLab/queues/VHT_Test/mode", reader, map[string]any{"mode": "Purge"}, 403, "Forbidden", ""},
		{"reader's PTK AddInteraction", "POST", "/api/v1/ptk/AddInteraction", reader, map[string]any{"Tenant": "VHTLab", "Segment": "PTK_VHT_TEST", "Contact": "80003"}, 403, "Forbidden", ""},
		{"reader claims nothing", "POST", "/api/v1/launches/claim", reader, map[string]any{"tenant": "VHTLab"}, 403, "Forbidden", ""},
		{"changer registers", "POST", "/api/v1/tenants/VHTLab/callbacks", changer, map[string]any{"segment": "PTK_VHT_TEST", "contact": "80004321"}, 201, `"contact": "******21"`, "80004321"},
		{"changer claims nothing without contacts", "POST", "/api/v1/launches/claim", changer, map[string]any{"tenant": "VHTLab"}, 403, "may only read+change", ""},
		{"changer acks", "POST", "/api/v1/launches/" + it.ID + "/1/ack", changer, nil, 200, `"ackedAt"`, ""},
		{"full token sees the number", "GET", "/api/v1/tenants/VHTLab/interactions/" + it.ID, tokenVHTLab, nil, 200, `"contact": "80001234"`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body, _ := b.call(t, b.ctx, c.method, c.path, c.token, c.body)
			if code != c.want || !strings.Contains(body, c.has) || (c.lacks != "" && strings.Contains(body, c.lacks)) {
				t.Fatalf("%s %s = %d %s, want %d with %q and without %q", c.method, c.path, code, body, c.want, c.has, c.lacks)
			}
		})
	}
	// Without a tenant, GetSegments and GetStatus list the token's tenants only.
	code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/ptk/GetStatus", tokenVHTLab, map[string]any{})
	if code != 200 || !strings.Contains(body, `"VHTLab"`) || strings.Contains(body, "Portree") {
		t.Fatalf("GetStatus of a one-tenant token = %d %s", code, body)
	}
	code, body, _ = b.call(t, b.ctx, "POST", "/api/v1/ptk/GetSegments", tokenPortree, map[string]any{})
	if code != 200 || !strings.Contains(body, `"Portree"`) || !strings.Contains(body, `"VHT"`) || strings.Contains(body, "VHTLab") {
		t.Fatalf("GetSegments of a two-tenant token = %d %s", code, body)
	}
}

// Every JSON front reads its body strictly: a key written twice (in any
// case), trailing data and oversized bodies are refused before any work.
func TestJSONBodiesAreStrict(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, c := range []struct{ name, path, body, want string }{
		{"repeated key", "/api/v1/tenants/VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80001","Contact":"80002"}`, "written twice"},
		{"trailing data", "/api/v1/tenants/VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80001"} {"contact":"80002"}`, "more than one value"},
		{"repeated key in the PTK mirror", "/api/v1/ptk/GetSegmentState", `{"Tenant":"VHTLab","tenant":"VHT","Segment":"VHT_Test"}`, "written twice"},
		{"repeated key in a claim", "/api/v1/launches/claim", `{"tenant":"VHTLab","TENANT":"VHT"}`, "written twice"},
		{"a NUL character", "/api/v1/tenants/VHTLab/callbacks", `{"segment":"PTK_VHT_TEST","contact":"80001","clientId":"a\u0000b"}`, "NUL character"},
		{"a NUL character in the PTK mirror", "/api/v1/ptk/AddInteraction", `{"Tenant":"VHTLab","Segment":"PTK_VHT_TEST","Contact":"80001","ClientId":"\u0000"}`, "NUL character"},
		{"too deep", "/api/v1/tenants/VHTLab/callbacks", strings.Repeat("[", 100) + strings.Repeat("]", 100), "deeper than"},
		{"too big", "/api/v1/tenants/VHTLab/callbacks", `{"segment":"` + strings.Repeat("x", 2<<20) + `"}`, "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			code, body, _ := b.call(t, b.ctx, "POST", c.path, "", c.body)
			if code != 400 || !strings.Contains(body, `"InvalidRequest"`) || !strings.Contains(body, c.want) || len(body) > 1000 {
				t.Fatalf("= %d %s, want 400 InvalidRequest saying %q", code, body, c.want)
			}
		})
	}
	if its, err := b.platform.Find(b.ctx, callback.FindParams{Tenant: "VHTLab", Contact: "80001"}); err == nil && len(its) > 0 {
		t.Fatalf("a refused body registered %+v", its)
	}
}

// Every numeric or time parameter of the REST API is range-checked: a value
// out of range is refused naming the field, never overflowed, never read
// as "none".
func TestParametersOutOfRangeAreRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	future := start.Add(24 * time.Hour).Format(time.RFC3339)
	for _, c := range []struct {
		name, method, path string
		body               any
		want               int
		says               string
	}{
		{"claim lease of 100 ns", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "leaseSeconds": 1e-7}, 400, "leaseSeconds"},
		{"claim lease of 0", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "leaseSeconds": 0}, 400, "leaseSeconds"},
		{"claim lease over an hour", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "leaseSeconds": 3601}, 400, "leaseSeconds"},
		{"claim lease of a second", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "leaseSeconds": 1}, 200, "launches"},
		{"claim max 0", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "max": 0}, 400, `max`},
		{"claim max 101", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "max": 101}, 400, `max`},
		{"claim negative wait", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "waitSeconds": -0.5}, 400, "waitSeconds"},
		{"claim wait not a number", "POST", "/api/v1/launches/claim", map[string]any{"tenant": "VHTLab", "waitSeconds": "long"}, 400, "waitSeconds"},
		{"mode until year 9999", "PUT", "/api/v1/tenants/VHT/queues/VHT_Test/mode", map[string]any{"mode": "Purge", "until": "9999-12-31T23:59:59Z"}, 400, "until"},
		{"mode until zero", "PUT", "/api/v1/tenants/VHT/queues/VHT_Test/mode", map[string]any{"mode": "Purge", "until": "0001-01-01T00:00:00Z"}, 400, "until"},
		{"mode until past", "PUT", "/api/v1/tenants/VHT/queues/VHT_Test/mode", map[string]any{"mode": "Purge", "until": "2020-01-01T00:00:00Z"}, 400, "until"},
		{"mode until tomorrow", "PUT", "/api/v1/tenants/VHT/queues/VHT_Test/mode", map[string]any{"mode": "Normal", "until": future}, 200, `"Normal"`},
		{"ACD of 2^63-1 agents", "POST", "/api/v1/tenants/VHT/queues/VHT_Test/acd", `{"agentsStaffed":9223372036854775807,"agentsAvailable":9223372036854775807}`, 400, "agentsStaffed"},
		{"ACD over 100,000 agents", "POST", "/api/v1/tenants/VHT/queues/VHT_Test/acd", map[string]any{"agentsStaffed": 100001, "agentsAvailable": 0}, 400, "agentsStaffed"},
		{"ACD more available than staffed", "POST", "/api/v1/tenants/VHT/queues/VHT_Test/acd", map[string]any{"agentsStaffed": 3, "agentsAvailable": 4}, 400, "agentsAvailable"},
		{"ACD of 100,000 agents", "POST", "/api/v1/tenants/VHT/queues/VHT_Test/acd", map[string]any{"agentsStaffed": 100000, "agentsAvailable": 10}, 200, `"staffed": 100000`},
		{"appointment at the zero time", "POST", "/api/v1/tenants/VHTLab/callbacks", map[string]any{"segment": "PTK_VHT_TEST", "contact": "80001", "appointmentTime": "0001-01-01T00:00:00Z"}, 400, `"code": 108004`},
		{"appointment in 1999", "POST", "/api/v1/tenants/VHTLab/callbacks", map[string]any{"segment": "PTK_VHT_TEST", "contact": "80001", "appointmentTime": "1999-12-31T10:00:00Z"}, 400, "appointmentTime"},
		{"appointment in the past", "POST", "/api/v1/tenants/VHTLab/callbacks", map[string]any{"segment": "PTK_VHT_TEST", "contact": "80001", "appointmentTime": "2020-06-01T10:00:00Z"}, 400, `"code": 108019`},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body, _ := b.call(t, b.ctx, c.method, c.path, "", c.body)
			if code != c.want || !strings.Contains(body, c.says) {
				t.Fatalf("%s %s = %d %s, want %d saying %s", c.method, c.path, code, body, c.want, c.says)
			}
		})
	}
	// Nothing refused was registered.
	if its, err := b.platform.Find(b.ctx, callback.FindParams{Tenant: "VHTLab", Contact: "80001"}); err == nil && len(its) > 0 {
		t.Fatalf("a refused registration was stored: %+v", its[0].Interaction)
	}
}

// A long poll answers as soon as the Queue Manager commits a launch.
func TestAWaitingClaimWakesWhenALaunchIsCommitted(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	it, err := b.platform.AddCallback(b.ctx, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "80001"})
	if err != nil {
		t.Fatal(err)
	}
	answered := make(chan string, 1)
	go func() {
		_, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "VHTLab", "waitSeconds": 30})
		answered <- body
	}()
	select {
	case body := <-answered:
		t.Fatalf("the claim answered before any launch: %s", body)
	default:
	}
	if _, err := b.platform.Tick(b.ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-answered:
		if !strings.Contains(body, it.ID+"/1") {
			t.Fatalf("claim answered %s", body)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting claim did not answer the launch")
	}
}

func TestAWaitingClaimAnswersAtItsDeadlineOrWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "VHTLab", "waitSeconds": 0.05})
	if code != 200 || !strings.Contains(body, `"launches": []`) {
		t.Fatalf("claim past its wait = %d %s", code, body)
	}
	ctx, cancel := context.WithCancel(b.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.call(t, ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "VHTLab", "waitSeconds": 30})
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the claim kept waiting after its client left")
	}
	// A shutdown answers the claims still waiting.
	answered := make(chan int, 1)
	go func() {
		code, _, _ := b.call(t, b.ctx, "POST", "/api/v1/launches/claim", "", map[string]any{"tenant": "VHTLab", "waitSeconds": 30})
		answered <- code
	}()
	b.api.Shutdown()
	select {
	case code := <-answered:
		if code != 200 {
			t.Fatalf("claim at shutdown = %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the claim kept waiting during a shutdown")
	}
}

func TestDeliveriesListTheOutbox(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	if code, body, _ := b.call(t, b.ctx, "GET", "/api/v1/tenants/VHTLab/deliveries?state=pending&limit=5", "", nil); code != 200 || !strings.Contains(body, `"deliveries": []`) {
		t.Fatalf("deliveries = %d %s", code, body)
	}
	for _, q := range []string{"state=lost", "limit=0", "after=-1"} {
		if code, body, _ := b.call(t, b.ctx, "GET", "/api/v1/tenants/VHTLab/deliveries?"+q, "", nil); code != 400 {
			t.Errorf("deliveries?%s = %d %s, want 400", q, code, body)
		}
	}
}
