package interop

// TestGeneratedClients (issue #13) runs four more SOAP stacks, each with a
// client generated at test time from the WSDL the real binary serves: gSOAP
// (C++), JAX-WS RI (Java), Mono's ASMX proxies (C#) and suds (Python);
// TestMoreClients runs PHP's SoapClient and SOAP::Lite. Each stack's program
// is a thin executor of calls: it reads one call a line on stdin, makes it
// through its proxy (typed arguments in, typed answer out, for the generated
// ones) and prints the answer as its types hold it. The script — calls.json,
// its placeholders, expected codes, checks and saved values — is run here,
// once for every stack (the driver below); node_client.js and zeep_client.py
// run it themselves. So the eight stacks of this package make the same calls
// and are held to the same answers.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// stack is one SOAP stack whose client is generated from the served WSDL.
type stack struct {
	name     string
	versions []string // the SOAP versions it supports
	// install says what installs the stack's tools.
	install string
	// exception is the type a SOAP fault surfaces as in the stack.
	exception string
	// check says whether the stack's tools are installed.
	check func() error
	// build generates and compiles the client into dir, and answers the
	// command that runs its executor for the port of a SOAP version.
	build func(ctx context.Context, dir, wsdlURL string, w *wsdlInfo) (executor, error)
	// flatArgs says the executor takes each call's arguments by dotted path
	// (gSOAP: C++ has no reflection, nor JSON), and answers the XResponse as
	// its generated type writes it back, in XML.
	flatArgs bool
}

// TestGeneratedClients runs the stacks whose clients are generated from the
// served WSDL (gSOAP, JAX-WS RI, Mono, suds) on calls.json.
func TestGeneratedClients(t *testing.T) { runStacks(t, generatedStacks, 3) }

// TestMoreClients runs two more stacks real integrations use on calls.json:
// PHP's SoapClient with the WSDL, and SOAP::Lite without it (as hand-written
// Perl does).
func TestMoreClients(t *testing.T) { runStacks(t, scriptStacks, 7) }

// runStacks runs stacks against one `holdline serve`, through a proxy that
// records the SOAP version of every request, so that a stack is seen to send
// each version it claims to. runBase makes the $RUN of each stack unique.
func runStacks(t *testing.T, stacks []stack, runBase int) {
	srv := startServer(t, buildHoldline(t), t.TempDir())
	rec := newVersionRecorder(t, srv.base)
	// The server writes the WSDL's addresses from the request's Host: the
	// clients call the recorder.
	wsdlURL := rec.URL + "/ptk?wsdl"
	w := fetchWSDL(t, wsdlURL)
	calls := readCalls(t)
	// The clients are generated and compiled at once, each in its own
	// goroutine (the compilers are the slow part), and run one after another.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	builds := make([]*build, len(stacks))
	for i, s := range stacks {
		if s.check() == nil {
			builds[i] = startBuild(ctx, s, t.TempDir(), wsdlURL, w)
		}
	}
	for i, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			need(t, s.name+" ("+s.install+")", s.check())
			b := builds[i]
			<-b.done
			if b.err != nil {
				t.Fatalf("%s: generating the client from %s: %v", s.name, wsdlURL, b.err)
			}
			start := time.Now()
			d := &driver{t: t, stack: s, w: w, calls: calls, runIndex: runBase + i, rec: rec}
			results := d.run(ctx, b.run)
			checkResults(t, s.name, w, calls, results, s.versions...)
			t.Logf("%s: built in %v, %d calls in %v", s.name, b.took.Round(time.Millisecond),
				len(results), time.Since(start).Round(time.Millisecond))
			if t.Failed() {
				t.Logf("server log:\n%s", srv.Logs())
			}
		})
	}
}

// build is a stack's client being generated and compiled.
type build struct {
	done chan struct{} // closed when the build ended
	run  executor
	err  error
	took time.Duration
}

func startBuild(ctx context.Context, s stack, dir, wsdlURL string, w *wsdlInfo) *build {
	b := &build{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		start := time.Now()
		b.run, b.err = s.build(ctx, dir, wsdlURL, w)
		b.took = time.Since(start)
	}()
	return b
}

// executor is the command that runs a stack's executor for one SOAP version.
type executor func(ctx context.Context, version string) *exec.Cmd

// versionRecorder is a reverse proxy to the server that tells the SOAP
// version of every POST from its envelope's namespace and its Content-Type.
type versionRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen map[string]int // SOAP version ("1.1", "1.2", or what was wrong) -> requests
}

