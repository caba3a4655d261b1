package ptk_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/telemetry"
)

// observed gathers the (method, status code) pairs every test server
// counted in its metrics, for the coverage check.
var observed = struct {
	sync.Mutex
	pairs map[string]map[status.Code]bool
}{pairs: map[string]map[status.Code]bool{}}

// record reads a server's request counter into observed.
func record(t testing.TB, m *telemetry.Metrics) {
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Errorf("gather metrics: %v", err)
		return
	}
	observed.Lock()
	defer observed.Unlock()
	for _, mf := range mfs {
		if mf.GetName() != "holdline_requests_total" {
			continue
		}
		for _, mt := range mf.GetMetric() {
			var method string
			var code int
			for _, l := range mt.GetLabel() {
				switch l.GetName() {
				case "method":
					method = l.GetValue()
				case "code":
					code, _ = strconv.Atoi(l.GetValue())
				}
			}
			if observed.pairs[method] == nil {
				observed.pairs[method] = map[status.Code]bool{}
			}
			observed.pairs[method][status.Code(code)] = true
		}
	}
}

// wireSuites are the tests whose requests count for the coverage check.
var wireSuites = []struct {
	name string
	run  func(t *testing.T)
}{
	{"codes", testCodes},
	{"decoding", testDecodingVariants},
	{"faults", testFaults},
	{"namespaces", testNamespaceEcho},
	{"wsdl", testWSDL},
	{"golden", testGolden},
	{"json", testJSON},
	{"flows", testFlows},
	{"removed queue", testRemovedQueue},
}

// TestWire runs every wire suite, then checks that each documented
// (method, status code) pair was answered at least once, or is listed as
// unreachable in the operation table (issue #3, acceptance 2).
func TestWire(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	t.Run("suites", func(t *testing.T) {
		for _, s := range wireSuites {
			t.Run(s.name, func(t *testing.T) {
				t.Parallel()
				ran.Add(1)
				s.run(t)
			})
		}
	})
	t.Run("coverage", func(t *testing.T) {
		if int(ran.Load()) != len(wireSuites) {
			t.Skip("run the whole TestWire to check the coverage of status codes")
		}
		checkCoverage(t)
	})
}

func checkCoverage(t *testing.T) {
	observed.Lock()
	defer observed.Unlock()
	var missing, stale, undocumented, pending []string
	for _, op := range ptk.Operations() {
		seen := observed.pairs[op.Name]
		if seen[status.MethodNotImplemented] {
			pending = append(pending, op.Name)
		}
		for _, c := range op.Codes {
			switch {
			case c.Unreachable == "" && !seen[c.Code]:
				missing = append(missing, fmt.Sprintf("%s %s", op.Name, c.Code))
			case c.Unreachable != "" && seen[c.Code]:
				stale = append(stale, fmt.Sprintf("%s %s (listed as unreachable: %s)", op.Name, c.Code, c.Unreachable))
			}
		}
		for code := range seen {
			if _, ok := op.Code(code); !ok && code != 0 && code != status.UnexpectedError && code != status.MethodNotImplemented {
				undocumented = append(undocumented, fmt.Sprintf("%s %s", op.Name, code))
			}
		}
	}
	sort.Strings(undocumented)
	report := func(what string, list []string) string {
		return fmt.Sprintf("%d %s:\n\t%s", len(list), what, strings.Join(list, "\n\t"))
	}
	if len(pending) > 0 {
		t.Skipf("domain: %s still answer 109001; %s", strings.Join(pending, ", "), report("documented pairs not produced yet", missing))
	}
	if len(missing) > 0 {
		t.Error(report("documented (method, code) pairs no wire test produced: add a case to codeCases or mark the code unreachable in ops.go", missing))
	}
	if len(stale) > 0 {
		t.Error(report("pairs listed as unreachable that a test produced: update ops.go", stale))
	}
	if len(undocumented) > 0 {
		t.Error(report("pairs the wire answered that the operation table does not document: add them to ops.go", undocumented))
	}
}

// ---- Decoding through the server.

