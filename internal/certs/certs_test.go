package certs_test

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/certs"
	"github.com/holdline/holdline/internal/tlstest"
)

func TestLoadProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "main")
	srv := ca.Server(t, "server")
	other := ca.Server(t, "other")
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.pem", "")
	junk := write("junk.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	encrypted := write("encrypted.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
	large := write("large.pem", strings.Repeat("x", 1<<20+1))
	missing := filepath.Join(dir, "missing.pem")
	cases := []struct {
		name  string
		files certs.Files
		want  []certs.Problem
	}{
		{"key without cert", certs.Files{Key: srv.KeyFile}, []certs.Problem{{certs.RoleCert, "is required with a key"}}},
		{"cert without key", certs.Files{Cert: srv.CertFile}, []certs.Problem{{certs.RoleKey, "is required with a cert"}}},
		{"client CA alone", certs.Files{ClientCA: ca.CertFile}, []certs.Problem{{certs.RoleClientCA, "needs a cert and a key as well: mutual TLS is TLS that also asks the client for a certificate"}}},
		{"missing files", certs.Files{Cert: missing, Key: dir}, []certs.Problem{
			{certs.RoleCert, `cannot read "` + missing + `": no such file or directory`},
			{certs.RoleKey, `"` + dir + `" is not a regular file`},
		}},
		{"swapped", certs.Files{Cert: srv.KeyFile, Key: srv.CertFile}, []certs.Problem{
			{certs.RoleCert, `"` + srv.KeyFile + `" holds a private key, not a certificate (are cert and key swapped?)`},
			{certs.RoleKey, `"` + srv.CertFile + `" holds a certificate, not a private key (are cert and key swapped?)`},
		}},
		{"not PEM", certs.Files{Cert: empty, Key: empty}, []certs.Problem{
			{certs.RoleCert, `"` + empty + `" holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`},
			{certs.RoleKey, `"` + empty + `" holds no PEM private key ("-----BEGIN PRIVATE KEY-----")`},
		}},
		{"broken certificate, encrypted key", certs.Files{Cert: junk, Key: encrypted}, []certs.Problem{
			{certs.RoleCert, `certificate 1 of "` + junk + `" does not parse: x509: malformed certificate`},
			{certs.RoleKey, `"` + encrypted + `" is encrypted: give an unencrypted key and protect it with the file's permissions`},
		}},
		{"pair that does not match", certs.Files{Cert: srv.CertFile, Key: other.KeyFile}, []certs.Problem{
			{certs.RoleKey, `"` + other.KeyFile + `" does not load with the certificate in "` + srv.CertFile + `": private key does not match public key`},
		}},
		{"client CA without certificates", certs.Files{Cert: srv.CertFile, Key: srv.KeyFile, ClientCA: srv.KeyFile}, []certs.Problem{
			{certs.RoleClientCA, `"` + srv.KeyFile + `" holds a private key, not a certificate (are cert and key swapped?)`},
		}},
		{"too large", certs.Files{Cert: srv.CertFile, Key: srv.KeyFile, ClientCA: large}, []certs.Problem{
			{certs.RoleClientCA, `"` + large + `" is larger than 1024 KiB: it is not a PEM file`},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := certs.Load(tc.files)
			var cerr *certs.Error
			if !errors.As(err, &cerr) || b != nil {
				t.Fatalf("Load = %v, %v; want *certs.Error", b, err)
			}
			if !reflect.DeepEqual(cerr.Problems, tc.want) {
				t.Errorf("problems:\n got %q\nwant %q", cerr.Problems, tc.want)
			}
		})
	}
}

func TestLoadDescribesTheCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "main")
	srv := ca.Server(t, "server")
	b, err := certs.Load(certs.Files{Cert: srv.CertFile, Key: srv.KeyFile, ClientCA: ca.CertFile})
	if err != nil {
		t.Fatal(err)
	}
	if b.Leaf().SerialNumber.Cmp(srv.Serial) != 0 || b.Expired(time.Now()) || !b.Expired(time.Now().Add(48*time.Hour)) {
		t.Errorf("leaf %v, expired now %v", b.Leaf().Subject, b.Expired(time.Now()))
	}
	got := b.LogValue().String()
	for _, want := range []string{"subject=CN=server", "issuer=CN=main test CA", "names=localhost,127.0.0.1,::1", "clientCAs=1", "serial=" + srv.Serial.Text(16)} {
		if !strings.Contains(got, want) {
			t.Errorf("log value %s lacks %s", got, want)
		}
	}
}

// listen serves h's configuration on a local port; each connection answers
// every line it reads with "ok" until the client closes it.
func listen(t *testing.T, h *certs.Holder) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tln := tls.NewListener(ln, h.TLSConfig())
	t.Cleanup(func() { _ = tln.Close() })
	go func() {
		for {
			c, err := tln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = c.Close() }()
				sc := bufio.NewScanner(c)
				for sc.Scan() {
					if _, err := c.Write([]byte("ok\n")); err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip writes a line on c and reads the answer.
func roundTrip(c *tls.Conn) error {
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err == nil && line != "ok\n" {
		err = errors.New("answered " + line)
	}
	return err
}

// dial connects with cfg and makes one exchange, which completes the
// handshake on both sides (under TLS 1.3 a refused client certificate
// shows at the first read).
func dial(addr string, cfg *tls.Config) (*tls.Conn, error) {
	c, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	if err := roundTrip(c); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

func TestHolderServesTheCurrentBundle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := tlstest.NewCA(t, dir, "main")
	first := ca.Server(t, "first")
	second := ca.Server(t, "second")
	load := func(f certs.Files) *certs.Bundle {
		b, err := certs.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	h := certs.NewHolder(load(certs.Files{Cert: first.CertFile, Key: first.KeyFile}))
	addr := listen(t, h)
	client := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost"}
	peer := func(c *tls.Conn) *x509.Certificate { return c.ConnectionState().PeerCertificates[0] }

	old, err := dial(addr, client)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = old.Close() }()
	if peer(old).SerialNumber.Cmp(first.Serial) != 0 {
		t.Fatalf("served %v, want the first certificate", peer(old).Subject)
	}
	if _, err := dial(addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", MaxVersion: tls.VersionTLS11}); err == nil {
		t.Error("a TLS 1.1 client was served")
	}

	// The second bundle asks for client certificates of its CA.
	clientCA := tlstest.NewCA(t, dir, "clients")
	h.Store(load(certs.Files{Cert: second.CertFile, Key: second.KeyFile, ClientCA: clientCA.CertFile}))
	if _, err := dial(addr, client); err == nil {
		t.Error("a client without a certificate was served under mutual TLS")
	}
	stranger := ca.Client(t, "stranger")
	if _, err := dial(addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{stranger.TLS}}); err == nil {
		t.Error("a client certificate of another CA was accepted")
	}
	agent := clientCA.Client(t, "agent")
	c, err := dial(addr, &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{agent.TLS}})
	if err != nil {
		t.Fatalf("a client with a certificate of the client CA: %v", err)
	}
	defer func() { _ = c.Close() }()
	if peer(c).SerialNumber.Cmp(second.Serial) != 0 {
		t.Errorf("after the swap served %v, want the second certificate", peer(c).Subject)
	}
	// The connection made before the swap carries on with its certificate.
	if err := roundTrip(old); err != nil {
		t.Fatalf("the established connection broke: %v", err)
	}
}
