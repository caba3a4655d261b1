package restapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/restapi"
	"github.com/holdline/holdline/internal/userdata"
)

// restUserData is a JSON list of n string pairs with distinct keys, its
// values padded so that the list is about size bytes.
func restUserData(n, size int) string {
	pad := max(0, size/n-len(`{"key":"k00000","string":""},`))
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"key":"k%05d","string":"%s"}`, i, strings.Repeat("v", pad))
	}
	return "[" + strings.Join(items, ",") + "]"
}

// nestedUserData is a list nesting depth lists.
func nestedUserData(depth int) string {
	return strings.Repeat(`[{"key":"k","list":`, depth-1) + `[{"key":"k","integer":1}]` + strings.Repeat(`}]`, depth-1)
}

type apiError struct {
	Code    int    `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

// TestUserDataLimitsOnTheRESTAPI: user data past MaxKeys or MaxDepth, found
// while the body is decoded, is 108040 UserDataFailedValidation (HTTP 400)
// saying which limit, as it is when a merge goes past them; at the limits the
// request is done.
func TestUserDataLimitsOnTheRESTAPI(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	register := func(contact int, userData string) string {
		return fmt.Sprintf(`{"segment":"PTK_VHT_TEST","contact":"%d","userData":%s}`, 80000+contact, userData)
	}
	code, body, _ := b.call(t, b.ctx, "POST", "/api/v1/tenants/VHTLab/callbacks", "", register(0, restUserData(userdata.MaxKeys, 0)))
	if code != 201 {
		t.Fatalf("register with MaxKeys pairs: %d %s", code, body)
	}
	var full struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &full); err != nil {
		t.Fatal(err)
	}
	update := "/api/v1/tenants/VHTLab/interactions/" + full.ID + "/userdata"
	cases := []struct {
		name, path, body string
		http             int
		name2, message   string
	}{
		{"one pair more than MaxKeys", "/api/v1/tenants/VHTLab/callbacks", register(1, restUserData(userdata.MaxKeys+1, 0)), 400, "UserDataFailedValidation", "more than 1000 keys (MaxKeys"},
		{"8,000 pairs, within the body's token limit", update, `{"userData":` + restUserData(8_000, 0) + `}`, 400, "UserDataFailedValidation", "more than 1000 keys (MaxKeys"},
		{"30,000 pairs, past the body's token limit", update, `{"userData":` + restUserData(30_000, 900_000) + `}`, 400, "InvalidRequest", "more than 50000 JSON tokens"},
		{"MaxDepth levels", "/api/v1/tenants/VHTLab/callbacks", register(2, nestedUserData(userdata.MaxDepth)), 201, "", ""},
		{"one level more", "/api/v1/tenants/VHTLab/callbacks", register(3, nestedUserData(userdata.MaxDepth+1)), 400, "UserDataFailedValidation", "deeper than 8 levels (MaxDepth)"},
		{"binary not hexadecimal", update, `{"userData":[{"key":"uui","binary":"xyz"}]}`, 400, "UserDataFailedValidation", `key "uui": binary value is not hexadecimal`},
		{"a merge past MaxKeys", update, `{"userData":[{"key":"new","integer":1}]}`, 400, "UserDataFailedValidation", "more than 1000 keys (MaxKeys"},
		{"a merge within the limits", update, `{"userData":[{"key":"k00001","integer":1}]}`, 200, "", ""},
		{"a long unknown field is not repeated whole", "/api/v1/tenants/VHTLab/callbacks", `{"` + strings.Repeat("f", 100_000) + `":1}`, 400, "InvalidRequest", "…"},
		{"a value of the wrong type is still an unreadable body", update, `{"userData":[{"key":5}]}`, 400, "InvalidRequest", "request body:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := b.call(t, b.ctx, "POST", tc.path, "", tc.body)
			if code != tc.http {
				t.Fatalf("HTTP %d, want %d: %.300s", code, tc.http, body)
			}
			if tc.name2 == "" {
				return
			}
			var e apiError
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatal(err)
			}
			wantCode := 0
			if tc.name2 == "UserDataFailedValidation" {
				wantCode = 108040
			}
			if e.Code != wantCode || e.Name != tc.name2 || !strings.Contains(e.Message, tc.message) || len(body) > 2048 {
				t.Fatalf("answered %d %s %.300q (%d bytes), want %d %s saying %q", e.Code, e.Name, e.Message, len(body), wantCode, tc.name2, tc.message)
			}
		})
	}
}

// TestRESTUserDataDecodingStopsAtTheLimit shows that the REST API decodes no
// more than MaxKeys+1 pairs of an oversized tree: the audit's request (1 MiB,
// 30,000 keys), which the body's token limit refuses before any decoding, and
// 8,000 keys, the most that limit lets through. It is not parallel: it reads
// the process-wide userdata.DecodedPairs while nothing else decodes.
func TestRESTUserDataDecodingStopsAtTheLimit(t *testing.T) {
	b := setup(t, nil)
	audit := restUserData(30_000, 1<<20-200)
	if n := len(audit); n > 1<<20 || n < 1_000_000 {
		t.Fatalf("user data of %d bytes, want about 1 MiB and no more", n)
	}
	cases := []struct {
		keys      int
		userData  string
		wantInAns string
	}{
		{30_000, audit, `"name": "InvalidRequest"`},
		{8_000, restUserData(8_000, 0), `"code": 108040`},
	}
	for i, tc := range cases {
		body := fmt.Sprintf(`{"segment":"PTK_VHT_TEST","contact":"%d","userData":%s}`, 80001+i, tc.userData)
		before := userdata.DecodedPairs()
		code, answer, _ := b.call(t, b.ctx, "POST", "/api/v1/tenants/VHTLab/callbacks", "", body)
		decoded := userdata.DecodedPairs() - before
		if code != 400 || !strings.Contains(answer, tc.wantInAns) {
			t.Fatalf("%d keys: HTTP %d: %.300s", tc.keys, code, answer)
		}
		if decoded > userdata.MaxKeys+1 {
			t.Fatalf("%d pairs decoded for a %d-key request, want at most %d", decoded, tc.keys, userdata.MaxKeys+1)
		}
	}
}

// BenchmarkAuditRequest sends the audit's request — a 1 MiB registration
// with 30,000 user-data keys — through the REST API as served (strict JSON
// reading, then decoding), beside json.Valid over the same bytes, the
// least any JSON front must spend on a body. docs/benchmarks.md holds the
// ratio. The 8,000-key row is the largest user data the token limit lets
// through, refused at key 1,001 while decoding.
func BenchmarkAuditRequest(b *testing.B) {
	for _, tc := range []struct {
		name string
		keys int
		size int
	}{{"30000-keys-1MiB", 30_000, 1<<20 - 200}, {"8000-keys", 8_000, 0}} {
		body := []byte(fmt.Sprintf(`{"segment":"PTK_VHT_TEST","contact":"80001","userData":%s}`, restUserData(tc.keys, tc.size)))
		api := restapi.NewAPI(restapi.Parts{}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, func() string { return "bench" })
		mux := http.NewServeMux()
		api.Register(mux)
		h := restapi.NewAuth(nil, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), func() string { return "bench" }).Protect(mux)
		b.Run(tc.name+"/api", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/tenants/VHTLab/callbacks", bytes.NewReader(body)))
				if rec.Code != http.StatusBadRequest {
					b.Fatalf("HTTP %d: %.200s", rec.Code, rec.Body)
				}
			}
		})
		b.Run(tc.name+"/json.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if !json.Valid(body) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