func testDecodingVariants(t *testing.T) {
	const state = `<Tenant>Portree</Tenant><Segment>VHT_Test</Segment>`
	cases := []struct {
		name, contentType, body string
		headers                 []string
		version                 ptk.Version
	}{
		{"soap 1.1 quoted action", "text/xml", soap11(`<GetSegmentState xmlns="urn:holdline:ptk"><data>` + state + `</data></GetSegmentState>`), []string{"SOAPAction", `"urn:holdline:ptk/GetSegmentState"`}, ptk.SOAP11},
		{"soap 1.1 unquoted action", "text/xml", soap11(`<GetSegmentState>` + state + `</GetSegmentState>`), []string{"SOAPAction", `urn:holdline:ptk/GetSegmentState`}, ptk.SOAP11},
		{"soap 1.1 wrong action", "text/xml", soap11(`<GetSegmentState>` + state + `</GetSegmentState>`), []string{"SOAPAction", `"http://tempuri.org/GetStatus"`}, ptk.SOAP11},
		{"soap 1.2 action parameter", `application/soap+xml; charset=utf-8; action="urn:holdline:ptk/GetSegmentState"`, soap12(`<t:GetSegmentState xmlns:t="urn:holdline:ptk"><t:data><t:Tenant>Portree</t:Tenant><t:Segment>VHT_Test</t:Segment></t:data></t:GetSegmentState>`), nil, ptk.SOAP12},
		{"soap 1.2 no action, text/xml", "text/xml", soap12(`<GetSegmentState>` + state + `</GetSegmentState>`), nil, ptk.SOAP12},
		{"case-insensitive names", "text/xml", soap11(`<getsegmentstate><DATA><tenant>Portree</tenant><SEGMENT>VHT_Test</SEGMENT></DATA></getsegmentstate>`), nil, ptk.SOAP11},
		{"soap lite", "text/xml", `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetSegmentState xmlns="urn:holdline:ptk"><Tenant xsi:type="xsd:string">Portree</Tenant><Segment xsi:type="xsd:string">VHT_Test</Segment><Colour>red</Colour></GetSegmentState></soap:Body></soap:Envelope>`, nil, ptk.SOAP11},
		{"bare", "text/xml", `<GetSegmentState><data>` + state + `</data></GetSegmentState>`, nil, ptk.Bare},
		// SOAP::Lite loses its SOAP prefix when its version is set after its namespace.
		{"unqualified envelope, soap 1.1", "text/xml", `<Envelope xmlns:namesp1="urn:holdline:ptk"><Body><namesp1:GetSegmentState>` + state + `</namesp1:GetSegmentState></Body></Envelope>`, nil, ptk.SOAP11},
		{"unqualified envelope, soap 1.2", "application/soap+xml; charset=utf-8", `<Envelope xmlns:namesp1="urn:holdline:ptk"><Body><namesp1:GetSegmentState>` + state + `</namesp1:GetSegmentState></Body></Envelope>`, nil, ptk.SOAP12},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			for _, path := range []string{"/ptk", "/PlatformToolkit.asmx"} {
				r := b.post(t, path, tc.contentType, tc.body, tc.headers...)
				if r.HTTP != 200 || r.Code != status.RequestCompleted || r.Env.Version != tc.version {
					t.Fatalf("%s: HTTP %d, code %s, version %v\n%s", path, r.HTTP, r.Code, r.Env.Version, r.Raw)
				}
				want := map[ptk.Version]string{ptk.SOAP11: "text/xml", ptk.Bare: "text/xml", ptk.SOAP12: "application/soap+xml"}[tc.version]
				if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, want) {
					t.Fatalf("Content-Type %q, want %s", ct, want)
				}
				if r.Result.Path("Data", "Segments", "Segment", "StateData") == nil {
					t.Fatalf("no StateData:\n%s", r.Raw)
				}
			}
		})
	}
}

// ---- Faults.

