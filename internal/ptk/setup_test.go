package ptk_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/store/sqlitestore"
	"github.com/holdline/holdline/internal/telemetry"
)

// now is the tests' fake time: Thursday 26 November 2026, 15:00 UTC.
var now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// extraTenants adds, to the demo configuration, the tenants whose rules the
// status-code tests need. Tenant Rules runs in UTC, with one queue per rule.
const extraTenants = `
tenants:
  - name: Rules
    timeZone: UTC
    numbering: {profile: extension}
    integration: avaya
    licenses: {inbound: 100, nonVoice: 100, outbound: 1000, scheduled: true}
    callInfos:
      - {code: SUCCESS, type: CALLINFO_CALLBACK_SUCCESSFUL}
      - {code: CANCELLED, type: CALLINFO_CALLBACK_CANCELLED}
    segments:
      - {name: Open, queue: Open, countryCode: "1"}
      - {name: Mobile, queue: Open, countryCode: "1", sourceApplications: ["Mobile Application"]}
      - {name: Hours, queue: Hours, countryCode: "1"}
      - {name: NoAppt, queue: NoAppt, countryCode: "1"}
      - {name: Full, queue: Full, countryCode: "1"}
      - {name: Never, queue: Never, countryCode: "1"}
      - {name: Standby, queue: Standby, countryCode: "1"}
      - {name: Shutdown, queue: Shutdown, countryCode: "1"}
    queues:
      - name: Open
        turnOnThreshold: 0s
        launch: {lead: 24h}
        secondChance: {enabled: true}
        skills:
          holding: {id: "2000", device: "2000"}
          callback: {id: "2001", device: "2001"}
          underThreshold: {id: "2002", device: "2002"}
      - name: Hours
        businessHours: {mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"]}
        skills: {holding: {id: "3000"}}
      - name: NoAppt
        appointments: {enabled: false}
        skills: {holding: {id: "3001"}}
      - name: Full
        appointments: {capacity: 1}
        skills: {holding: {id: "3002"}}
      - name: Never
        appointments: {horizonDays: 1}
        businessHours: {sun: ["09:00-10:00"]}
        skills: {holding: {id: "3003"}}
      - name: Standby
        mode: Standby
        skills: {holding: {id: "3004"}}
      - name: Shutdown
        mode: Shutdown
        skills: {holding: {id: "3005"}}
  - name: Unlicensed
    timeZone: UTC
    numbering: {profile: extension}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q}]
  - name: NoResults
    timeZone: UTC
    numbering: {profile: extension}
    licenses: {inbound: 1, nonVoice: 1, outbound: 1, scheduled: false}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q}]
`

// testSettings are the demo configuration, the extra tenants, and a tenant
// without segments (which configuration files cannot express).
func testSettings(t *testing.T) *callback.Settings {
	t.Helper()
	s := config.Demo()
	extra, err := config.Parse([]byte(extraTenants), "extra tenants")
	if err != nil {
		t.Fatal(err)
	}
	s.Tenants = append(s.Tenants, extra.Tenants...)
	s.Tenants = append(s.Tenants, &callback.Tenant{Name: "Empty", Location: time.UTC})
	return s
}

// bundle is one running Holdline: the real server on a fresh SQLite store.
type bundle struct {
	srv      *httptest.Server
	platform *callback.Platform
	store    *sqlitestore.Store
}

func setup(t *testing.T) *bundle {
	t.Helper()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "holdline.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := callback.New(callback.Deps{Store: st, Clock: clock.NewFake(now), Settings: testSettings(t), Node: 1, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	m := telemetry.New("test")
	s, err := server.New(server.Config{Platform: p, Store: st, Metrics: m, Logger: log, PTK: ptk.Limits{MaxBody: 64 << 10}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		record(t, m)
	})
	return &bundle{srv: srv, platform: p, store: st}
}

// reply is an answer of the SOAP endpoint.
type reply struct {
	HTTP   int
	Header http.Header
	Raw    []byte
	Env    *ptk.Envelope
	// Resp is the Body's child (XResponse or Fault); Result the XResult.
	Resp, Result *ptk.Node
	Code         status.Code
}

