package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/telemetry"
	"github.com/holdline/holdline/internal/userdata"
)

// Tenant isolation (issue #9, acceptance 1): a token scoped to tenant A
// (VHTLab) neither reads nor changes anything of the other demo tenants
// (Portree, VHT), whatever shape its JSON takes.

const (
	tokenA     = "token-of-tenant-a-0001"
	secretOfB  = "secret-of-tenant-b"
	contactOfB = "7700913"
)

// fataler is what the helpers need of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatal(args ...any)
}

type isolation struct {
	srv      *httptest.Server
	store    callback.Store
	platform platformtest.All
	// idsOfB are interaction ids of tenants B: callbacks pending and
	// launched, a live call in treatment.
	idsOfB []string
	idOfA  string
}

func setupIsolation(t *testing.T) *isolation {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := platformtest.New(t, platformtest.Options{Logger: log})
	p := b.All
	tokens := access.NewTokens([]access.Token{{Name: "tenant-a", SHA256: sha256.Sum256([]byte(tokenA)),
		Tenants: []string{"VHTLab"}, Permissions: access.AllPermissions}})
	s, err := server.New(server.Config{Platform: b.ServerPlatform(), Store: b.Store, Metrics: telemetry.New("test"), Logger: log, Tokens: tokens})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	is := &isolation{srv: srv, store: b.Store, platform: p}
	secret := userdata.List{userdata.P("account", userdata.Str(secretOfB))}
	for i, tenant := range []string{"Portree", "VHT", "Portree"} {
		it, err := p.AddCallback(ctx, callback.AddParams{Tenant: tenant, Segment: "VHT_Test",
			Contact: fmt.Sprintf("%s%d", contactOfB, i), UserData: secret})
		if err != nil {
			t.Fatal(err)
		}
		is.idsOfB = append(is.idsOfB, it.ID)
	}
	if _, err := p.Tick(ctx); err != nil { // launch some of them
		t.Fatal(err)
	}
	live, err := p.CreateInteraction(ctx, callback.CreateParams{Tenant: "Portree", Segment: "VHT_Test",
		SourceApplication: "IVR", ExternalTrackingID: "call-of-b", UserData: secret})
	if err != nil {
		t.Fatal(err)
	}
	is.idsOfB = append(is.idsOfB, live.ID)
	own, err := p.AddCallback(ctx, callback.AddParams{Tenant: "VHTLab", Segment: "PTK_VHT_TEST", Contact: "80001"})
	if err != nil {
		t.Fatal(err)
	}
	is.idOfA = own.ID
	return is
}

