package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/tlstest"
)

// runCLI runs holdline in-process with args and stdin, returning its output
// and error.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errb)
	err = root.Execute()
	return out.String(), errb.String(), err
}

func TestConfigExampleCheckRoundTrip(t *testing.T) {
	t.Parallel()
	example, stderr, err := runCLI(t, "", "config", "example")
	if err != nil || stderr != "" || !strings.Contains(example, "tenants:") {
		t.Fatalf("config example: %v, stderr %q, %d bytes", err, stderr, len(example))
	}
	file := filepath.Join(t.TempDir(), "holdline.yaml")
	if err := os.WriteFile(file, []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		stdin string
		arg   string
		want  string
	}{
		{"file", "", file, file + ": ok (2 tenants, 3 segments, 2 queues)\n"},
		{"stdin", example, "-", "<stdin>: ok (2 tenants, 3 segments, 2 queues)\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := runCLI(t, tc.stdin, "config", "check", tc.arg)
			if err != nil || errOut != "" || out != tc.want {
				t.Fatalf("config check = %q, stderr %q, %v; want %q", out, errOut, err, tc.want)
			}
		})
	}
}

func TestConfigCheckListsEveryIssue(t *testing.T) {
	t.Parallel()
	broken := `tenants:
  - name: T
    timeZone: Nowhere
    segments: [{name: S, queue: Missing}]
    queues:
      - name: Q
        skills: {holding: {id: hold-Q}}
        retries: {busy: 1000}
        variables: {MAXATTEMPTS: "9"}
`
	file := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(file, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	wantIssues := []string{
		`tenants[0].timeZone: "Nowhere" is not a time zone (an IANA name such as Europe/London or America/New_York)`,
		`tenants[0].segments[0].queue: no queue named "Missing" in this tenant`,
		`tenants[0].queues[0].retries.busy: 1000 is out of range (0 to 999)`,
		`tenants[0].queues[0].variables.MAXATTEMPTS: MAXATTEMPTS comes from retries.total; set tenants[0].queues[0].retries.total instead`,
	}
	cases := []struct {
		name, stdin, arg, source string
	}{
		{"file", "", file, file},
		{"stdin", broken, "-", "<stdin>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, err := runCLI(t, tc.stdin, "config", "check", tc.arg)
			var ee exitError
			if !errors.As(err, &ee) || ee.code != 1 {
				t.Fatalf("config check error = %v, want exit status 1", err)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			var want strings.Builder
			for _, is := range wantIssues {
				want.WriteString(tc.source + ": " + is + "\n")
			}
			if errOut != want.String() {
				t.Errorf("stderr =\n%s\nwant\n%s", errOut, want.String())
			}
		})
	}
}

func TestConfigCheckUsage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"missing file", []string{"config", "check", filepath.Join(t.TempDir(), "none.yaml")}, "read configuration: open "},
		{"no argument", []string{"config", "check"}, "accepts 1 arg(s), received 0"},
		{"two arguments", []string{"config", "check", "a", "b"}, "accepts 1 arg(s), received 2"},
		{"example takes no argument", []string{"config", "example", "x"}, `unknown command "x"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := runCLI(t, "", tc.args...)
			var ee exitError
			if err == nil || errors.As(err, &ee) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// config check loads the TLS files, relative to the file's folder, and
// names the key of each one that does not load.
func TestConfigCheckTLSFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "main")
	ca.Server(t, "server")
	tenants := "tenants:\n  - name: T\n    segments: [{name: S, queue: Q}]\n    queues: [{name: Q, skills: {holding: {id: hold-Q}}}]\n"
	cases := []struct {
		name, server, wantOut, wantErr string
	}{
		{"TLS", "tls: {cert: server.pem, key: server-key.pem}", ": ok (1 tenant, 1 segment, 1 queue, TLS)\n", ""},
		{"mutual TLS", "tls: {cert: server.pem, key: server-key.pem, clientCA: main-ca.pem}", ": ok (1 tenant, 1 segment, 1 queue, mutual TLS)\n", ""},
		{"key missing", "tls: {cert: server.pem}", "", ": server.tls.key: is required with a cert\n"},
		{"unreadable cert", "tls: {cert: nothing.pem, key: server-key.pem}", "",
			`: server.tls.cert: cannot read "` + filepath.Join(dir, "nothing.pem") + `": no such file or directory` + "\n"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			file := filepath.Join(dir, fmt.Sprintf("holdline-%d.yaml", i))
			if err := os.WriteFile(file, []byte(tenants+"server:\n  "+tc.server+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			out, errOut, err := runCLI(t, "", "config", "check", file)
			if tc.wantErr != "" {
				var ee exitError
				if !errors.As(err, &ee) || errOut != file+tc.wantErr {
					t.Fatalf("config check = %v, stderr %q; want %q", err, errOut, file+tc.wantErr)
				}
				return
			}
			if err != nil || out != file+tc.wantOut {
				t.Fatalf("config check = %q, %v, stderr %q; want %q", out, err, errOut, file+tc.wantOut)
			}
		})
	}
}