func newVersionRecorder(t *testing.T, target string) *versionRecorder {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	r := &versionRecorder{seen: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPost {
			body, err := io.ReadAll(req.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
			r.record(soapVersion(req.Header.Get("Content-Type"), body))
		}
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

// soapVersion is a request's SOAP version, when its envelope and its media
// type agree.
func soapVersion(contentType string, body []byte) string {
	media, _, _ := mime.ParseMediaType(contentType)
	switch {
	case media == "text/xml" && bytes.Contains(body, []byte("http://schemas.xmlsoap.org/soap/envelope/")):
		return "1.1"
	case media == "application/soap+xml" && bytes.Contains(body, []byte("http://www.w3.org/2003/05/soap-envelope")):
		return "1.2"
	}
	return "neither: " + contentType
}

func (r *versionRecorder) record(version string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen[version]++
}

func (r *versionRecorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = map[string]int{}
}

func (r *versionRecorder) versions() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.seen)
}

// ---- The protocol between the driver and an executor (one JSON object a line).

// execCall is a call the driver sends: an operation with its arguments in the
// WSDL's canonical shape, or by dotted path for flatArgs stacks.
type execCall struct {
	SOAP      string            `json:"soap"`
	Operation string            `json:"operation"`
	Args      map[string]any    `json:"args,omitempty"`
	Flat      map[string]string `json:"flat,omitempty"`
}

// newCall is the call of op with args, in the form the stack takes.
func (d *driver) newCall(version, op string, args map[string]any) execCall {
	c := execCall{SOAP: version, Operation: op}
	if d.stack.flatArgs {
		c.Flat = map[string]string{}
		flatten("", args, c.Flat)
	} else {
		c.Args = args
	}
	return c
}

// execAnswer is an executor's answer to one call: the port it called and the
// XResult its proxy returned (Result, or ResultXML as the generated type
// serializes it), or the fault as the stack surfaced it, or another error.
type execAnswer struct {
	Port      string          `json:"port"`
	Result    json.RawMessage `json:"result"`
	ResultXML string          `json:"result_xml"`
	Exception string          `json:"exception"`
	FaultCode string          `json:"fault_code"`
	Fault     string          `json:"fault"`
	Error     string          `json:"error"`
}

// ---- The driver: calls.json run through one executor.

type driver struct {
	t        *testing.T
	stack    stack
	w        *wsdlInfo
	calls    []call
	runIndex int // makes $RUN unique to the stack
	rec      *versionRecorder

	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	stderr *lockedBuffer
}

// run makes the calls of calls.json on each SOAP version the stack
// supports, each through an executor started for that version's port, then
// the bad request; it answers one result for every call, as the script
// clients print them.
func (d *driver) run(ctx context.Context, command executor) []result {
	var results []result
	for vi, version := range d.stack.versions {
		d.rec.reset()
		d.start(ctx, command, version)
		results = append(results, d.runVersion(version, vi+1)...)
		d.badRequest(version)
		d.stop()
		if seen := d.rec.versions(); len(seen) != 1 || seen[version] == 0 {
			d.t.Errorf("%s SOAP %s: the requests it sent were of SOAP versions %v", d.stack.name, version, seen)
		}
	}
	return results
}

// start starts the executor for a SOAP version.
func (d *driver) start(ctx context.Context, command executor, version string) {
	t := d.t
	d.cmd = command(ctx, version)
	d.stderr = &lockedBuffer{}
	d.cmd.Stderr = d.stderr
	in, err := d.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", d.stack.name, err)
	}
	d.in, d.out = in, bufio.NewScanner(out)
	d.out.Buffer(make([]byte, 0, 64<<10), 16<<20)
}

// stop closes the executor's input, which ends it.
func (d *driver) stop() {
	if err := d.in.Close(); err != nil {
		d.t.Errorf("%s: closing the executor's input: %v", d.stack.name, err)
	}
	if err := d.cmd.Wait(); err != nil {
		d.t.Errorf("%s: the executor ended with %v\nstderr:\n%s", d.stack.name, err, d.stderr.String())
	}
}

