// Package certs loads the TLS server's certificate, its key and the client
// CA bundle from PEM files, saying which file is wrong and why, and holds
// the loaded set for the listener: a reload (SIGHUP) replaces it for the
// handshakes that follow while established connections carry on.
package certs

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// MinVersion is the oldest protocol the server accepts: TLS 1.2.
const MinVersion = tls.VersionTLS12

// maxFileSize bounds what is read of one file: a PEM bundle of hundreds of
// CA certificates is well under it, and a wrong path to a large file does
// not fill the memory.
const maxFileSize = 1 << 20

// Files names the PEM files of a TLS server.
type Files struct {
	// Cert is the certificate chain, the server's certificate first.
	Cert string
	// Key is the certificate's private key, unencrypted (PKCS#8, PKCS#1 or SEC 1).
	Key string
	// ClientCA, when set, holds the CA certificates that clients'
	// certificates must chain to: clients without one are refused (mutual TLS).
	ClientCA string
}

// Enabled reports whether the files ask for TLS at all.
func (f Files) Enabled() bool { return f != Files{} }

// Role says which of the files a problem is about. Its values are the keys
// of the configuration file's server.tls section.
type Role string

// The roles of the files.
const (
	RoleCert     Role = "cert"
	RoleKey      Role = "key"
	RoleClientCA Role = "clientCA"
)

// Problem is what is wrong with one of the files.
type Problem struct {
	Role    Role
	Message string
}

// Error lists every problem found by Load.
type Error struct {
	Problems []Problem
}

// Error renders the problems as "ROLE: MESSAGE", separated by "; ".
func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = string(p.Role) + ": " + p.Message
	}
	return strings.Join(parts, "; ")
}

// Bundle is a loaded, checked set of files: what one handshake uses.
type Bundle struct {
	// Files are the files the bundle was read from.
	Files Files
	// Certificate is the server's chain and key, with its Leaf parsed.
	Certificate tls.Certificate
	// ClientCAs trusts the client CA file's certificates; nil without one.
	ClientCAs *x509.CertPool
	// clientCACount is how many certificates the client CA file holds.
	clientCACount int
	// config is the TLS configuration of a handshake with this bundle,
	// built once so that concurrent handshakes share it.
	config *tls.Config
}

// Load reads and checks the files. A cert needs its key and a key its
// cert; a client CA needs both. When anything is wrong it returns an *Error
// listing every problem, each with the role of its file.
func Load(f Files) (*Bundle, error) {
	var problems []Problem
	add := func(r Role, format string, args ...any) {
		problems = append(problems, Problem{Role: r, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case f.Cert == "" && f.Key == "" && f.ClientCA != "":
		add(RoleClientCA, "needs a cert and a key as well: mutual TLS is TLS that also asks the client for a certificate")
	case f.Cert == "" && f.Key != "":
		add(RoleCert, "is required with a key")
	case f.Cert != "" && f.Key == "":
		add(RoleKey, "is required with a cert")
	}
	var certPEM, keyPEM []byte
	if f.Cert != "" {
		certPEM = readPEM(f.Cert, RoleCert, add, checkCerts)
	}
	if f.Key != "" {
		keyPEM = readPEM(f.Key, RoleKey, add, checkKey)
	}
	b := &Bundle{Files: f}
	if f.ClientCA != "" {
		if data := readPEM(f.ClientCA, RoleClientCA, add, checkCerts); data != nil {
			b.ClientCAs = x509.NewCertPool()
			for _, c := range parseCerts(data) {
				b.ClientCAs.AddCert(c)
				b.clientCACount++
			}
		}
	}
	if certPEM != nil && keyPEM != nil {
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			add(RoleKey, "%q does not load with the certificate in %q: %s", f.Key, f.Cert, strings.TrimPrefix(err.Error(), "tls: "))
		}
		b.Certificate = pair
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	if !f.Enabled() {
		return nil, errors.New("certs: no files to load")
	}
	b.config = &tls.Config{
		MinVersion:   MinVersion,
		Certificates: []tls.Certificate{b.Certificate},
		NextProtos:   []string{"h2", "http/1.1"},
	}
	if b.ClientCAs != nil {
		b.config.ClientAuth = tls.RequireAndVerifyClientCert
		b.config.ClientCAs = b.ClientCAs
	}
	return b, nil
}

// readPEM reads the file at path and checks its contents with check; on
// any problem it reports it under role and returns nil.
func readPEM(path string, role Role, add func(Role, string, ...any), check func(path string, data []byte) error) []byte {
	data, err := readFile(path)
	if err == nil {
		err = check(path, data)
	}
	if err != nil {
		add(role, "%v", err)
		return nil
	}
	return data
}

// readFile reads a regular file of at most maxFileSize bytes; a device or
// a pipe named by mistake is refused rather than read forever.
func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, unwrapPath(err))
	}
	defer func() { _ = f.Close() }() // read-only
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", path, unwrapPath(err))
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%q is larger than %d KiB: it is not a PEM file", path, maxFileSize>>10)
	}
	return data, nil
}