func testFaults(t *testing.T) {
	deep := strings.Repeat("<a>", 80) + strings.Repeat("</a>", 80)
	cases := []struct {
		name, method, path, contentType, body string
		http                                  int
		version                               ptk.Version
		code, reason                          string
	}{
		{"unparsable", "POST", "/ptk", "text/xml", soap11(`<GetStatus>`), 500, ptk.SOAP11, "soap:Client", "malformed XML"},
		{"unknown operation", "POST", "/ptk", "text/xml", soap11(`<AddInteractio/>`), 500, ptk.SOAP11, "soap:Client", `unknown operation "AddInteractio"; known: AddInteraction, `},
		{"unknown operation 1.2", "POST", "/ptk", "application/soap+xml", soap12(`<AddInteractio/>`), 500, ptk.SOAP12, "soap:Sender", `unknown operation "AddInteractio"`},
		{"empty body element", "POST", "/ptk", "application/soap+xml", soap12(``), 500, ptk.SOAP12, "soap:Sender", "Body is empty"},
		{"empty request", "POST", "/ptk", "text/xml", ``, 500, ptk.SOAP11, "soap:Client", "empty"},
		{"too large", "POST", "/ptk", "text/xml", soap11(`<GetStatus>` + strings.Repeat("x", 70<<10) + `</GetStatus>`), 500, ptk.SOAP11, "soap:Client", "larger than 65536 bytes"},
		{"too deep", "POST", "/ptk", "text/xml", soap11(`<GetStatus>` + deep + `</GetStatus>`), 500, ptk.SOAP11, "soap:Client", "deeper than 64"},
		{"doctype", "POST", "/ptk", "text/xml", `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>` + soap11(`<GetStatus>&lol;</GetStatus>`), 500, ptk.SOAP11, "soap:Client", "DTD"},
		{"version mismatch", "POST", "/ptk", "text/xml", `<e:Envelope xmlns:e="http://example.com/soap"><e:Body><GetStatus/></e:Body></e:Envelope>`, 500, ptk.SOAP11, "soap:VersionMismatch", "neither SOAP 1.1"},
		{"bad integer", "POST", "/ptk", "text/xml", soap11(`<GetNextAvailableAppointmentTimes><Tenant>VHTLab</Tenant><NumberOfAppointments>many</NumberOfAppointments></GetNextAvailableAppointmentTimes>`), 500, ptk.SOAP11, "soap:Client", "is not an integer"},
		{"get without wsdl", "GET", "/ptk", "", ``, 500, ptk.SOAP11, "soap:Client", "send the request with POST"},
		{"put", "PUT", "/PlatformToolkit.asmx", "text/xml", soap11(`<GetStatus/>`), 405, ptk.SOAP11, "soap:Client", "HTTP method PUT is not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			req, err := http.NewRequest(tc.method, b.srv.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tc.contentType)
			r := b.do(t, req)
			if r.HTTP != tc.http || r.Env == nil || r.Env.Version != tc.version || r.Resp.Name != "Fault" {
				t.Fatalf("HTTP %d, want %d and a %v fault\n%s", r.HTTP, tc.http, tc.version, r.Raw)
			}
			code := r.Resp.Find("faultcode", "Value").Text
			reason := r.Resp.Find("faultstring", "Text").Text
			if code != tc.code || !strings.Contains(reason, tc.reason) {
				t.Fatalf("fault %s %q, want %s containing %q", code, reason, tc.code, tc.reason)
			}
			if id := r.Resp.Find("RequestId"); id == nil || id.Text == "" || id.Text != r.Header.Get("X-Request-Id") {
				t.Fatalf("fault detail lacks the request id\n%s", r.Raw)
			}
		})
	}
}

// ---- Namespaces.

func testNamespaceEcho(t *testing.T) {
	cases := []struct{ name, op, want string }{
		{"target namespace", `<GetVersion xmlns="urn:holdline:ptk"/>`, "urn:holdline:ptk"},
		{"another client's namespace", `<p:GetVersion xmlns:p="http://tempuri.org/"><p:data/></p:GetVersion>`, "http://tempuri.org/"},
		{"no namespace", `<GetVersion/>`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			r := b.post(t, "/ptk", "text/xml", soap11(tc.op))
			if r.Resp.Space != tc.want || r.Resp.Name != "GetVersionResponse" {
				t.Fatalf("answered {%s}%s, want {%s}GetVersionResponse\n%s", r.Resp.Space, r.Resp.Name, tc.want, r.Raw)
			}
			checkSchema(t, r)
			if v := r.Result.Path("Data", "PlatformToolkitVersion"); v == nil || v.Text != ptk.PlatformToolkitVersion {
				t.Fatalf("no version:\n%s", r.Raw)
			}
		})
	}
}

// ---- WSDL.

