package interop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/ptk"
)

// PTK credentials with real SOAP clients (issue #9, acceptance 2): zeep and
// node-soap call the PTK with HTTP Basic and with a WS-Security
// UsernameToken (PasswordText and PasswordDigest) when credentials are on,
// on both SOAP bindings, and a wrong password, a stale Created time, a
// replayed nonce and a tenant the credential may not act for each get the
// documented fault. docs/ptk.md ("Credentials") shows the same client code.

// The credential the server is configured with, and the tenants the
// scripts call: the embedded demo's, the first one the credential's.
const (
	ptkUser     = "ivr"
	ptkPassword = "interop-password-1"
	ownTenant   = "VHTLab"
	ownTarget   = ownTenant + "/PTK_VHT_TEST"
	otherTenant = "Portree"
	otherTarget = otherTenant + "/VHT_Test"
	notYours    = `may not act for tenant "` + otherTenant + `"`
)

// credentialsYAML turns PTK credentials on, on top of the demo's tenants.
const credentialsYAML = `
auth:
  ptk:
    - {name: ivr-interop, username: ` + ptkUser + `, password: "` + ptkPassword + `", tenants: [` + ownTenant + `], permissions: [read, change, contacts]}
`

// faultWant is a fault the server must answer, as each SOAP version writes it.
type faultWant struct {
	http int
	// code11 is the SOAP 1.1 faultcode.
	code11 string
	// The SOAP 1.2 Subcode/Value (Code/Value is always soap:Sender).
	space12, prefix12, local12 string
}

var (
	authenticationFailed = faultWant{401, "soap:Client.Authentication", ptk.NamespaceWSSE, "wsse", "FailedAuthentication"}
	messageExpired       = faultWant{401, "soap:Client.Authentication", ptk.NamespaceWSSE, "wsse", "MessageExpired"}
	forbidden            = faultWant{403, "soap:Client.Authorization", ptk.TargetNamespace, "ptk", "Forbidden"}
)

// credentialCases are the calls both scripts make on each binding, in this
// order (the replay comes after the call it replays); an answer (fault nil)
// is GetSegmentState's 107000. reason is part of the fault's reason: it
// tells the cause among the faults of one code.
var credentialCases = []struct {
	name   string
	fault  *faultWant
	reason string
}{
	{"none", &authenticationFailed, "credentials are required"},
	{"basic", nil, ""},
	{"basic, wrong password", &authenticationFailed, "wrong password"},
	{"text", nil, ""},
	{"text, wrong password", &authenticationFailed, "wrong password"},
	{"digest", nil, ""},
	{"digest, wrong password", &authenticationFailed, "wrong password"},
	{"digest, stale Created", &messageExpired, "has expired"},
	{"digest, captured", nil, ""},
	{"digest, replayed", &authenticationFailed, "a replay"},
	{"another tenant", &forbidden, notYours},
	{"another tenant, digest", &forbidden, notYours},
}

// credentialLine is one line of a script's output: one call.
type credentialLine struct {
	Client    string  `json:"client"`
	SOAP      string  `json:"soap"`
	Case      string  `json:"case"`
	HTTP      int     `json:"http"`
	Code      *int    `json:"code"`
	Fault     *string `json:"fault"`
	Subcode   *string `json:"subcode"`
	Reason    *string `json:"reason"`
	Challenge *string `json:"challenge"`
}

// TestCredentialsWithZeepAndNodeSoap serves the demo's tenants (the
// embedded demo.yaml, read from internal/config) with one PTK credential,
// and checks every call of each client script against credentialCases.
func TestCredentialsWithZeepAndNodeSoap(t *testing.T) {
	scripts := []struct {
		name         string
		check        func() error
		tool, script string
	}{
		{"node-soap", nodeSoap, "node", "node_auth_client.js"},
		{"zeep", zeep, zeepPython, "zeep_auth_client.py"},
	}
	if nodeSoap() != nil && zeep() != nil && os.Getenv("HOLDLINE_REQUIRE_TOOLS") != "1" {
		t.Skip("neither node-soap nor zeep is installed (scripts/test-deps installs them)")
	}
	dir := t.TempDir()
	demo, err := os.ReadFile(filepath.Join("..", "..", "internal", "config", "demo.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "holdline.yaml")
	if err := os.WriteFile(cfg, append(demo, credentialsYAML...), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, buildHoldline(t), dir, "--config", cfg)
	wsdl := srv.base + "/ptk?wsdl"
	for _, s := range scripts {
		t.Run(s.name, func(t *testing.T) {
			need(t, s.name, s.check())
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, s.tool, s.script, wsdl, ptkUser, ptkPassword, ownTarget, otherTarget)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%s: %v\nstderr:\n%s", s.name, err, stderr.Bytes())
			}
			checkCredentialLines(t, s.name, stdout.Bytes())
			if t.Failed() {
				t.Logf("%s output:\n%s\nserver log:\n%s", s.name, stdout.Bytes(), srv.Logs())
			}
		})
	}
}

// checkCredentialLines checks a script's output against credentialCases:
// every case once on SOAP 1.1, then every case once on SOAP 1.2.
func checkCredentialLines(t *testing.T, client string, out []byte) {
	t.Helper()
	lines := parseLines[credentialLine](t, client, out)
	if want := 2 * len(credentialCases); len(lines) != want {
		t.Fatalf("%s: %d results, want %d", client, len(lines), want)
	}
	for i, l := range lines {
		version := []string{"1.1", "1.2"}[i/len(credentialCases)]
		c := credentialCases[i%len(credentialCases)]
		where := fmt.Sprintf("%s SOAP %s %q", client, version, c.name)
		if l.Client != client || l.SOAP != version || l.Case != c.name {
			t.Errorf("%s: line %d is %s SOAP %s %q", where, i, l.Client, l.SOAP, l.Case)
			continue
		}
		if c.fault == nil {
			if l.HTTP != 200 || l.Fault != nil || l.Code == nil || *l.Code != 107000 {
				t.Errorf("%s: HTTP %d, fault %s, code %v; want HTTP 200 and 107000", where, l.HTTP, deref(l.Fault), l.Code)
			}
			continue
		}
		want := *c.fault
		if l.HTTP != want.http || l.Code != nil {
			t.Errorf("%s: HTTP %d, code %v; want HTTP %d and a fault", where, l.HTTP, l.Code, want.http)
		}
		code, sub := want.code11, ""
		if version == "1.2" {
			code, sub = "soap:Sender", want.prefix12+":"+want.local12
			// zeep resolves the Subcode's QName; node-soap gives its text.
			if client == "zeep" {
				sub = "{" + want.space12 + "}" + want.local12
			}
		}
		if deref(l.Fault) != code || deref(l.Subcode) != sub {
			t.Errorf("%s: fault %q subcode %q, want %q %q", where, deref(l.Fault), deref(l.Subcode), code, sub)
		}
		if !strings.Contains(deref(l.Reason), c.reason) {
			t.Errorf("%s: reason %q does not say %q", where, deref(l.Reason), c.reason)
		}
		if want.http == 401 && !strings.HasPrefix(deref(l.Challenge), "Basic realm=") {
			t.Errorf("%s: 401 with WWW-Authenticate %q, want a Basic challenge", where, deref(l.Challenge))
		}
	}
}
