package ptk_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
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
	"github.com/holdline/holdline/internal/platformtest"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/store/storetest"
	"github.com/holdline/holdline/internal/telemetry"
)

// now is the tests' fake time: Thursday 26 November 2026, 15:00 UTC.
var now = time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)

// extraTenants adds, to the demo configuration, the tenants whose rules the
// status-code tests need. Tenant Rules runs in UTC, with one queue per rule.
const extraTenants = `
tenants:
  - name: Scarce
    numbering: {profile: extension}
    licenses: {inbound: 0, nonVoice: 5, outbound: 1, bandwidthLimit: 1, scheduled: false}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]
  - name: Rules
    timeZone: UTC
    numbering: {profile: extension}
    integration: avaya
    licenses: {inbound: 100, nonVoice: 100, outbound: 1000, scheduled: true}
    callInfos:
      - {code: SUCCESS, type: CALLINFO_CALLBACK_SUCCESSFUL}
      - {code: CANCELLED, type: CALLINFO_CALLBACK_CANCELLED}
      - {code: NOTREACHED, type: CALLINFO_CALLBACK_FAILED}
    segments:
      - {name: Open, queue: Open, countryCode: "1"}
      - {name: Mobile, queue: Open, countryCode: "1", sourceApplications: ["Mobile Application"]}
      - {name: Hours, queue: Hours, countryCode: "1"}
      - {name: NoAppt, queue: NoAppt, countryCode: "1"}
      - {name: Full, queue: Full, countryCode: "1"}
      - {name: Never, queue: Never, countryCode: "1"}
      - {name: Standby, queue: Standby, countryCode: "1"}
      - {name: Shutdown, queue: Shutdown, countryCode: "1"}
      - {name: Booked, queue: Booked, countryCode: "1"}
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
      # DateBook takes no ASAP callback, Second Chance's included.
      - name: Booked
        mode: DateBook
        secondChance: {enabled: true}
        skills: {holding: {id: "2000"}}
  - name: Unlicensed
    timeZone: UTC
    numbering: {profile: extension}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]
  # Tenant Modes has the queues of the Queue Manager's wire tests
  # (modes_test.go), which set their operation modes through the mode API.
  # The EWT is seeded (2 agents, 40 s): every interaction ahead adds 20 s.
  - name: Modes
    timeZone: UTC
    numbering: {profile: extension}
    licenses: {inbound: 20, nonVoice: 5, outbound: 3, scheduled: true, minimumThreshold: 2}
    segments:
      - {name: Modes, queue: Modes}
      - {name: Block, queue: Block}
      - {name: Short, queue: Short}
      - {name: Holiday, queue: Holiday}
      - {name: NoBook, queue: NoBook}
    queues:
      - name: Modes
        turnOnThreshold: 10s
        ewt: {defaultHandleTime: 40s, defaultAgents: 2}
        launch: {outboundStartTimeout: 4h}
        skills:
          holding: {id: "4000", device: "4000"}
          callback: {id: "4001", device: "4001"}
          underThreshold: {id: "4002", device: "4002"}
      - name: Block
        turnOnThreshold: 10s
        smartCallBlockThreshold: 60s
        ewt: {defaultHandleTime: 40s, defaultAgents: 2}
        skills: {holding: {id: "4100", device: "4100"}, underThreshold: {id: "4102", device: "4102"}}
      - name: Short
        turnOnThreshold: 2m
        ewt: {defaultHandleTime: 40s, defaultAgents: 2}
        skills: {holding: {id: "4200", device: "4200"}, underThreshold: {id: "4202", device: "4202"}}
      - name: NoBook
        turnOnThreshold: 2m
        appointments: {enabled: false}
        ewt: {defaultHandleTime: 40s, defaultAgents: 2}
        skills: {holding: {id: "4400", device: "4400"}, underThreshold: {id: "4402", device: "4402"}}
      - name: Holiday
        holidays: {calendar: us, dates: ["2026-11-30"]}
        holidayMode: DateBook
        appointments: {horizonDays: 60}
        skills: {holding: {id: "4300"}}
  - name: NoResults
    timeZone: UTC
    numbering: {profile: extension}
    licenses: {inbound: 1, nonVoice: 1, outbound: 1, scheduled: false}
    segments: [{name: S, queue: Q}]
    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]
`