// lockedBuffer is an executor's stderr: written by the exec package's copying
// goroutine, read by the driver when a call fails.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// send makes one call and reads its answer.
func (d *driver) send(c execCall) (execAnswer, error) {
	line, err := json.Marshal(c)
	if err != nil {
		return execAnswer{}, err
	}
	if _, err := d.in.Write(append(line, '\n')); err != nil {
		return execAnswer{}, fmt.Errorf("write to the executor: %w (stderr: %s)", err, d.stderr.String())
	}
	if !d.out.Scan() {
		err := d.out.Err()
		if err == nil {
			err = io.EOF
		}
		return execAnswer{}, fmt.Errorf("the executor answered nothing: %w (stderr: %s)", err, d.stderr.String())
	}
	var a execAnswer
	dec := json.NewDecoder(bytes.NewReader(d.out.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return execAnswer{}, fmt.Errorf("the executor answered %q: %w", d.out.Bytes(), err)
	}
	return a, nil
}

var placeholder = regexp.MustCompile(`\$([A-Z][A-Z0-9_]*)`)

// fill replaces the $NAME placeholders of every string in v.
func fill(v any, names map[string]string) (any, error) {
	switch v := v.(type) {
	case string:
		var missing error
		s := placeholder.ReplaceAllStringFunc(v, func(m string) string {
			val, ok := names[m[1:]]
			if !ok {
				missing = fmt.Errorf("placeholder %s is not set (yet)", m)
			}
			return val
		})
		return s, missing
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			y, err := fill(x, names)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			y, err := fill(x, names)
			if err != nil {
				return nil, err
			}
			out[k] = y
		}
		return out, nil
	}
	return v, nil
}

// runVersion makes every call of calls.json on one SOAP version.
func (d *driver) runVersion(version string, index int) []result {
	names := map[string]string{
		"RUN":      fmt.Sprintf("%d%d%06d", d.runIndex, index, time.Now().UnixMilli()%1000000),
		"TOMORROW": time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02") + "T12:00:00Z",
	}
	var results []result
	for step, c := range d.calls {
		r := result{Client: d.stack.name, SOAP: version, Operation: &c.Operation, Step: &step}
		fail := func(format string, args ...any) {
			if r.Fault == nil {
				msg := fmt.Sprintf(format, args...)
				r.Fault = &msg
			}
		}
		answer, port, err := d.call(version, c, names)
		if port != "" {
			r.Port = &port
		}
		if err != nil {
			fail("%v", err)
			results = append(results, r)
			continue
		}
		if code, ok := statusCode(answer); ok {
			r.Code = &code
		} else {
			fail("the answer has no ResultCode nor Header.Status.Code: %v", answer)
		}
		if checks, err := fill(toAny(c.Check), names); err != nil {
			fail("%v", err)
		} else {
			for _, dotted := range slices.Sorted(maps.Keys(c.Check)) {
				want := checks.(map[string]any)[dotted]
				if got, _ := wireText(pick(answer, dotted)); got != want {
					fail("%s = %q, want %q", dotted, got, want)
				}
			}
		}
		for name, dotted := range c.Save {
			if v, ok := wireText(pick(answer, dotted)); ok && v != "" {
				names[name] = v
			} else {
				fail("the answer has no %s to save as $%s", dotted, name)
			}
		}
		results = append(results, r)
	}
	return results
}

// call makes one call of calls.json, repeating it while it answers another
// code than expected, for retry_seconds at most.
func (d *driver) call(version string, c call, names map[string]string) (answer any, port string, err error) {
	filled, err := fill(toAny(c.Args), names)
	if err != nil {
		return nil, "", err
	}
	ec := d.newCall(version, c.Operation, filled.(map[string]any))
	deadline := time.Now().Add(time.Duration(c.RetrySeconds * float64(time.Second)))
	for {
		a, err := d.send(ec)
		if err != nil {
			return nil, "", err
		}
		switch {
		case a.Exception != "":
			return nil, a.Port, fmt.Errorf("%s %s: %s", a.Exception, a.FaultCode, a.Fault)
		case a.Error != "":
			return nil, a.Port, errors.New(a.Error)
		}
		answer, err := decodeAnswer(a, c.Operation)
		if err != nil {
			return nil, a.Port, err
		}
		code, _ := statusCode(answer)
		if c.Expect == nil || code == *c.Expect || !time.Now().Before(deadline) {
			return answer, a.Port, nil
		}
		// The Queue Manager ticks every second: poll it, with a deadline.
		time.Sleep(200 * time.Millisecond)
	}
}

// badRequest sends a GetVersion whose ClientId is over the server's 1 MiB
// limit: the server answers a Client (SOAP 1.1) or Sender (SOAP 1.2) fault,
// which the stack must surface as its fault exception, with the reason.
func (d *driver) badRequest(version string) {
	t := d.t
	big := map[string]any{"data": map[string]any{"Options": map[string]any{"ClientId": strings.Repeat("x", 1100<<10)}}}
	a, err := d.send(d.newCall(version, "GetVersion", big))
	if err != nil {
		t.Errorf("%s SOAP %s bad request: %v", d.stack.name, version, err)
		return
	}
	wantCode := map[string]string{"1.1": "Client", "1.2": "Sender"}[version]
	_, local, _ := strings.Cut(a.FaultCode, ":")
	if local == "" {
		local = a.FaultCode
	}
	if a.Exception != d.stack.exception || local != wantCode || !strings.Contains(a.Fault, "larger than 1048576 bytes") {
		t.Errorf("%s SOAP %s bad request: exception %q, fault code %q, reason %q; want %s, %s, the request body is larger than 1048576 bytes (error %q)",
			d.stack.name, version, a.Exception, a.FaultCode, a.Fault, d.stack.exception, wantCode, a.Error)
	}
}