// unwrapPath drops the operation and path of a file error, which the
// messages above already say.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// blocks returns the PEM blocks of data.
func blocks(data []byte) []*pem.Block {
	var out []*pem.Block
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return out
		}
		out = append(out, b)
	}
}

// checkCerts accepts a file of one or more PEM certificates that parse.
func checkCerts(path string, data []byte) error {
	n, hasKey := 0, false
	for _, b := range blocks(data) {
		switch {
		case b.Type == "CERTIFICATE":
			n++
			if _, err := x509.ParseCertificate(b.Bytes); err != nil {
				return fmt.Errorf("certificate %d of %q does not parse: %w", n, path, err)
			}
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			hasKey = true
		}
	}
	switch {
	case n > 0:
		return nil
	case hasKey:
		return fmt.Errorf("%q holds a private key, not a certificate (are cert and key swapped?)", path)
	}
	return fmt.Errorf(`%q holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`, path)
}

// checkKey accepts a file with an unencrypted PEM private key.
func checkKey(path string, data []byte) error {
	hasCert := false
	for _, b := range blocks(data) {
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY" || b.Headers["Proc-Type"] == "4,ENCRYPTED":
			return fmt.Errorf("%q is encrypted: give an unencrypted key and protect it with the file's permissions", path)
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			return nil
		case b.Type == "CERTIFICATE":
			hasCert = true
		}
	}
	if hasCert {
		return fmt.Errorf("%q holds a certificate, not a private key (are cert and key swapped?)", path)
	}
	return fmt.Errorf(`%q holds no PEM private key ("-----BEGIN PRIVATE KEY-----")`, path)
}

// parseCerts returns the certificates of a file checkCerts accepted.
func parseCerts(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for _, b := range blocks(data) {
		if b.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(b.Bytes); err == nil {
			out = append(out, c)
		}
	}
	return out
}

// Leaf is the server's own certificate.
func (b *Bundle) Leaf() *x509.Certificate { return b.Certificate.Leaf }

// Expired reports whether the server's certificate is out of its validity
// period at now (clients will refuse it).
func (b *Bundle) Expired(now time.Time) bool {
	l := b.Leaf()
	return now.Before(l.NotBefore) || now.After(l.NotAfter)
}

// LogValue describes the bundle in logs: the certificate's subject, issuer,
// names, serial number and end of validity, and the client CA file.
func (b *Bundle) LogValue() slog.Value {
	l := b.Leaf()
	attrs := []slog.Attr{
		slog.String("file", b.Files.Cert),
		slog.String("subject", l.Subject.String()),
		slog.String("issuer", l.Issuer.String()),
		slog.String("serial", l.SerialNumber.Text(16)),
		slog.Time("notAfter", l.NotAfter),
	}
	if names := append(append([]string{}, l.DNSNames...), ipStrings(l)...); len(names) > 0 {
		attrs = append(attrs, slog.String("names", strings.Join(names, ",")))
	}
	if b.ClientCAs != nil {
		attrs = append(attrs, slog.String("clientCA", b.Files.ClientCA), slog.Int("clientCAs", b.clientCACount))
	}
	return slog.GroupValue(attrs...)
}

func ipStrings(c *x509.Certificate) []string {
	out := make([]string, len(c.IPAddresses))
	for i, ip := range c.IPAddresses {
		out[i] = ip.String()
	}
	return out
}

// Holder holds the bundle the listener serves. Replacing it affects the
// handshakes that follow; connections already established keep theirs.
type Holder struct {
	cur atomic.Pointer[Bundle]
}

// NewHolder returns a holder serving b.
func NewHolder(b *Bundle) *Holder {
	h := &Holder{}
	h.cur.Store(b)
	return h
}

// Current returns the bundle being served.
func (h *Holder) Current() *Bundle { return h.cur.Load() }

// Store makes b the bundle of the handshakes that follow.
func (h *Holder) Store(b *Bundle) { h.cur.Store(b) }

// TLSConfig returns the listener's configuration: TLS 1.2 or later, with
// the certificate, and the client CAs, of the bundle current at each
// handshake. Each bundle has its own session-ticket keys, so a session of
// an older bundle is not resumed under a newer one (whose client CAs may
// differ): the client makes a full handshake instead.
func (h *Holder) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: MinVersion,
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			return h.cur.Load().config, nil
		},
	}
}
