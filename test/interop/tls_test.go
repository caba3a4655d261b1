package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/proctest"
	"github.com/holdline/holdline/internal/tlstest"
)

// zeepTLS runs zeep_tls_client.py: the WSDL over HTTPS trusting only
// caFile, with the client certificate files when given, and GetVersion.
func zeepTLS(t *testing.T, wsdl, caFile string, clientCert ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, zeepPython, append([]string{"zeep_tls_client.py", wsdl, caFile}, clientCert...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// zeep loads the WSDL over HTTPS with the site's CA, finds the https
// address in it and calls GetVersion there; under mutual TLS it is served
// with a client certificate and refused without one.
func TestZeepOverTLS(t *testing.T) {
	need(t, "zeep", zeep())
	bin := buildHoldline(t)
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "site")
	cert := ca.Server(t, "holdline")
	clients := tlstest.NewCA(t, dir, "clients")
	ivr := clients.Client(t, "ivr")
	for _, tc := range []struct {
		name       string
		flags      []string
		clientCert []string
	}{
		{"TLS", nil, nil},
		{"mutual TLS", []string{"--tls-client-ca", clients.CertFile}, []string{ivr.CertFile, ivr.KeyFile}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--log-format", "json",
				"--tls-cert", cert.CertFile, "--tls-key", cert.KeyFile}, tc.flags...)
			p, addr := proctest.Start(t, bin, "holdline listening", args...)
			wsdl := "https://" + addr + "/ptk?wsdl"
			out, errOut, err := zeepTLS(t, wsdl, ca.CertFile, tc.clientCert...)
			var got struct {
				Address, Version string
				Code             int
			}
			if err != nil || json.Unmarshal([]byte(out), &got) != nil {
				t.Fatalf("zeep: %v\n%s%s\nserver log:\n%s", err, out, errOut, p.Logs())
			}
			if got.Address != "https://"+addr+"/ptk" || got.Code != 107000 || got.Version != "5.0" {
				t.Errorf("zeep read address %q, GetVersion answered %d %q", got.Address, got.Code, got.Version)
			}
			if tc.clientCert == nil {
				if _, errOut, err := zeepTLS(t, wsdl, cert.CertFile); err == nil || !strings.Contains(errOut, "CERTIFICATE_VERIFY_FAILED") {
					t.Errorf("zeep trusting another CA: %v %s", err, errOut)
				}
				return
			}
			if _, errOut, err := zeepTLS(t, wsdl, ca.CertFile); err == nil || !strings.Contains(errOut, "SSLError") {
				t.Errorf("zeep without a client certificate: %v %s", err, errOut)
			}
		})
	}
}