// ---- Values.

// toAny turns a typed value of calls.json back into plain JSON values.
func toAny(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

// decodeAnswer reads an executor's XResult into plain JSON values: objects,
// lists, and strings or json.Numbers. An XML answer is the operation's
// XResponse element: its XResult is taken.
func decodeAnswer(a execAnswer, op string) (any, error) {
	if a.ResultXML != "" {
		v, err := xmlToAny(a.ResultXML)
		if err != nil {
			return nil, err
		}
		if r := pick(v, op+"Result"); r != nil {
			return r, nil
		}
		return nil, fmt.Errorf("the answer has no %sResult: %s", op, a.ResultXML)
	}
	dec := json.NewDecoder(bytes.NewReader(a.Result))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the executor's result %s: %w", a.Result, err)
	}
	if v == nil {
		return nil, errors.New("the proxy returned no result")
	}
	return v, nil
}

// statusCode is the answer's ResultCode, or its Header.Status.Code.
func statusCode(answer any) (int, bool) {
	v := pick(answer, "ResultCode")
	if v == nil {
		v = pick(answer, "Header.Status.Code")
	}
	s, ok := wireText(v)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// pick follows a dotted path: attributes are keys like elements; in a list
// the first item is taken, or item N.
func pick(v any, dotted string) any {
	for _, seg := range strings.Split(dotted, ".") {
		if n, err := strconv.Atoi(seg); err == nil {
			switch l := v.(type) {
			case []any:
				if n < len(l) {
					v = l[n]
				} else {
					v = nil
				}
			default:
				if n != 0 {
					v = nil
				}
			}
			continue
		}
		if l, ok := v.([]any); ok {
			if len(l) == 0 {
				return nil
			}
			v = l[0]
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[seg]
	}
	return v
}

// wireText is a value as calls.json writes it: an xs:dateTime as
// yyyy-mm-ddTHH:mm:ssZ, whatever offset or fraction the stack printed.
func wireText(v any) (string, bool) {
	var s string
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		s = v
	case json.Number:
		s = v.String()
	case bool:
		s = strconv.FormatBool(v)
	default:
		return fmt.Sprint(v), true
	}
	if ts, err := time.Parse(time.RFC3339Nano, s); err == nil && len(s) >= len("2006-01-02T15:04:05Z") {
		return ts.UTC().Format("2006-01-02T15:04:05Z"), true
	}
	return s, true
}

// ---- Flat arguments and XML answers, for gSOAP.

// flatten writes arguments by dotted path ("data.Tenant"; an item of a list
// has its index: "UserData.UserDataAssignment.0.Key") into out.
func flatten(prefix string, v any, out map[string]string) {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			flatten(join(k), x, out)
		}
	case []any:
		for i, x := range v {
			flatten(join(strconv.Itoa(i)), x, out)
		}
	default:
		out[prefix] = fmt.Sprint(v)
	}
}

// xmlToAny reads an XResult element: its attributes and child elements become
// keys, repeated children a list, a leaf its text.
func xmlToAny(s string) (any, error) {
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("the executor's result XML: %w", err)
		}
		if start, ok := tok.(xml.StartElement); ok {
			return readElement(dec, start)
		}
	}
}

func readElement(dec *xml.Decoder, start xml.StartElement) (any, error) {
	m := map[string]any{}
	var text strings.Builder
	add := func(k string, v any) {
		switch old := m[k].(type) {
		case nil:
			m[k] = v
		case []any:
			m[k] = append(old, v)
		default:
			m[k] = []any{old, v}
		}
	}
	for _, a := range start.Attr {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" || a.Name.Space == "http://www.w3.org/2001/XMLSchema-instance" {
			continue
		}
		add(a.Name.Local, a.Value)
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			v, err := readElement(dec, tok)
			if err != nil {
				return nil, err
			}
			add(tok.Name.Local, v)
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			if len(m) == 0 {
				return text.String(), nil
			}
			return m, nil
		}
	}
}

// ---- Helpers for the stacks' builds.

// runTool runs a generator or compiler in dir and fails with its output.
func runTool(ctx context.Context, dir, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// lookPaths checks that every tool is on PATH.
func lookPaths(names ...string) error {
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			return err
		}
	}
	return nil
}

// copyFile copies one of this package's files into dir, under its base name.
func copyFile(name, dir string) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, filepath.Base(name)), raw, 0o644)
}
