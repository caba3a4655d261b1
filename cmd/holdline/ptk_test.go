package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// runPTKCLI runs the built binary's `ptk` subcommand against base; leading
// "--env", "NAME=VALUE" pairs of args go into its environment instead.
func runPTKCLI(t *testing.T, base string, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	env := os.Environ()
	for len(args) >= 2 && args[0] == "--env" {
		env, args = append(env, args[1]), args[2:]
	}
	cmd := exec.Command(binPath, append([]string{"ptk", "--server", base}, args...)...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), exit
}

// The client calls a real server in each form and prints the answer; a PTK
// refusal is an answer (exit 0), its code on stderr.
func TestPTKClient(t *testing.T) {
	t.Parallel()
	p := startServer(t, t.TempDir())
	cases := []struct {
		name     string
		args     []string
		exit     int
		stdout   []string
		lastLine string
	}{
		{"acceptance: the demo segment's state", []string{"GetSegmentState", "Tenant=Portree", "Segment=VHT_Test"}, 0,
			[]string{`<Segment Tenant="Portree" Queue="VHT_Test" Name="VHT_Test">`, `<StateData Name="OperationMode" Value="Normal"/>`}, "107000 RequestCompleted"},
		{"soap 1.2 with dotted paths and user data", []string{"--soap12", "AddInteraction", "Tenant=VHTLab", "Segment=PTK_VHT_TEST", "Contact=80001",
			"Options.ClientId=cli-1", "Options.UserData.account=A-1"}, 0,
			[]string{`xmlns:soap="http://www.w3.org/2003/05/soap-envelope"`, `<ClientID>cli-1</ClientID>`, `InteractionType="FIFO"`}, "107000 RequestCompleted"},
		{"json mirror", []string{"--json", "GetSegmentVariables", "Tenant=VHT", "Segment=VHT_Test", "Options.Variable=MAXATTEMPTS"}, 0,
			[]string{`"Name": "MAXATTEMPTS"`, `"Name": "CountryCode"`}, "107000 RequestCompleted"},
		{"refusal", []string{"AddInteraction", "Tenant=Nope", "Segment=PTK_VHT_TEST", "Contact=80001"}, 0,
			[]string{`<Result>InvalidTenant</Result>`}, "108000 InvalidTenant"},
		{"unknown parameter", []string{"GetStatus", "Colour=red"}, 1, nil, `holdline: Colour: unknown parameter "Colour"`},
		{"unknown method", []string{"GetStatu"}, 1, nil, `holdline: unknown PTK method "GetStatu"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, exit := runPTKCLI(t, p.base, tc.args...)
			if exit != tc.exit {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", exit, tc.exit, out, errOut)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(out, want) {
					t.Errorf("stdout lacks %s\n%s", want, out)
				}
			}
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, tc.lastLine) {
				t.Errorf("last stderr line %q, want %q", last, tc.lastLine)
			}
		})
	}
}

// A fault or a transport error is not an answer: non-zero exit.
func TestPTKClientFailures(t *testing.T) {
	t.Parallel()
	fault := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>unknown operation</faultstring></s:Fault></s:Body></s:Envelope>`))
	}))
	defer fault.Close()
	var out, errb bytes.Buffer
	err := runPTK(context.Background(), ptkFlags{server: fault.URL, timeout: 5e9}, "GetVersion", nil, &out, &errb)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(errb.String(), "fault: unknown operation") || !strings.Contains(out.String(), "<s:Fault>") {
		t.Fatalf("fault: err %v, stdout %q, stderr %q", err, out.String(), errb.String())
	}
	if _, _, exit := runPTKCLI(t, "http://127.0.0.1:1", "GetVersion"); exit == 0 {
		t.Fatal("a transport error exited 0")
	}
}
