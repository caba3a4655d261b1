// Package interop tests Holdline's PTK SOAP API with real third-party SOAP
// clients (issue #3, acceptance 3; issue #13): each loads the WSDL the real
// binary serves, or its endpoint, and calls every operation of it on its SOAP
// 1.1 and SOAP 1.2 bindings with the calls of calls.json. node-soap (npm soap,
// pinned in package-lock.json) and zeep (Debian's python3-zeep) run the
// script themselves (TestClients); PHP's SoapClient and SOAP::Lite
// (TestMoreClients), and gSOAP, JAX-WS RI, Mono and suds (SOAP 1.1 only),
// whose clients are generated from the WSDL at test time
// (TestGeneratedClients), run it through driver_test.go.
//
// Without node and the npm modules, or /usr/bin/python3 with zeep, or
// xmllint, or a stack's generator and compiler, the tests that need them are
// skipped; with HOLDLINE_REQUIRE_TOOLS=1 (set by `make test`, after
// scripts/test-deps installed them) they fail.
package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/proctest"

	"github.com/holdline/holdline/internal/ptk"
)

// zeepPython is the interpreter of Debian's python3-zeep: the python3 first
// on PATH may be another one (pyenv's) that cannot import it.
const zeepPython = "/usr/bin/python3"

// need skips the test when a tool is missing, or fails it when
// HOLDLINE_REQUIRE_TOOLS=1.
func need(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("%s: %v (scripts/test-deps installs it)", what, err)
	if os.Getenv("HOLDLINE_REQUIRE_TOOLS") == "1" {
		t.Fatalf("HOLDLINE_REQUIRE_TOOLS=1: %s", msg)
	}
	t.Skip(msg)
}