func testWSDL(t *testing.T) {
	cases := []struct{ name, path, host, proto, want string }{
		{"ptk", "/ptk?wsdl", "callbacks.example.com:8443", "https", "https://callbacks.example.com:8443/ptk"},
		{"upper-case query on the asmx alias", "/PlatformToolkit.asmx?WSDL", "pbx.local", "", "http://pbx.local/PlatformToolkit.asmx"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			req, err := http.NewRequest(http.MethodGet, b.srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tc.host
			if tc.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tc.proto)
			}
			r := b.do(t, req)
			if r.HTTP != 200 || r.Resp == nil {
				t.Fatalf("HTTP %d\n%s", r.HTTP, r.Raw)
			}
			wsdl := string(r.Raw)
			for _, want := range []string{
				`<soap:address location="` + tc.want + `"/>`,
				`<soap12:address location="` + tc.want + `"/>`,
				`targetNamespace="urn:holdline:ptk"`, `elementFormDefault="qualified"`,
				`soapAction="urn:holdline:ptk/AddInteraction"`,
				`107002 InteractionNotFound`,
			} {
				if !strings.Contains(wsdl, want) {
					t.Errorf("WSDL lacks %s", want)
				}
			}
			if n := strings.Count(wsdl, "<wsdl:operation name="); n != 3*len(ptk.Operations()) {
				t.Errorf("%d wsdl:operation elements, want %d (portType and two bindings)", n, 3*len(ptk.Operations()))
			}
			if strings.Contains(wsdl, `"GetNextAvailableAppointmentTime"`) {
				t.Error("the singular alias is in the WSDL")
			}
		})
	}
}

// ---- Golden: the reference's example requests.

