package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/certs"
	"github.com/holdline/holdline/internal/tlstest"
)

func TestServerSection(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "main")
	srv := ca.Server(t, "server")
	other := ca.Server(t, "other")
	missing := filepath.Join(dir, "missing.pem")
	withServer := func(server string) []byte { return append(doc("", ""), "server:\n"+indent(server, 2)...) }
	cases := []struct {
		name string
		data []byte
		want []string // issues; empty for a valid file
		srv  Server   // the section read, for a valid file
	}{
		{"absent", doc("", ""), nil, Server{Addr: DefaultAddr}},
		{"addresses and TLS", withServer("addr: ':8443'\nadminAddr: 127.0.0.1:9090\ntls: {cert: " + srv.CertFile + ", key: " + srv.KeyFile + ", clientCA: " + ca.CertFile + "}"), nil,
			Server{Addr: ":8443", AdminAddr: "127.0.0.1:9090", TLS: certs.Files{Cert: srv.CertFile, Key: srv.KeyFile, ClientCA: ca.CertFile}}},
		{"empty files are plain HTTP", withServer("tls: {cert: '', key: '', clientCA: ''}"), nil, Server{Addr: DefaultAddr}},
		{"bad addresses", withServer("addr: 8080\nadminAddr: 'localhost:http'"), []string{
			`server.addr: "8080" is not a listen address: host:port, as 127.0.0.1:8080, [::1]:8443 or :8443 (every interface)`,
			`server.adminAddr: "localhost:http" is not a listen address: host:port, as 127.0.0.1:8080, [::1]:8443 or :8443 (every interface)`,
		}, Server{}},
		{"empty addr", withServer("addr: ''"), []string{"server.addr: must not be empty"}, Server{}},
		{"port out of range", withServer("adminAddr: ':65536'"), []string{
			`server.adminAddr: ":65536" is not a listen address: host:port, as 127.0.0.1:8080, [::1]:8443 or :8443 (every interface)`,
		}, Server{}},
		{"key without cert", withServer("tls:\n  key: " + srv.KeyFile), []string{"server.tls.cert: is required with a key"}, Server{}},
		{"cert without key", withServer("tls:\n  cert: " + srv.CertFile), []string{"server.tls.key: is required with a cert"}, Server{}},
		{"client CA alone", withServer("tls:\n  clientCA: " + ca.CertFile), []string{
			"server.tls.clientCA: needs a cert and a key as well: mutual TLS is TLS that also asks the client for a certificate",
		}, Server{}},
		{"unreadable file", withServer("tls:\n  cert: " + missing + "\n  key: " + srv.KeyFile), []string{
			`server.tls.cert: cannot read "` + missing + `": no such file or directory`,
		}, Server{}},
		{"pair that does not load", withServer("tls:\n  cert: " + srv.CertFile + "\n  key: " + other.KeyFile), []string{
			`server.tls.key: "` + other.KeyFile + `" does not load with the certificate in "` + srv.CertFile + `": private key does not match public key`,
		}, Server{}},
		{"client CA without a certificate", withServer("tls:\n  cert: " + srv.CertFile + "\n  key: " + srv.KeyFile + "\n  clientCA: " + srv.KeyFile), []string{
			`server.tls.clientCA: "` + srv.KeyFile + `" holds a private key, not a certificate (are cert and key swapped?)`,
		}, Server{}},
		{"not a single value", withServer("tls: {cert: [a], key: " + srv.KeyFile + ", klientCA: x}"), []string{
			"server.tls.cert: must be a single value, not a list",
			`server.tls.klientCA: unknown key; did you mean "clientCA"?`,
		}, Server{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, issues := decode(tc.data, nil)
			if got := issueStrings(issues); !slices.Equal(got, tc.want) {
				t.Fatalf("issues:\n got %q\nwant %q", got, tc.want)
			}
			if len(tc.want) == 0 && c.Server != tc.srv {
				t.Errorf("server = %+v, want %+v", c.Server, tc.srv)
			}
		})
	}
}

// Relative TLS paths are read from the configuration file's folder, so a
// file checked from anywhere means what the server will load.
func TestTLSPathsAreRelativeToTheFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "main")
	ca.Server(t, "server")
	path := filepath.Join(dir, "holdline.yaml")
	data := append(doc("", ""), "server:\n  tls: {cert: server.pem, key: server-key.pem}\n"...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := (certs.Files{Cert: filepath.Join(dir, "server.pem"), Key: filepath.Join(dir, "server-key.pem")}); c.Server.TLS != want {
		t.Errorf("tls = %+v, want %+v", c.Server.TLS, want)
	}
	// Parsed without a file, the same paths are the working directory's.
	_, err = ParseConfig(data, "<stdin>")
	var cerr *Error
	if !errors.As(err, &cerr) || len(cerr.Issues) != 2 || !strings.HasPrefix(cerr.Issues[0].String(), `server.tls.cert: cannot read "server.pem"`) {
		t.Errorf("ParseConfig = %v", err)
	}
}