// snapshotOfB is everything stored of tenants B: interactions with their
// histories, launches and manual modes.
func (is *isolation) snapshotOfB(t fataler) string {
	t.Helper()
	var b bytes.Buffer
	err := is.store.InTx(context.Background(), func(tx callback.Tx) error {
		for _, tenant := range []string{"Portree", "VHT"} {
			its, err := tx.InteractionFind(context.Background(), &callback.InteractionFindParams{Tenant: tenant})
			if err != nil {
				return err
			}
			for _, it := range its {
				recs, err := tx.RecordList(context.Background(), it.ID)
				if err != nil {
					return err
				}
				fmt.Fprintf(&b, "%+v %d records\n", *it, len(recs))
			}
			ls, err := tx.LaunchFind(context.Background(), &callback.LaunchFindParams{Tenant: tenant})
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "%+v\n", ls)
		}
		modes, err := tx.QueueModeList(context.Background())
		fmt.Fprintf(&b, "%+v\n", modes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// post sends body to path with tenant A's token.
func (is *isolation) post(t fataler, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", is.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tokenA)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// leaksB reports what of tenants B an answer shows.
func leaksB(answer string) string {
	for _, marker := range []string{secretOfB, contactOfB, `"Tenant": "Portree"`, `"Tenant": "VHT"`, "call-of-b"} {
		if strings.Contains(answer, marker) {
			return marker
		}
	}
	return ""
}

// The bypasses an attacker found: the authorization read the top-level
// Tenant while the PTK decoder read data.Tenant, and of Tenant and TENANT
// at the top level it checked one at random.
func TestTenantBypassesAreClosed(t *testing.T) {
	t.Parallel()
	is := setupIsolation(t)
	before := is.snapshotOfB(t)
	idB := is.idsOfB[0]
	for _, c := range []struct {
		name, method, body string
		want               int
	}{
		{"RemoveInteraction, B inside data", "RemoveInteraction",
			`{"Tenant":"VHTLab","data":{"Tenant":"Portree","InteractionId":"` + idB + `","Reason":"Admin Canceled"}}`, 403},
		{"RemoveInteraction, B inside Data", "RemoveInteraction",
			`{"Tenant":"VHTLab","Data":{"Tenant":"Portree","InteractionId":"` + idB + `","Reason":"Admin Canceled"}}`, 403},
		{"RemoveInteraction, B inside DATA", "RemoveInteraction",
			`{"TENANT":"VHTLab","DATA":{"tenant":"Portree","InteractionId":"` + idB + `","Reason":"Admin Canceled"}}`, 403},
		{"AddInteraction, B inside data", "AddInteraction",
			`{"Tenant":"VHTLab","data":{"Tenant":"Portree","Segment":"VHT_Test","Contact":"80123"}}`, 403},
		{"GetInteractionData, B inside data", "GetInteractionData",
			`{"Tenant":"VHTLab","data":{"Tenant":"Portree","InteractionId":"` + idB + `"}}`, 403},
		{"UpdateUserData, B inside data", "UpdateUserData",
			`{"Tenant":"VHTLab","data":{"Tenant":"Portree","InteractionId":"` + idB + `","UserData":[{"Key":"x","Value":{"StringValue":"y"}}]}}`, 403},
		{"Tenant and TENANT", "RemoveInteraction",
			`{"Tenant":"VHTLab","TENANT":"Portree","InteractionId":"` + idB + `","Reason":"Admin Canceled"}`, 400},
		{"TENANT and Tenant", "GetInteractionData",
			`{"TENANT":"Portree","Tenant":"VHTLab","InteractionId":"` + idB + `"}`, 400},
		{"tenant twice inside data", "RemoveInteraction",
			`{"data":{"Tenant":"VHTLab","tenant":"Portree","InteractionId":"` + idB + `","Reason":"Admin Canceled"}}`, 400},
		{"B's id under A's tenant", "RemoveInteraction",
			`{"Tenant":"VHTLab","InteractionId":"` + idB + `","Reason":"Admin Canceled"}`, 200},
		{"segments of every tenant", "GetSegments", `{}`, 200},
		{"status of every tenant", "GetStatus", `{}`, 200},
		{"segments of B through Options", "GetSegments", `{"Options":{"Tenant":"Portree"}}`, 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Forty tries each: the old check chose at random.
			for range 40 {
				code, answer := is.post(t, "/api/v1/ptk/"+c.method, c.body)
				if code != c.want {
					t.Fatalf("%s = %d %s, want %d", c.body, code, answer, c.want)
				}
				if leak := leaksB(answer); leak != "" {
					t.Fatalf("the answer shows %q of B: %s", leak, answer)
				}
				if c.want == 200 && c.method == "RemoveInteraction" && !strings.Contains(answer, `"Code": 107002`) {
					t.Fatalf("B's interaction under A's tenant: %s", answer)
				}
			}
		})
	}
	if after := is.snapshotOfB(t); after != before {
		t.Fatalf("tenant B changed:\nbefore %s\nafter  %s", before, after)
	}
}

// The property: random JSON shapes, to every PTK method of the JSON mirror,
// with tenant A's token, never read or change anything of tenants B.
func TestRandomShapesNeverReachAnotherTenant(t *testing.T) {
	t.Parallel()
	is := setupIsolation(t)
	before := is.snapshotOfB(t)
	keys := []string{"Tenant", "TENANT", "tenant", "data", "Data", "DATA", "Options", "options", "InteractionId",
		"interactionid", "Segment", "Contact", "Reason", "CancelledBy", "UserData", "UserDataContainer",
		"ExternalTrackingId", "SkillId", "ContactURI", "Action", "InteractionData", "AppointmentTime", "ClientId",
		"Key", "Value", "DataName", "DataValue", "Result", "UserDataAssignment", "StringValue"}
	scalars := append([]any{"VHTLab", "vhtlab", " VHTLab ", "Portree", "VHT", "portree", " VHT ", "*", "",
		"PTK_VHT_TEST", "VHT_Test", "Admin Canceled", "Web Canceled", "Agent", "AgentAnswered", "Abandon", "Busy",
		"SpeakToAgent", "voice://80123", "80123", "call-of-a", "2099-01-01T10:00:00Z", 0, 7, true, nil, is.idOfA},
		anySlice(is.idsOfB)...)
	var value func(t *rapid.T, depth int) any
	value = func(t *rapid.T, depth int) any {
		switch k := rapid.IntRange(0, 4).Draw(t, "kind"); {
		case depth >= 3 || k <= 2:
			return rapid.SampledFrom(scalars).Draw(t, "scalar")
		case k == 3:
			obj := map[string]any{}
			for range rapid.IntRange(0, 5).Draw(t, "members") {
				obj[rapid.SampledFrom(keys).Draw(t, "key")] = value(t, depth+1)
			}
			return obj
		default:
			n := rapid.IntRange(0, 3).Draw(t, "items")
			arr := make([]any, n)
			for i := range arr {
				arr[i] = value(t, depth+1)
			}
			return arr
		}
	}
	tenants := []any{"VHTLab", "Portree", "VHT", " portree ", "VHT ", "*", ""}
	// member adds a parameter of the method, in a random spelling, with a
	// value that most often names tenants B or their interactions.
	member := func(t *rapid.T, obj map[string]any, name string) {
		spelling := rapid.SampledFrom([]string{name, strings.ToLower(name), strings.ToUpper(name)}).Draw(t, "spelling")
		switch strings.ToLower(name) {
		case "tenant":
			obj[spelling] = rapid.SampledFrom(tenants).Draw(t, "tenant")
		case "interactionid":
			obj[spelling] = rapid.SampledFrom(append(anySlice(is.idsOfB), is.idOfA)).Draw(t, "id")
		default:
			obj[spelling] = value(t, 1)
		}
	}
	for _, op := range ptk.Operations() {
		var params []string
		for _, f := range op.Params.Fields {
			if f.Inline {
				for _, g := range f.Type.Fields {
					params = append(params, g.Name)
				}
				continue
			}
			params = append(params, f.Name)
		}
		t.Run(op.Name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				// The method's parameters, at the top, in a data wrapper, or
				// both; then some noise.
				body := map[string]any{}
				wrapper := map[string]any{}
				for _, name := range params {
					switch rapid.IntRange(0, 3).Draw(t, "where") {
					case 0:
						member(t, body, name)
					case 1:
						member(t, wrapper, name)
					case 2:
						member(t, body, name)
						member(t, wrapper, name)
					}
				}
				if len(wrapper) > 0 {
					body[rapid.SampledFrom([]string{"data", "Data", "DATA"}).Draw(t, "wrapper")] = wrapper
				}
				for range rapid.IntRange(0, 2).Draw(t, "noise") {
					body[rapid.SampledFrom(keys).Draw(t, "key")] = value(t, 1)
				}
				raw, _ := json.Marshal(body)
				code, answer := is.post(t, "/api/v1/ptk/"+op.Name, string(raw))
				if code >= 500 {
					t.Fatalf("%s %s = %d %s", op.Name, raw, code, answer)
				}
				if leak := leaksB(answer); leak != "" {
					t.Fatalf("%s %s: the answer shows %q of B: %s", op.Name, raw, leak, answer)
				}
				if after := is.snapshotOfB(t); after != before {
					t.Fatalf("%s %s changed tenant B:\nbefore %s\nafter  %s", op.Name, raw, before, after)
				}
			})
		})
	}
}

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
