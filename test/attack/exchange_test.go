package attack

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// An attack is sent as raw bytes on its own connection, so that the test
// controls the framing (Content-Length, chunked, a length that lies) and
// reads the answer even when the server answers before the body is sent.

// request is one HTTP request of an attack.
type request struct {
	method, path string
	// header lines ("Name: value"); Host, Connection: close, the framing
	// and X-Forwarded-For (a client address of the case's own) are added.
	header []string
	body   []byte
	// framing is how the body's length is told: byLength (default),
	// chunked (no Content-Length), a Content-Length that lies, or verbatim.
	framing framing
	// length is the Content-Length sent with framing lying.
	length int64
}

type framing int

const (
	byLength framing = iota
	chunked
	lying
	// verbatim sends the body's bytes right after the header lines: they
	// hold the rest of the header, the blank line and the framed body.
	verbatim
)

// answer is what the server answered, read by shape: a SOAP fault, a PTK
// answer (SOAP or JSON), a JSON error, or Go's plain-text refusals.
type answer struct {
	status int
	header http.Header
	body   []byte
	// took is the time from the first byte sent to the answer's header.
	took time.Duration
	// fault is a SOAP fault's code (SOAP 1.1 faultcode, 1.2 Code/Value) and
	// subcode (1.2 Subcode/Value); the JSON error's name.
	fault, subcode, name string
	// code is the PTK status code: of a JSON error, of a PTK answer.
	code int
	// message is the fault's reason, the JSON error's message, the PTK
	// answer's ErrorMessage or Description, or the plain-text body.
	message string
}

// want is the exact answer an attack must get.
type want struct {
	status         int
	fault, subcode string // a SOAP fault's code and subcode, or "" for none
	name           string // a JSON error's name, or "" for none
	code           int    // the PTK status code, or 0 for none
	says           string // a key phrase of the message
}

// maxAnswer bounds the size of any answer to an attack: a fault quotes a
// bounded prefix of what it refuses, never the input.
const maxAnswer = 4 << 10

// clients numbers the X-Forwarded-For address of each exchange, so that no
// two cases share a rate-limit bucket.
var clients atomic.Int64

// nextClient is an address of 198.18.0.0/15 (RFC 2544, for tests) no other
// exchange of the run uses.
func nextClient() string {
	n := clients.Add(1)
	return fmt.Sprintf("198.18.%d.%d", n/250, n%250+1)
}

// wire is the request's bytes, with the headers the framing needs.
func (r request) wire(client string) []byte {
	var b bytes.Buffer
	method := r.method
	if method == "" {
		method = "POST"
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: attack.test\r\nConnection: close\r\n", method, r.path)
	if client != "" {
		fmt.Fprintf(&b, "X-Forwarded-For: %s\r\n", client)
	}
	for _, h := range r.header {
		b.WriteString(h + "\r\n")
	}
	switch r.framing {
	case byLength:
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(r.body))
		b.Write(r.body)
	case lying:
		fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", r.length)
		b.Write(r.body)
	case chunked:
		b.WriteString("Transfer-Encoding: chunked\r\n\r\n")
		for rest := r.body; len(rest) > 0; {
			n := min(len(rest), 32<<10)
			fmt.Fprintf(&b, "%x\r\n", n)
			b.Write(rest[:n])
			b.WriteString("\r\n")
			rest = rest[n:]
		}
		b.WriteString("0\r\n\r\n")
	case verbatim:
		b.Write(r.body)
	}
	return b.Bytes()
}

// exchange sends raw bytes on a new connection and reads one answer. The
// bytes are written in the background: a server that answers before reading
// all of them (a body over its limit) is read all the same.
func (s *target) exchange(t *testing.T, raw []byte) *answer {
	t.Helper()
	a, err := s.try(raw)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// try is exchange for any goroutine: it returns what went wrong.
func (s *target) try(raw []byte) (*answer, error) {
	conn, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	defer func() { _ = conn.Close() }()
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		return nil, err
	}
	begin := time.Now()
	go func() { _, _ = conn.Write(raw) }() // the server may close before it has read it all
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, fmt.Errorf("no answer: %w", err)
	}
	took := time.Since(begin)
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	return parse(resp, body, took), nil
}

