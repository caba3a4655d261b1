// Package tlstest makes certificate chains for tests: a certificate
// authority generated on the spot, server and client certificates it signs,
// written as PEM files the way an operator would install them. Only tests
// import it.
package tlstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a certificate authority of a test.
type CA struct {
	// Cert is the CA's certificate; CertFile holds it as PEM.
	Cert     *x509.Certificate
	CertFile string
	key      *ecdsa.PrivateKey
	dir      string
}

// Pool returns a pool that trusts only this CA.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}

// Issued is a certificate signed by a CA, with its key, in memory and as
// PEM files.
type Issued struct {
	// Cert is the certificate; Serial is its serial number, which tells
	// two certificates of one name apart.
	Cert   *x509.Certificate
	Serial *big.Int
	// CertFile and KeyFile are the PEM files of the certificate and its
	// unencrypted PKCS#8 key.
	CertFile, KeyFile string
	// TLS is the pair, ready for a tls.Config.
	TLS tls.Certificate
}

// NewCA generates a CA named name, writing its certificate to
// name-ca.pem in dir.
func NewCA(t testing.TB, dir, name string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          newSerial(t),
		Subject:               pkix.Name{CommonName: name + " test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	ca := &CA{Cert: cert, key: key, dir: dir, CertFile: filepath.Join(dir, name+"-ca.pem")}
	WriteFile(t, ca.CertFile, pemBlock("CERTIFICATE", der))
	return ca
}

// Server issues a server certificate for 127.0.0.1, ::1 and localhost with
// the common name cn, written to cn.pem and cn-key.pem in the CA's folder
// (replacing the files of an earlier certificate of the same name).
func (ca *CA) Server(t testing.TB, cn string) *Issued {
	t.Helper()
	return ca.issue(t, cn, x509.ExtKeyUsageServerAuth, func(c *x509.Certificate) {
		c.DNSNames = []string{"localhost"}
		c.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	})
}

// Client issues a client certificate with the common name cn, written to
// cn.pem and cn-key.pem in the CA's folder.
func (ca *CA) Client(t testing.TB, cn string) *Issued {
	t.Helper()
	return ca.issue(t, cn, x509.ExtKeyUsageClientAuth, func(*x509.Certificate) {})
}

func (ca *CA) issue(t testing.TB, cn string, usage x509.ExtKeyUsage, edit func(*x509.Certificate)) *Issued {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber: newSerial(t),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	edit(tmpl)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := pemBlock("CERTIFICATE", der), pemBlock("PRIVATE KEY", keyDER)
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	is := &Issued{Cert: pair.Leaf, Serial: pair.Leaf.SerialNumber, TLS: pair,
		CertFile: filepath.Join(ca.dir, cn+".pem"), KeyFile: filepath.Join(ca.dir, cn+"-key.pem")}
	WriteFile(t, is.CertFile, certPEM)
	WriteFile(t, is.KeyFile, keyPEM)
	return is
}

// WriteFile replaces the file at path with data the way deployment tools
// do: written aside, then renamed over the old one, so that a reader sees
// the old file or the new one, never half of one.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// CopyFile writes the contents of src to dst (with WriteFile).
func CopyFile(t testing.TB, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	WriteFile(t, dst, data)
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newSerial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}