// testSettings are the demo configuration, the extra tenants, and a tenant
// without segments (which configuration files cannot express).
func testSettings(t testing.TB) *callback.Settings {
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

// bundle is one running Holdline: the real server on a fresh SQLite store,
// with the fake clock its platform runs on.
type bundle struct {
	srv      *httptest.Server
	bundle   *platformtest.Bundle
	platform platformtest.All
	store    callback.Store
	// faulty wraps store for the platform and the server: tests make it fail.
	faulty *storetest.Faulty
	clock  *clock.Fake
}

// setup starts a server; opts change its configuration (credentials...).
func setup(t testing.TB, opts ...func(*server.Config)) *bundle {
	t.Helper()
	return setupWith(t, testSettings(t), opts...)
}

// setupWith starts a server on settings.
func setupWith(t testing.TB, settings *callback.Settings, opts ...func(*server.Config)) *bundle {
	t.Helper()
	b := &bundle{}
	p := platformtest.New(t, platformtest.Options{Settings: settings, Start: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Wrap: func(st callback.Store) callback.Store { b.faulty = storetest.NewFaulty(st); return b.faulty }})
	b.serve(t, p, opts...)
	return b
}

// restartWith stops the server, restarts its platform on the same store
// with settings, and serves it again, as an operator restarting with an
// edited configuration file.
func (b *bundle) restartWith(t testing.TB, settings *callback.Settings) {
	t.Helper()
	b.srv.Close()
	b.bundle.RestartWith(t, settings)
	b.serve(t, b.bundle)
}

func (b *bundle) serve(t testing.TB, p *platformtest.Bundle, opts ...func(*server.Config)) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := telemetry.New("test")
	cfg := server.Config{Platform: p.ServerPlatform(), Store: b.faulty, Metrics: m, Logger: log, PTK: ptk.Limits{MaxBody: 64 << 10}}
	for _, o := range opts {
		o(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		record(t, m)
		// Every code the tests drew from the server is in its method's table.
		if u := m.Undocumented(); len(u) > 0 {
			t.Errorf("holdline_ptk_undocumented_code_total counted %v: add the codes to ops.go (docs/ptk.md) or fix the answers", u)
		}
	})
	b.srv, b.bundle, b.platform, b.store, b.clock = srv, p, p.All, p.Engine, p.Clock
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
func (b *bundle) post(t testing.TB, path, contentType, body string, headers ...string) *reply {
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

func (b *bundle) do(t testing.TB, req *http.Request) *reply {
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

// checkSchema validates an answer against the published schema: with the
// Go validator, and with xmllint against the XSD (see validateMessage).
func checkSchema(t *testing.T, r *reply) {
	t.Helper()
	if err := ptk.ValidateResponse(r.Resp); err != nil {
		t.Fatalf("answer does not match the schema: %v\n%s", err, r.Raw)
	}
	validateMessage(t, "answer", r.Raw)
}

// requireTools reports whether a missing external tool (xmllint here) fails
// the tests instead of skipping its check: HOLDLINE_REQUIRE_TOOLS=1, which
// `make test` (and so CI) sets after installing them with scripts/test-deps.
func requireTools() bool { return os.Getenv("HOLDLINE_REQUIRE_TOOLS") == "1" }

// validateMessage validates the message of a SOAP envelope (the Body's
// child) or of a bare document with `xmllint --schema` against the served
// XSD. Its elements are put in the target namespace first: Holdline reads a
// request in any namespace or none (the reference's examples have none) and
// answers in the request's, with the shape the schema describes. Without
// xmllint the check is skipped, unless HOLDLINE_REQUIRE_TOOLS=1.
func validateMessage(t *testing.T, what string, raw []byte) {
	t.Helper()
	xsd := xsdFile(t)
	if xsd == "" {
		return
	}
	if err := xmllint(xsd, raw); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// xmllint validates the message of raw (see validateMessage) against xsd.
func xmllint(xsd string, raw []byte) error {
	msg, err := messageInTargetNamespace(raw)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, raw)
	}
	cmd := exec.Command("xmllint", "--noout", "--schema", xsd, "-")
	cmd.Stdin = bytes.NewReader(msg)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("xmllint rejects it: %w\n%s\n%s", err, out, msg)
	}
	return nil
}

var xsdOnce struct {
	sync.Once
	path string
	err  error
}

// xsdFile writes the XSD once for xmllint; "" when xmllint is not installed
// (a failure of the test when HOLDLINE_REQUIRE_TOOLS=1).
func xsdFile(t *testing.T) string {
	t.Helper()
	xsdOnce.Do(func() {
		if _, err := exec.LookPath("xmllint"); err != nil {
			xsdOnce.err = fmt.Errorf("xmllint is not installed (Debian package libxml2-utils; scripts/test-deps installs it): %w", err)
			return
		}
		dir, err := os.MkdirTemp("", "ptk-xsd-")
		if err != nil {
			xsdOnce.err = err
			return
		}
		p := filepath.Join(dir, "ptk.xsd")
		if xsdOnce.err = os.WriteFile(p, ptk.XSD(), 0o644); xsdOnce.err == nil {
			xsdOnce.path = p
		}
	})
	if xsdOnce.err != nil && requireTools() {
		t.Fatalf("HOLDLINE_REQUIRE_TOOLS=1: %v", xsdOnce.err)
	}
	return xsdOnce.path
}

// messageInTargetNamespace cuts the message out of a SOAP envelope (the
// first child of its Body) or takes a bare document's root, and writes it
// as a document of its own with every element in the target namespace.
// Namespace declarations are dropped (the encoder declares what it uses);
// comments and processing instructions too.
func messageInTargetNamespace(raw []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(raw))
	var out bytes.Buffer
	enc := xml.NewEncoder(&out)
	var outside []xml.Name // the open elements around the message
	depth, found := 0, false
	isEnvelope := func(n xml.Name) bool {
		return n.Local == "Envelope" && (n.Space == ptk.NamespaceSOAP11 || n.Space == ptk.NamespaceSOAP12)
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				inBody := len(outside) == 2 && isEnvelope(outside[0]) && outside[1] == xml.Name{Space: outside[0].Space, Local: "Body"}
				bare := len(outside) == 0 && !isEnvelope(tk.Name)
				if !inBody && !bare {
					outside = append(outside, tk.Name)
					continue
				}
				if found {
					return nil, fmt.Errorf("more than one message element")
				}
				found = true
			}
			depth++
			start := xml.StartElement{Name: xml.Name{Space: ptk.TargetNamespace, Local: tk.Name.Local}}
			for _, a := range tk.Attr {
				if a.Name.Space != "xmlns" && a.Name != (xml.Name{Local: "xmlns"}) {
					start.Attr = append(start.Attr, a)
				}
			}
			err = enc.EncodeToken(start)
		case xml.EndElement:
			if depth == 0 {
				outside = outside[:len(outside)-1]
				continue
			}
			depth--
			err = enc.EncodeToken(xml.EndElement{Name: xml.Name{Space: ptk.TargetNamespace, Local: tk.Name.Local}})
		case xml.CharData:
			if depth > 0 {
				err = enc.EncodeToken(tk.Copy())
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, fmt.Errorf("no message element (neither a SOAP Body's child nor a bare document)")
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func atoi(t testing.TB, s string) int {
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