// send sends one request from a fresh client address.
func (s *target) send(t *testing.T, r request) *answer {
	t.Helper()
	return s.exchange(t, r.wire(nextClient()))
}

// soapFault is a SOAP 1.1 or 1.2 fault, matched on local names.
type soapFault struct {
	Code11   string `xml:"Body>Fault>faultcode"`
	String11 string `xml:"Body>Fault>faultstring"`
	Code12   string `xml:"Body>Fault>Code>Value"`
	Sub12    string `xml:"Body>Fault>Code>Subcode>Value"`
	Reason12 string `xml:"Body>Fault>Reason>Text"`
}

var (
	xmlCode = regexp.MustCompile(`<(?:Code|ResultCode)>(\d+)</`)
	// A classic answer's ErrorMessage says what was wrong, an
	// interaction-state answer's Detail (its Description is the code's
	// fixed text, the last resort).
	xmlMessages = []*regexp.Regexp{regexp.MustCompile(`<ErrorMessage>([^<]+)</ErrorMessage>`), regexp.MustCompile(`<Detail>([^<]*)</Detail>`),
		regexp.MustCompile(`<Description>([^<]*)</Description>`)}
)

func parse(resp *http.Response, body []byte, took time.Duration) *answer {
	a := &answer{status: resp.StatusCode, header: resp.Header, body: body, took: took}
	switch ct := resp.Header.Get("Content-Type"); {
	case strings.Contains(ct, "xml"):
		var f soapFault
		if xml.Unmarshal(body, &f) == nil && (f.Code11 != "" || f.Code12 != "") {
			a.fault, a.subcode, a.message = f.Code11+f.Code12, f.Sub12, f.String11+f.Reason12
			break
		}
		if m := xmlCode.FindSubmatch(body); m != nil {
			a.code, _ = strconv.Atoi(string(m[1]))
		}
		for _, re := range xmlMessages {
			if m := re.FindSubmatch(body); m != nil {
				a.message = html(string(m[1]))
				break
			}
		}
	case strings.Contains(ct, "json"):
		var v struct {
			Code       int
			Name       string
			Message    string
			ResultCode int
			Header     struct {
				Status struct {
					Code         int
					ErrorMessage string
				}
			}
			Description string
			Detail      string
		}
		if json.Unmarshal(body, &v) != nil {
			a.message = string(body)
			break
		}
		a.name = v.Name
		a.code = v.Code + v.ResultCode + v.Header.Status.Code
		a.message = v.Message + v.Header.Status.ErrorMessage + v.Detail
		if a.message == "" {
			a.message = v.Description
		}
	default:
		a.message = string(body)
	}
	return a
}

// html undoes the escapes an XML writer puts in text.
func html(s string) string {
	var v struct {
		S string `xml:",chardata"`
	}
	if xml.Unmarshal([]byte("<s>"+s+"</s>"), &v) != nil {
		return s
	}
	return v.S
}

// check compares an answer with the one wanted.
func (a *answer) check(t *testing.T, w want) {
	t.Helper()
	if diff := a.differs(w); diff != "" {
		t.Fatal(diff)
	}
}