// nodeSoap checks node and the pinned npm modules.
func nodeSoap() error {
	if _, err := exec.LookPath("node"); err != nil {
		return err
	}
	raw, err := os.ReadFile(filepath.Join("node_modules", "soap", "package.json"))
	if err != nil {
		return fmt.Errorf("npm modules not installed (npm ci in test/interop): %w", err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(raw, &pkg); err != nil {
		return err
	}
	if pkg.Version != "1.13.0" {
		return fmt.Errorf("node_modules holds soap %s, want 1.13.0 (npm ci in test/interop)", pkg.Version)
	}
	if _, err := os.Stat(filepath.Join("node_modules", "sax", "package.json")); err != nil {
		return fmt.Errorf("npm module sax not installed (npm ci in test/interop): %w", err)
	}
	return nil
}

// zeep checks /usr/bin/python3 and its zeep.
func zeep() error { return pythonModule("zeep", "python3-zeep") }

// pythonModule checks that /usr/bin/python3 imports module, which the Debian
// package pkg installs.
func pythonModule(module, pkg string) error {
	if out, err := exec.Command(zeepPython, "-c", "import "+module).CombinedOutput(); err != nil {
		return fmt.Errorf("%s cannot import %s (Debian package %s): %w %s", zeepPython, module, pkg, err, bytes.TrimSpace(out))
	}
	return nil
}

// client is one SOAP client and how to run its script.
type client struct {
	name  string // as it names itself in its output
	check func() error
	cmd   func(ctx context.Context, wsdl string) *exec.Cmd
}

var clients = []client{
	{"node-soap", nodeSoap, func(ctx context.Context, wsdl string) *exec.Cmd {
		return exec.CommandContext(ctx, "node", "node_client.js", wsdl, "calls.json")
	}},
	{"zeep", zeep, func(ctx context.Context, wsdl string) *exec.Cmd {
		return exec.CommandContext(ctx, zeepPython, "zeep_client.py", wsdl, "calls.json")
	}},
}

// TestClients runs every client against a fresh `holdline serve`.
func TestClients(t *testing.T) {
	missing := true
	for _, c := range clients {
		if c.check() == nil {
			missing = false
		}
	}
	if missing && os.Getenv("HOLDLINE_REQUIRE_TOOLS") != "1" {
		t.Skip("neither node-soap nor zeep is installed (scripts/test-deps installs them)")
	}
	srv := startServer(t, buildHoldline(t), t.TempDir())
	wsdlURL := srv.base + "/ptk?wsdl"
	w := fetchWSDL(t, wsdlURL)
	calls := readCalls(t)

	t.Run("wsdl schema", func(t *testing.T) {
		_, err := exec.LookPath("xmllint")
		need(t, "xmllint (Debian package libxml2-utils)", err)
		checkWSDLSchema(t, srv.base, w.raw)
	})
	for _, c := range clients {
		t.Run(c.name, func(t *testing.T) {
			need(t, c.name, c.check())
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := c.cmd(ctx, wsdlURL)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			runErr := cmd.Run()
			results := parseResults(t, c.name, stdout.Bytes())
			checkResults(t, c.name, w, calls, results)
			if runErr != nil {
				t.Errorf("%s: %v\nstderr:\n%s", c.name, runErr, stderr.Bytes())
			}
			if t.Failed() {
				t.Logf("%s output:\n%s\nserver log:\n%s", c.name, stdout.Bytes(), srv.Logs())
			}
		})
	}
}

// ---- The WSDL as the clients see it.

type named struct {
	Name string `xml:"name,attr"`
}

type wsdlDoc struct {
	PortTypes []struct {
		Name       string  `xml:"name,attr"`
		Operations []named `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ portType"`
	Bindings []struct {
		Name       string  `xml:"name,attr"`
		SOAP11     *named  `xml:"http://schemas.xmlsoap.org/wsdl/soap/ binding"`
		SOAP12     *named  `xml:"http://schemas.xmlsoap.org/wsdl/soap12/ binding"`
		Operations []named `xml:"http://schemas.xmlsoap.org/wsdl/ operation"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ binding"`
	Services []struct {
		Name  string `xml:"name,attr"`
		Ports []struct {
			Name    string `xml:"name,attr"`
			Binding string `xml:"binding,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/ port"`
	} `xml:"http://schemas.xmlsoap.org/wsdl/ service"`
}

// wsdlInfo is what the test needs of the WSDL: its operations and the port
// of each SOAP version.
type wsdlInfo struct {
	raw        []byte
	operations []string
	ports      map[string]string // SOAP version -> port name
}

func fetchWSDL(t *testing.T, url string) *wsdlInfo {
	t.Helper()
	raw := get(t, url)
	var doc wsdlDoc
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("the WSDL is not XML: %v", err)
	}
	if len(doc.PortTypes) != 1 {
		t.Fatalf("%d portTypes, want 1", len(doc.PortTypes))
	}
	w := &wsdlInfo{raw: raw, ports: map[string]string{}}
	for _, op := range doc.PortTypes[0].Operations {
		w.operations = append(w.operations, op.Name)
	}
	sort.Strings(w.operations)
	var table []string
	for _, op := range ptk.Operations() {
		table = append(table, op.Name)
	}
	sort.Strings(table)
	if !slices.Equal(w.operations, table) {
		t.Fatalf("the WSDL's operations %v differ from the operation table's %v", w.operations, table)
	}
	bindings := map[string]string{} // binding name -> SOAP version
	for _, b := range doc.Bindings {
		version := ""
		switch {
		case b.SOAP11 != nil && b.SOAP12 == nil:
			version = "1.1"
		case b.SOAP12 != nil && b.SOAP11 == nil:
			version = "1.2"
		default:
			t.Fatalf("binding %s is neither a SOAP 1.1 nor a SOAP 1.2 binding", b.Name)
		}
		var ops []string
		for _, op := range b.Operations {
			ops = append(ops, op.Name)
		}
		sort.Strings(ops)
		if !slices.Equal(ops, w.operations) {
			t.Fatalf("binding %s has operations %v, want the portType's %v", b.Name, ops, w.operations)
		}
		bindings[b.Name] = version
	}
	for _, s := range doc.Services {
		for _, p := range s.Ports {
			_, local, _ := strings.Cut(p.Binding, ":")
			v, ok := bindings[local]
			if !ok {
				t.Fatalf("port %s names an unknown binding %s", p.Name, p.Binding)
			}
			if other, dup := w.ports[v]; dup {
				t.Fatalf("two SOAP %s ports: %s and %s", v, other, p.Name)
			}
			w.ports[v] = p.Name
		}
	}
	if w.ports["1.1"] == "" || w.ports["1.2"] == "" {
		t.Fatalf("the WSDL lacks a SOAP 1.1 or a SOAP 1.2 port: %v", w.ports)
	}
	return w
}

// checkWSDLSchema checks that the schema in the WSDL is the one ?xsd serves,
// and that xmllint compiles it and validates a message with it.
func checkWSDLSchema(t *testing.T, base string, wsdl []byte) {
	i, j := bytes.Index(wsdl, []byte("<xs:schema ")), bytes.LastIndex(wsdl, []byte("</xs:schema>"))
	if i < 0 || j < i {
		t.Fatal("the WSDL holds no xs:schema")
	}
	schema := wsdl[i : j+len("</xs:schema>")]
	if xsd := get(t, base+"/ptk?xsd"); !bytes.Contains(xsd, schema) {
		t.Fatal("the WSDL's schema differs from the one ?xsd serves")
	}
	path := filepath.Join(t.TempDir(), "wsdl-schema.xsd")
	if err := os.WriteFile(path, schema, 0o644); err != nil {
		t.Fatal(err)
	}
	for msg, valid := range map[string]bool{
		`<GetVersion xmlns="urn:holdline:ptk"><data><Options><ClientId>c</ClientId></Options></data></GetVersion>`: true,
		`<GetVersion xmlns="urn:holdline:ptk"><Options/></GetVersion>`:                                             false,
	} {
		cmd := exec.Command("xmllint", "--noout", "--schema", path, "-")
		cmd.Stdin = strings.NewReader(msg)
		out, err := cmd.CombinedOutput()
		if (err == nil) != valid {
			t.Errorf("xmllint on %s: %v (want valid: %v)\n%s", msg, err, valid, out)
		}
	}
}

// ---- calls.json and the clients' output.

type call struct {
	Operation string         `json:"operation"`
	Args      map[string]any `json:"args"`
	Expect    *int           `json:"expect"`
	// Check, Save and RetrySeconds are read by the driver of the generated
	// stacks (driver_test.go); the script clients read them themselves.
	Check        map[string]string `json:"check"`
	Save         map[string]string `json:"save"`
	RetrySeconds float64           `json:"retry_seconds"`
}

func readCalls(t *testing.T) []call {
	t.Helper()
	raw, err := os.ReadFile("calls.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Calls []call }
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatalf("calls.json: %v", err)
	}
	return f.Calls
}

// result is one line of a client's output: one call.
type result struct {
	Client    string  `json:"client"`
	SOAP      string  `json:"soap"`
	Port      *string `json:"port"`
	Step      *int    `json:"step"`
	Operation *string `json:"operation"`
	Fault     *string `json:"fault"`
	Code      *int    `json:"code"`
}

func parseResults(t *testing.T, name string, out []byte) []result {
	t.Helper()
	return parseLines[result](t, name, out)
}

// parseLines reads a client script's output: one JSON object of type T a
// line, with no field T lacks. A line that is not one is an error.
func parseLines[T any](t *testing.T, name string, out []byte) []T {
	t.Helper()
	var lines []T
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var l T
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Errorf("%s printed a line that is not a result: %q (%v)", name, sc.Text(), err)
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// mustAnswer are codes some calls must answer, whatever calls.json expects:
// for every call of the operation, or, for InteractionQueued, for a call
// naming an ExternalTrackingId the platform does not know (no InteractionId).
var mustAnswer = map[string]int{
	"GetVersion":        107000,
	"GetStatus":         106000,
	"GetSegmentState":   107000,
	"CreateInteraction": 107000,
	"AddInteraction":    107000,
}

// checkResults checks a client's results on the SOAP versions it supports
// (both when none is named).
func checkResults(t *testing.T, name string, w *wsdlInfo, calls []call, results []result, versions ...string) {
	t.Helper()
	if len(versions) == 0 {
		versions = []string{"1.1", "1.2"}
	}
	for _, r := range results {
		if !slices.Contains(versions, r.SOAP) {
			t.Errorf("%s: a result on SOAP %q, which it does not support", name, r.SOAP)
		}
	}
	for _, version := range versions {
		seen := map[string]bool{}
		queuedUnknown := false
		for _, r := range results {
			if r.SOAP != version {
				continue
			}
			op, port, code := deref(r.Operation), deref(r.Port), -1
			if r.Code != nil {
				code = *r.Code
			}
			where := fmt.Sprintf("%s SOAP %s %s", name, version, op)
			if r.Client != name {
				t.Errorf("%s: a line names client %q", where, r.Client)
			}
			if port != w.ports[version] {
				t.Errorf("%s: called on port %q, want the WSDL's SOAP %s port %q", where, port, version, w.ports[version])
			}
			if r.Fault != nil {
				t.Errorf("%s: %s", where, *r.Fault)
				continue
			}
			if r.Step == nil || *r.Step < 0 || *r.Step >= len(calls) || calls[*r.Step].Operation != op {
				t.Errorf("%s: step %v is not a call of %s in calls.json", where, r.Step, op)
				continue
			}
			seen[op] = true
			c := calls[*r.Step]
			if c.Expect != nil && code != *c.Expect {
				t.Errorf("%s (step %d): answered %d, calls.json expects %d", where, *r.Step, code, *c.Expect)
			}
			if want, ok := mustAnswer[op]; ok && code != want {
				t.Errorf("%s (step %d): answered %d, want %d", where, *r.Step, code, want)
			}
			if _, id := c.Args["InteractionId"]; op == "InteractionQueued" && c.Args["ExternalTrackingId"] != nil && !id {
				if code != 107100 {
					t.Errorf("%s (step %d) for an unknown ExternalTrackingId: answered %d, want 107100", where, *r.Step, code)
				}
				queuedUnknown = true
			}
		}
		var missing []string
		for _, op := range w.operations {
			if !seen[op] {
				missing = append(missing, op)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s SOAP %s: no call without fault of %s", name, version, strings.Join(missing, ", "))
		}
		if !queuedUnknown {
			t.Errorf("%s SOAP %s: no InteractionQueued for an unknown ExternalTrackingId", name, version)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ---- The real binary.

// buildHoldline builds cmd/holdline into a temporary folder.
func buildHoldline(t *testing.T) string {
	t.Helper()
	bin, err := proctest.Build(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// server is a running `holdline serve`.
type server struct {
	*proctest.Proc
	base string
}

// startServer runs `holdline serve` (the embedded demo configuration, unless
// flags name another) on a free port with its data in dataDir, and waits
// until it logs its address.
func startServer(t *testing.T, bin, dataDir string, flags ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--log-format", "json"}, flags...)
	p, addr := proctest.Start(t, bin, "holdline listening", args...)
	proctest.CheckNoUndocumentedCodes(t, "http://"+addr)
	return &server{Proc: p, base: "http://" + addr}
}

func get(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d\n%s", url, resp.StatusCode, b)
	}
	return b
}
