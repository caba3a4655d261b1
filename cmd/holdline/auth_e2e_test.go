package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// PTK credentials and bearer tokens in a real process: the CLI sends HTTP
// Basic, and SIGHUP replaces credentials and tokens without a restart; a
// broken file keeps the running ones.
func TestCredentialsAndTheirReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(password, token string) {
		cfg := fmt.Sprintf(integrationConfig, "", `auth:
  tokens:
    - {name: site-dialer, token: "`+token+`", tenants: [Site]}
  ptk:
    - {name: site-ivr, username: ivr, password: "`+password+`", tenants: [Site], permissions: [read, change]}
`)
		if err := os.WriteFile(filepath.Join(dir, "holdline.yaml"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("first-password-1", siteToken)
	p, addr := startProcess(t, "holdline listening", "serve", "--addr", "127.0.0.1:0", "--data", dir,
		"--config", filepath.Join(dir, "holdline.yaml"), "--log-format", "json")
	base := "http://" + addr
	state := []string{"GetSegmentState", "Tenant=Site", "Segment=Main"}
	expect := func(what string, exit int, lastLine string, args ...string) {
		t.Helper()
		_, errOut, got := runPTKCLI(t, base, args...)
		if got != exit || !strings.Contains(errOut, lastLine) {
			t.Fatalf("%s: exit %d, want %d with %q\n%s", what, got, exit, lastLine, errOut)
		}
	}
	expect("no credentials", 1, "authentication failed", state...)
	expect("the password", 0, "107000 RequestCompleted", append([]string{"--user", "ivr", "--password", "first-password-1"}, state...)...)
	expect("another tenant", 1, "may not act for tenant", "--user", "ivr", "--password", "first-password-1", "GetSegmentState", "Tenant=Other", "Segment=Main")
	if code, body := call(t, "GET", base+"/api/v1/tenants/Site/queues/Main", siteToken, nil); code != 200 {
		t.Fatalf("the token: %d %s", code, body)
	}

	// A new password and a new token, installed by SIGHUP.
	write("second-password", otherToken)
	p.Signal(t, syscall.SIGHUP)
	if ok, _ := logLine(t, p.Proc, "reloaded", 1)["credentials"].(map[string]any); ok["ptkCredentials"] != float64(1) || ok["tokens"] != float64(1) {
		t.Fatalf("reload log: %v", ok)
	}
	expect("the old password", 1, "authentication failed", append([]string{"--user", "ivr", "--password", "first-password-1"}, state...)...)
	expect("the new password, from the environment", 0, "107000 RequestCompleted", append([]string{"--env", passwordEnv + "=second-password", "--user", "ivr"}, state...)...)
	if code, _ := call(t, "GET", base+"/api/v1/tenants/Site/queues/Main", siteToken, nil); code != 401 {
		t.Fatalf("the old token after the reload: %d", code)
	}
	if code, _ := call(t, "GET", base+"/api/v1/tenants/Site/queues/Main", otherToken, nil); code != 200 {
		t.Fatalf("the new token after the reload: %d", code)
	}

	// A broken file changes nothing.
	write("short", otherToken)
	p.Signal(t, syscall.SIGHUP)
	failed := logLine(t, p.Proc, "reload failed: the running configuration is kept", 1)
	if !strings.Contains(fmt.Sprint(failed["err"]), "auth.ptk[0].password") {
		t.Fatalf("the failed reload does not say why: %v", failed)
	}
	expect("the kept password", 0, "107000 RequestCompleted", append([]string{"--user", "ivr", "--password", "second-password"}, state...)...)
}