func testGolden(t *testing.T) {
	cases := []struct {
		name, contentType string
		// prepare returns the request, after creating what it needs.
		prepare func(t *testing.T, b *bundle, req string) string
		// compare is the part of our answer compared with the reference's
		// example answer, and of the example: "result" (our XResult against
		// the example's PlatformToolkitResponse), "data" (Data only) or
		// "response" (our XResponse against the example's).
		compare string
		// volatile are values that differ by nature (ids) or by configuration.
		volatile []string
	}{
		{name: "AddInteraction-ASAP", contentType: "application/soap+xml", compare: "result", volatile: []string{"Id"}},
		{name: "AddInteraction-Scheduled", contentType: "application/soap+xml", compare: "result", volatile: []string{"Id"}},
		{name: "CreateInteraction", contentType: "text/xml", compare: "response", volatile: []string{"Guid", "InteractionId"}},
		{name: "GetSegmentState", contentType: "text/xml", compare: "data", volatile: []string{"RecommendedDestination", "QueueMode"}},
		{name: "GetSegmentVariables", contentType: "application/soap+xml", compare: "result", volatile: []string{"Id"}},
		{name: "InteractionRequestContact", contentType: "text/xml", compare: "response", volatile: []string{"Guid"},
			prepare: func(t *testing.T, b *bundle, req string) string {
				r := b.call(t, "CreateInteraction", "<Tenant>Portree</Tenant><Segment>VHT_Test</Segment><SourceApplication>VXML Interaction Server</SourceApplication>")
				return strings.Replace(req, "V0001000000000107082015130324798", r.Result.Find("InteractionId").Text, 1)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			req := readFile(t, tc.name+".request.xml")
			if tc.prepare != nil {
				req = tc.prepare(t, b, req)
			}
			validateMessage(t, "reference request", []byte(req))
			r := b.post(t, "/ptk", tc.contentType, req)
			if r.HTTP != 200 {
				t.Fatalf("HTTP %d\n%s", r.HTTP, r.Raw)
			}
			checkSchema(t, r)
			want, err := ptk.DecodeEnvelope(strings.NewReader(readFile(t, tc.name+".response.xml")), ptk.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			got, ref := r.Result, want.Op
			switch tc.compare {
			case "result":
				renamed := *ref
				renamed.Name = got.Name
				ref = &renamed
			case "data":
				got, ref = r.Result.Child("Data"), ref.Find("Data")
			case "response":
				got = r.Resp
			}
			if diff := sameShape(got, ref, volatileSet(tc.volatile)); diff != "" {
				t.Fatalf("the answer differs from the reference's example: %s\n%s", diff, r.Raw)
			}
		})
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func volatileSet(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// sameShape compares two element trees: names and order of elements, names
// of attributes, and values except the volatile ones (by element or
// attribute name, or by the Name attribute of a Name/Value pair).
func sameShape(got, want *ptk.Node, volatile map[string]bool) string {
	if got == nil || want == nil {
		return fmt.Sprintf("missing element (got %v, want %v)", got != nil, want != nil)
	}
	if got.Name != want.Name {
		return fmt.Sprintf("element %s, want %s", got.Name, want.Name)
	}
	if len(got.Children) == 0 && !volatile[got.Name] && strings.TrimSpace(got.Text) != strings.TrimSpace(want.Text) {
		return fmt.Sprintf("%s = %q, want %q", got.Name, got.Text, want.Text)
	}
	pairName, _ := want.Attr("Name")
	for _, a := range want.Attrs {
		v, ok := got.Attr(a.Name)
		switch {
		case !ok:
			return fmt.Sprintf("%s lacks attribute %s", got.Name, a.Name)
		case volatile[a.Name] || (a.Name == "Value" && volatile[pairName]):
		case v != a.Value:
			return fmt.Sprintf("%s@%s = %q, want %q", got.Name, a.Name, v, a.Value)
		}
	}
	if len(got.Attrs) != len(want.Attrs) {
		return fmt.Sprintf("%s has %d attributes, want %d", got.Name, len(got.Attrs), len(want.Attrs))
	}
	if len(got.Children) != len(want.Children) {
		return fmt.Sprintf("%s has %d children, want %d", got.Name, len(got.Children), len(want.Children))
	}
	for i := range got.Children {
		if d := sameShape(got.Children[i], want.Children[i], volatile); d != "" {
			return got.Name + "/" + d
		}
	}
	return ""
}

// ---- JSON mirror.

func testJSON(t *testing.T) {
	cases := []struct {
		name, method, body string
		http               int
		check              func(t *testing.T, v map[string]any)
	}{
		{"classic with data wrapper and user data", "AddInteraction",
			`{"data": {"tenant": "Rules", "Segment": "Open", "Contact": "80001", "Options": {"ClientId": "web-1", "UserData": [{"Key": "account", "Value": {"StringValue": "A-1"}}, {"Key": "n", "Value": {"IntegerValue": 7}}]}}}`, 200,
			func(t *testing.T, v map[string]any) {
				hd := v["Header"].(map[string]any)
				if hd["ClientID"] != "web-1" || hd["Status"].(map[string]any)["Code"] != json.Number("107000") {
					t.Fatalf("header %v", hd)
				}
				its := v["Data"].(map[string]any)["Interactions"].([]any)
				if len(its) != 1 || its[0].(map[string]any)["InteractionType"] != "FIFO" {
					t.Fatalf("interactions %v", its)
				}
			}},
		{"state flat, refused", "CreateInteraction", `{"Tenant": "Rules"}`, 200,
			func(t *testing.T, v map[string]any) {
				if v["ResultCode"] != json.Number("108022") || v["Description"] != status.SegmentRequired.Description() || v["Detail"] != "a segment is required" {
					t.Fatalf("answer %v", v)
				}
			}},
		{"lists are arrays", "GetSegmentState", `{"Tenant": "Portree", "Segment": "VHT_Test"}`, 200,
			func(t *testing.T, v map[string]any) {
				seg := v["Data"].(map[string]any)["Segments"].([]any)[0].(map[string]any)
				if sd := seg["StateData"].([]any); len(sd) != 6 || sd[0].(map[string]any)["Name"] != "OperationMode" {
					t.Fatalf("state data %v", sd)
				}
			}},
		{"repeated parameters", "GetSegmentVariables", `{"Tenant": "VHT", "Segment": "VHT_Test", "Options": {"Variable": ["MAXATTEMPTS"]}}`, 200,
			func(t *testing.T, v map[string]any) {
				vars := v["Data"].(map[string]any)["Segments"].([]any)[0].(map[string]any)["Variables"].([]any)
				if len(vars) != 2 {
					t.Fatalf("variables %v", vars)
				}
			}},
		{"empty body", "GetVersion", ``, 200,
			func(t *testing.T, v map[string]any) {
				if v["Data"].(map[string]any)["PlatformToolkitVersion"] != ptk.PlatformToolkitVersion {
					t.Fatalf("answer %v", v)
				}
			}},
		{"malformed", "GetVersion", `{"Options":`, 400, nil},
		{"not an object", "GetVersion", `[1]`, 400, nil},
		{"bad integer", "GetNextAvailableAppointmentTimes", `{"Tenant":"VHTLab","Options":{"NumberOfAppointments":"x"}}`, 400, nil},
		{"unknown method", "AddInteractio", `{}`, 404, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			code, v := postJSON(t, b, tc.method, tc.body)
			if code != tc.http {
				t.Fatalf("HTTP %d, want %d: %v", code, tc.http, v)
			}
			if tc.check != nil {
				tc.check(t, v)
				return
			}
			if v["message"] == "" || v["requestId"] == "" || v["name"] == "" {
				t.Fatalf("error answer %v", v)
			}
		})
	}
}

// ---- Flows: several calls whose answers carry more than a code.

func testFlows(t *testing.T) {
	t.Run("bandwidth of a licence group", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		scarce := "<Tenant>Scarce</Tenant><Segment>S</Segment>"
		b.answers(t, status.RequestCompleted, "AddInteraction", scarce+"<Contact>80001</Contact>")
		b.answers(t, status.BandwidthExceeded, "AddInteraction", scarce+"<Contact>80002</Contact>")
		b.answers(t, status.BandwidthExceeded, "CreateInteraction", scarce)
	})
	t.Run("second chance answers the new callback's id", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		id := b.given(t, "queued", "", 1)
		b.call(t, "UpdateInteractionData", rules+"<InteractionId>"+id+"</InteractionId>"+kv("Contact", "80001"))
		r := b.call(t, "InteractionDequeued", rules+"<InteractionId>"+id+"</InteractionId><Reason>AcceptSecondChanceOffer</Reason>")
		cb := r.Result.Child("InteractionId")
		if r.Code != status.RequestCompleted || cb == nil || cb.Text == id {
			t.Fatalf("answer:\n%s", r.Raw)
		}
		got := b.call(t, "GetInteractionData", rules+"<InteractionId>"+cb.Text+"</InteractionId>")
		if info := got.Result.Find("Information"); info == nil || !strings.Contains(string(got.Raw), `Value="Pending Callback"`) {
			t.Fatalf("new callback:\n%s", got.Raw)
		}
	})
	t.Run("interaction data round trip", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := b.call(t, "AddInteraction", rules+"<Segment>Open</Segment><Contact>80001</Contact>"+opts("<ClientId>c-7</ClientId><UserDataContainer><UserData>"+ud("VoxFile", "<StringValue>greeting.vox</StringValue>")+ud("cti", "<ListValue>"+ud("uui", "<BinaryValue>0A0B</BinaryValue>")+"</ListValue>")+"</UserData></UserDataContainer>"))
		id, _ := r.Result.Find("Interaction").Attr("Id")
		if r.Result.Find("ClientID").Text != "c-7" {
			t.Fatalf("client id not echoed:\n%s", r.Raw)
		}
		got := b.call(t, "GetInteractionData", rules+"<InteractionId>"+id+"</InteractionId>")
		for _, want := range []string{`<Key>VoxFile</Key><Value><StringValue>greeting.vox</StringValue>`, `<BinaryValue>0A0B</BinaryValue>`, `Name="ClientId" Value="c-7"`, `Name="Status" Value="Pending Callback"`} {
			if !strings.Contains(string(got.Raw), want) {
				t.Errorf("GetInteractionData lacks %s\n%s", want, got.Raw)
			}
		}
		found := b.call(t, "FindInteraction", rules+"<Contact>80001</Contact>"+opts("<Data>Status</Data><Data>VoxFile</Data><Data>ScriptNumber</Data><Data>CallId</Data>"))
		for _, want := range []string{`Name="RemainingWait" Value="300"`, `Name="Status" Value="Pending Callback"`, `Name="VoxFile" Value="greeting.vox"`, `Name="ScriptNumber" Value="1"`, `Name="CallId" Value=""`} {
			if !strings.Contains(string(found.Raw), want) {
				t.Errorf("FindInteraction lacks %s\n%s", want, found.Raw)
			}
		}
	})
	t.Run("singular alias", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		r := b.post(t, "/ptk", "text/xml", soap11(`<GetNextAvailableAppointmentTime xmlns="urn:holdline:ptk"><data><Tenant>VHTLab</Tenant><Segment>PTK_VHT_TEST</Segment></data></GetNextAvailableAppointmentTime>`))
		if r.Resp.Name != "GetNextAvailableAppointmentTimeResponse" || r.Result.Name != "GetNextAvailableAppointmentTimeResult" {
			t.Fatalf("answer:\n%s", r.Raw)
		}
		if n := len(r.Result.Path("Data", "AppointmentTimes").Children); n != 4 {
			t.Fatalf("%d appointment times, want the default 4\n%s", n, r.Raw)
		}
	})
}
