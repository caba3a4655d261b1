package main

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/proctest"
	"github.com/holdline/holdline/internal/tlstest"
)

// needTool skips the test when the command name is missing, or fails it
// when HOLDLINE_REQUIRE_TOOLS=1 (make test).
func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("HOLDLINE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("HOLDLINE_REQUIRE_TOOLS=1: %s is not installed: %v", name, err)
		}
		t.Skipf("%s is not installed: %v", name, err)
	}
}

// startHTTPS runs `holdline serve` with args added and returns it with its
// https:// base URL, checking that the listening line says https.
func startHTTPS(t *testing.T, args ...string) *proc {
	t.Helper()
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "json"}, args...)
	p, addr := proctest.Start(t, binPath, "holdline listening", args...)
	srv := &proc{Proc: p, base: "https://" + addr}
	if url := logLine(t, p, "holdline listening", 1)["url"]; url != srv.base {
		t.Fatalf("the listening line's url is %v, want %s", url, srv.base)
	}
	return srv
}

// logLine waits until the process has logged n JSON lines with msg and
// returns the n-th.
func logLine(t *testing.T, p *proctest.Proc, msg string, n int) map[string]any {
	t.Helper()
	var found map[string]any
	waitFor(t, "log line "+msg, func() bool {
		seen := 0
		for _, line := range strings.Split(p.Logs(), "\n") {
			var rec map[string]any
			if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == msg {
				if seen++; seen == n {
					found = rec
					return true
				}
			}
		}
		return false
	})
	return found
}

// httpsClient trusts only ca and presents the client certificates given.
// Each client has its own connections: a new client makes a new handshake.
func httpsClient(ca *tlstest.CA, client ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), Certificates: client},
	}}
}

// answer is what a test reads of one response.
type answer struct {
	code   int
	body   string
	serial *big.Int // of the server's certificate
	reused bool     // the request went on an established connection
}

// fetch GETs url with c.
func fetch(c *http.Client, url string) (answer, error) {
	var a answer
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return a, err
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) { a.reused = info.Reused },
	}))
	resp, err := c.Do(req)
	if err != nil {
		return a, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	a.code, a.body = resp.StatusCode, string(b)
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		a.serial = resp.TLS.PeerCertificates[0].SerialNumber
	}
	return a, err
}

// mustFetch is fetch that fails the test on an error or a status other
// than 200.
func mustFetch(t *testing.T, c *http.Client, url string) answer {
	t.Helper()
	a, err := fetch(c, url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if a.code != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, a.code, a.body)
	}
	return a
}

// curl runs curl with args and a URL, returning its output and error.
func curl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command("curl", append([]string{"-sS", "--fail", "--max-time", "30"}, args...)...).CombinedOutput()
	return string(out), err
}

// `serve --tls-cert --tls-key` serves HTTPS, TLS 1.2 or later, that Go's
// client and curl accept with the CA, and a WSDL with the https address.
func TestServeHTTPS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "site")
	cert := ca.Server(t, "holdline")
	p := startHTTPS(t, "--tls-cert", cert.CertFile, "--tls-key", cert.KeyFile)

	client := httpsClient(ca)
	if a := mustFetch(t, client, p.base+"/healthz"); strings.TrimSpace(a.body) != "ok" || a.serial.Cmp(cert.Serial) != 0 {
		t.Fatalf("/healthz = %q from certificate %v", a.body, a.serial)
	}
	wantLocation := `location="` + p.base + `/ptk"`
	if a := mustFetch(t, client, p.base+"/ptk?wsdl"); !strings.Contains(a.body, wantLocation) {
		t.Errorf("the WSDL lacks %s", wantLocation)
	}
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), MaxVersion: tls.VersionTLS11}}}
	if _, err := fetch(old, p.base+"/healthz"); err == nil {
		t.Error("a TLS 1.1 client was served")
	}
	if a, err := fetch(http.DefaultClient, "http://"+strings.TrimPrefix(p.base, "https://")+"/healthz"); err == nil && a.code == 200 {
		t.Error("plain HTTP was served on the TLS listener")
	}
	if _, err := fetch(&http.Client{Timeout: 30 * time.Second}, p.base+"/healthz"); err == nil {
		t.Error("a client that does not trust the CA was served")
	}

	needTool(t, "curl")
	out, err := curl(t, "--cacert", ca.CertFile, p.base+"/ptk?wsdl")
	if err != nil || !strings.Contains(out, wantLocation) {
		t.Errorf("curl --cacert: %v\n%.300s", err, out)
	}
	if out, err := curl(t, p.base+"/healthz"); err == nil {
		t.Errorf("curl without the CA accepted the certificate: %s", out)
	}
}