// post sends body to path with the given headers and decodes the answer.
func (b *bundle) post(t *testing.T, path, contentType, body string, headers ...string) *reply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(t, req)
}

func (b *bundle) do(t *testing.T, req *http.Request) *reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := &reply{HTTP: resp.StatusCode, Header: resp.Header, Raw: raw}
	if !strings.Contains(resp.Header.Get("Content-Type"), "xml") {
		return r
	}
	env, err := ptk.DecodeEnvelope(bytes.NewReader(raw), ptk.Limits{})
	if err != nil {
		t.Fatalf("answer is not a SOAP message: %v\n%s", err, raw)
	}
	r.Env, r.Resp = env, env.Op
	if len(env.Op.Children) > 0 {
		r.Result = env.Op.Children[0]
	}
	if c := r.Result.Find("Code", "ResultCode"); c != nil {
		r.Code = status.Code(atoi(t, c.Text))
	}
	return r
}

// call sends the operation op with params (XML inside the operation element;
// classic methods get the <data> wrapper) as SOAP 1.1 in the target
// namespace, checks the answer against the schema and returns it.
func (b *bundle) call(t *testing.T, op, params string) *reply {
	t.Helper()
	o, _, ok := ptk.Lookup(op)
	if !ok {
		t.Fatalf("no operation %s", op)
	}
	if o.Family == ptk.Classic {
		params = "<data>" + params + "</data>"
	}
	r := b.post(t, "/ptk", "text/xml; charset=utf-8", soap11(`<`+op+` xmlns="urn:holdline:ptk">`+params+`</`+op+`>`), "SOAPAction", `"`+o.SOAPAction()+`"`)
	if r.HTTP != 200 {
		t.Fatalf("%s: HTTP %d\n%s", op, r.HTTP, r.Raw)
	}
	checkSchema(t, r)
	return r
}

func soap11(body string) string {
	return `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

func soap12(body string) string {
	return `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>` + body + `</soap:Body></soap:Envelope>`
}

// checkSchema validates an answer against the published schema: always with
// the Go validator, and with xmllint against the XSD when it is installed.
func checkSchema(t *testing.T, r *reply) {
	t.Helper()
	if err := ptk.ValidateResponse(r.Resp); err != nil {
		t.Fatalf("answer does not match the schema: %v\n%s", err, r.Raw)
	}
	if r.Resp.Space != ptk.TargetNamespace {
		return
	}
	xsd := xsdFile(t)
	if xsd == "" {
		return
	}
	body := bodyOf(r.Raw)
	cmd := exec.Command("xmllint", "--noout", "--schema", xsd, "-")
	cmd.Stdin = bytes.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xmllint rejects the answer: %v\n%s\n%s", err, out, body)
	}
}

var xsdOnce struct {
	sync.Once
	path string
}

// xsdFile writes the XSD once for xmllint; "" when xmllint is not installed.
func xsdFile(t *testing.T) string {
	xsdOnce.Do(func() {
		if _, err := exec.LookPath("xmllint"); err != nil {
			return
		}
		dir, err := os.MkdirTemp("", "ptk-xsd-")
		if err != nil {
			return
		}
		p := filepath.Join(dir, "ptk.xsd")
		if os.WriteFile(p, ptk.XSD(), 0o644) == nil {
			xsdOnce.path = p
		}
	})
	return xsdOnce.path
}

// bodyOf cuts the Body's content out of a SOAP answer (the response element
// carries its own namespace declaration).
func bodyOf(raw []byte) []byte {
	s := string(raw)
	i := strings.Index(s, "<soap:Body>")
	j := strings.LastIndex(s, "</soap:Body>")
	if i < 0 || j < 0 {
		return raw
	}
	return []byte(s[i+len("<soap:Body>") : j])
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range strings.TrimSpace(s) {
		if c < '0' || c > '9' {
			t.Fatalf("%q is not a number", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}