// differs says how an answer differs from the one wanted; "" if it does not.
func (a *answer) differs(w want) string {
	got := want{status: a.status, fault: a.fault, subcode: a.subcode, name: a.name, code: a.code, says: w.says}
	switch {
	case got != w || !strings.Contains(a.message, w.says):
		return fmt.Sprintf("answered %d fault %q/%q name %q code %d %q\nwant      %d fault %q/%q name %q code %d saying %q\n%.2000s",
			a.status, a.fault, a.subcode, a.name, a.code, clip(a.message, 300),
			w.status, w.fault, w.subcode, w.name, w.code, w.says, a.body)
	case len(a.body) > maxAnswer:
		return fmt.Sprintf("an answer of %d bytes (more than %d): %.300s", len(a.body), maxAnswer, a.body)
	case a.status == http.StatusTooManyRequests && a.header.Get("Retry-After") == "":
		return "429 without Retry-After"
	}
	return ""
}

// summary is the answer as the results table shows it.
func (a *answer) summary() string {
	var parts []string
	if a.status != 0 {
		parts = append(parts, strconv.Itoa(a.status))
	}
	for _, p := range []string{a.fault, a.subcode, a.name} {
		if p != "" {
			parts = append(parts, "`"+p+"`")
		}
	}
	if a.code != 0 {
		parts = append(parts, strconv.Itoa(a.code))
	}
	if a.message != "" {
		parts = append(parts, "“"+strings.ReplaceAll(clip(a.message, 90), "|", `\|`)+"”")
	}
	return strings.Join(parts, " ")
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// An attack is one case of the corpus: a request and the answer it must
// get, or a run of its own that returns the answer to check.
type attack struct {
	name string
	req  request
	run  func(t *testing.T, s *target) *answer
	want want
	// slow is how long the answer may take; default quickly.
	slow time.Duration
}

// quickly is how long an attack's answer may take: every one is refused in
// milliseconds (a 1 MiB body in tens of them); seconds leave room for a
// loaded 2-core machine.
const quickly = 5 * time.Second

// group is a family of attacks.
type group struct {
	name    string
	attacks []attack
}

// attack runs one case: the exchange, its answer, then the server's health
// and memory.
func (s *target) attack(t *testing.T, group string, a attack) {
	t.Helper()
	var got *answer
	if a.run != nil {
		got = a.run(t, s)
	} else {
		got = s.send(t, a.req)
	}
	got.check(t, a.want)
	if bytes.Contains(got.body, []byte(secretOfB)) || bytes.Contains(got.body, []byte(contactOfB)) {
		t.Fatalf("the answer shows tenant B's data: %.500s", got.body)
	}
	if limit := max(a.slow, quickly); got.took > limit {
		t.Fatalf("answered after %s (more than %s)", got.took, limit)
	}
	s.healthy(t, group, a.name, got)
}

// healthy checks, after an attack, that the server still serves and that
// its RSS is under the bound, and records the row of the results table.
func (s *target) healthy(t *testing.T, group, name string, got *answer) {
	t.Helper()
	s.stillServes(t)
	rss := s.rss(t)
	s.results.add(group, name, got.summary(), rss)
	if rss > s.bound {
		t.Fatalf("RSS %.1f MB after the attack, over the bound %.1f MB", mb(rss), mb(s.bound))
	}
}

// rss is the server's resident set (VmRSS), peakRSS its high-water mark
// (VmHWM), in bytes.
func (s *target) rss(t *testing.T) int64     { return s.status(t, "VmRSS") }
func (s *target) peakRSS(t *testing.T) int64 { return s.status(t, "VmHWM") }

func (s *target) status(t *testing.T, field string) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		t.Fatalf("read the server's status: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", field, line)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, s.pid)
	return 0
}

// cpu is the CPU time the server has used (user + system), from
// /proc/PID/stat, whose clock ticks are USER_HZ, 100 a second on Linux.
func (s *target) cpu(t *testing.T) time.Duration {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid))
	if err != nil {
		t.Fatalf("read the server's stat: %v", err)
	}
	// The command name may hold spaces: the fields start after its ")".
	fields := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, err1 := strconv.ParseInt(fields[11], 10, 64) // field 14 of proc(5)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		t.Fatalf("stat: %q", raw)
	}
	return time.Duration(utime+stime) * (time.Second / 100)
}