// With a client CA, a client without a certificate of that CA is refused
// at the handshake; one with such a certificate is served. The files come
// from the configuration file, relative to its folder; SIGHUP reads the
// file again, keeping everything when it does not load.
func TestMutualTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "site")
	ca.Server(t, "holdline")
	clients := tlstest.NewCA(t, dir, "clients")
	agent := clients.Client(t, "dialer")
	stranger := ca.Client(t, "stranger")
	cfg := filepath.Join(dir, "holdline.yaml")
	if err := os.WriteFile(cfg, []byte(qmConfig+`
server:
  tls: {cert: holdline.pem, key: holdline-key.pem, clientCA: clients-ca.pem}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startHTTPS(t, "--config", cfg)

	if _, err := fetch(httpsClient(ca), p.base+"/healthz"); err == nil || !strings.Contains(err.Error(), "certificate required") {
		t.Errorf("a client without a certificate: %v, want a refused handshake", err)
	}
	if _, err := fetch(httpsClient(ca, stranger.TLS), p.base+"/healthz"); err == nil {
		t.Error("a client certificate of another CA was accepted")
	}
	mustFetch(t, httpsClient(ca, agent.TLS), p.base+"/healthz")

	needTool(t, "curl")
	if out, err := curl(t, "--cacert", ca.CertFile, p.base+"/healthz"); err == nil {
		t.Errorf("curl without a client certificate was served: %s", out)
	}
	if out, err := curl(t, "--cacert", ca.CertFile, "--cert", agent.CertFile, "--key", agent.KeyFile, p.base+"/healthz"); err != nil || strings.TrimSpace(out) != "ok" {
		t.Errorf("curl with a client certificate: %v %s", err, out)
	}

	// A client CA file that is not there: the reload fails, saying where.
	write := func(server string) {
		t.Helper()
		tlstest.WriteFile(t, cfg, []byte(qmConfig+"server:\n  tls: "+server+"\n"))
	}
	write("{cert: holdline.pem, key: holdline-key.pem, clientCA: gone.pem}")
	p.Signal(t, syscall.SIGHUP)
	failed := logLine(t, p.Proc, "reload failed: the running configuration is kept", 1)
	if want := cfg + `: server.tls.clientCA: cannot read "` + filepath.Join(dir, "gone.pem") + `": no such file or directory`; failed["err"] != want {
		t.Errorf("the failed reload's error is %v, want %s", failed["err"], want)
	}
	if _, err := fetch(httpsClient(ca), p.base+"/healthz"); err == nil {
		t.Error("after a failed reload, a client without a certificate was served")
	}
	// Without the client CA, clients need no certificate from now on.
	write("{cert: holdline.pem, key: holdline-key.pem}")
	p.Signal(t, syscall.SIGHUP)
	if ok := logLine(t, p.Proc, "reloaded", 1); ok["certificate"].(map[string]any)["clientCA"] != nil {
		t.Errorf("the reload's log line still names a client CA: %v", ok)
	}
	mustFetch(t, httpsClient(ca), p.base+"/healthz")
}

// SIGHUP replaces the certificate for new handshakes while an established
// keep-alive connection carries on; a file that does not load keeps the
// running certificate, and the log says why.
func TestSIGHUPReloadsTheCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "site")
	first := ca.Server(t, "first")
	certFile, keyFile := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem")
	tlstest.CopyFile(t, first.CertFile, certFile)
	tlstest.CopyFile(t, first.KeyFile, keyFile)
	p := startHTTPS(t, "--tls-cert", certFile, "--tls-key", keyFile)

	established := httpsClient(ca)
	if a := mustFetch(t, established, p.base+"/healthz"); a.serial.Cmp(first.Serial) != 0 {
		t.Fatalf("served %v, want the first certificate", a.serial)
	}

	second := ca.Server(t, "second")
	tlstest.CopyFile(t, second.CertFile, certFile)
	tlstest.CopyFile(t, second.KeyFile, keyFile)
	p.Signal(t, syscall.SIGHUP)
	ok := logLine(t, p.Proc, "reloaded", 1)
	if c, _ := ok["certificate"].(map[string]any); c["subject"] != "CN=second" || c["serial"] != second.Serial.Text(16) || c["notAfter"] == nil {
		t.Errorf("the reload's log line: %v", ok)
	}
	if a := mustFetch(t, httpsClient(ca), p.base+"/healthz"); a.serial.Cmp(second.Serial) != 0 {
		t.Errorf("a new connection got certificate %v, want the second", a.serial)
	}
	if a := mustFetch(t, established, p.base+"/healthz"); !a.reused || a.serial.Cmp(first.Serial) != 0 {
		t.Errorf("the established connection: reused %v, certificate %v; want it kept, with the first", a.reused, a.serial)
	}

	// A key that is not a key: the second certificate stays.
	tlstest.WriteFile(t, keyFile, []byte("not a key\n"))
	p.Signal(t, syscall.SIGHUP)
	failed := logLine(t, p.Proc, "reload failed: the running configuration is kept", 1)
	if failed["level"] != "ERROR" || failed["err"] != `certificate: TLS: --tls-key: "`+keyFile+`" holds no PEM private key ("-----BEGIN PRIVATE KEY-----")` {
		t.Errorf("the failed reload's log line: %v", failed)
	}
	if a := mustFetch(t, httpsClient(ca), p.base+"/healthz"); a.serial.Cmp(second.Serial) != 0 {
		t.Errorf("after a failed reload a new connection got certificate %v, want the second", a.serial)
	}
	if a := mustFetch(t, established, p.base+"/healthz"); !a.reused {
		t.Error("the established connection was dropped")
	}
	stopGracefully(t, p)
}

// --admin-addr moves the probes and metrics to a second listener, which
// alone serves the profiler; both stop gracefully on SIGTERM.
func TestAdminAddr(t *testing.T) {
	t.Parallel()
	pr, addr := proctest.Start(t, binPath, "holdline listening",
		"serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "json")
	p := &proc{Proc: pr, base: "http://" + addr}
	line := logLine(t, p.Proc, "holdline listening", 1)
	admin, _ := line["adminURL"].(string)
	if !strings.HasPrefix(admin, "http://127.0.0.1:") || admin == p.base {
		t.Fatalf("the listening line's adminURL is %q", admin)
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics", "/debug/pprof/"} {
		if code, _ := request(t, "GET", admin+path, nil); code != 200 {
			t.Errorf("admin %s = %d, want 200", path, code)
		}
		if code, _ := request(t, "GET", p.base+path, nil); code != 404 {
			t.Errorf("public %s = %d, want 404", path, code)
		}
	}
	if code, _ := request(t, "GET", p.base+"/ptk?wsdl", nil); code != 200 {
		t.Errorf("public /ptk?wsdl = %d", code)
	}
	stopGracefully(t, p)
}

// TLS files that do not load stop serve before it opens anything, naming
// the flag or the configuration key of each.
func TestServeRefusesBadTLSFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "site")
	cert := ca.Server(t, "holdline")
	other := ca.Server(t, "other")
	cfg := filepath.Join(dir, "holdline.yaml")
	if err := os.WriteFile(cfg, []byte(qmConfig+"server:\n  tls: {cert: holdline.pem, key: holdline-key.pem}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"cert without key", []string{"--tls-cert", cert.CertFile}, "TLS: --tls-key: is required with a cert"},
		{"client CA alone", []string{"--tls-client-ca", ca.CertFile}, "TLS: --tls-client-ca: needs a cert and a key as well"},
		{"unreadable", []string{"--tls-cert", missing, "--tls-key", cert.KeyFile}, `TLS: --tls-cert: cannot read "` + missing + `": no such file or directory`},
		{"flag over the file", []string{"--config", cfg, "--tls-cert", other.CertFile},
			`TLS: server.tls.key: "` + cert.KeyFile + `" does not load with the certificate in "` + other.CertFile + `": private key does not match public key`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := t.TempDir()
			_, _, err := runCLI(t, "", append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, tc.args...)...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("serve = %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(data, "holdline.db")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the store was opened: %v", err)
			}
		})
	}
}
