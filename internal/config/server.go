package config

import (
	"errors"
	"net"
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/holdline/holdline/internal/certs"
)

// The schema of the server section: the listeners' addresses and TLS.

// Server is where and how `holdline serve` listens; its flags override
// each key.
type Server struct {
	// Addr is the public listener's address (PTK, REST API, and the probes
	// and metrics unless AdminAddr is set).
	Addr string
	// AdminAddr, when set, is the address of a second, plain-HTTP listener
	// that takes /healthz, /readyz and /metrics off the public one.
	AdminAddr string
	// TLS names the public listener's certificate, key and client CAs; all
	// empty serves plain HTTP. The files were checked when the
	// configuration was read.
	TLS certs.Files
}

// DefaultAddr is the public listener's address when neither the file nor
// --addr names one: this machine only.
const DefaultAddr = "127.0.0.1:8080"

// newServer returns the server section with every default applied.
func newServer() Server { return Server{Addr: DefaultAddr} }

// server reads the server section.
func (w *walker) server(n *yaml.Node, path string, s *Server) {
	w.object(n, path, fields{
		"addr": func(v *yaml.Node, p string) {
			if a, ok := w.listenAddr(v, p); ok && a != "" {
				s.Addr = a
			} else if ok {
				w.report(deref(v), p, "must not be empty")
			}
		},
		"adminAddr": func(v *yaml.Node, p string) { setIf(&s.AdminAddr)(w.listenAddr(v, p)) },
		"tls":       func(v *yaml.Node, p string) { w.tls(v, p, &s.TLS) },
	})
}

// listenAddr reads host:port ("" is allowed: the caller decides what it means).
func (w *walker) listenAddr(n *yaml.Node, path string) (string, bool) {
	s, ok := w.text(n, path)
	if !ok || s == "" {
		return s, ok
	}
	_, port, err := net.SplitHostPort(s)
	if p, perr := strconv.Atoi(port); err != nil || perr != nil || p < 0 || p > 65535 {
		w.report(deref(n), path, "%q is not a listen address: host:port, as 127.0.0.1:8080, [::1]:8443 or :8443 (every interface)", s)
		return "", false
	}
	return s, true
}

// tls reads the TLS files and loads them, reporting each problem at the key
// of its file; the files are kept only when they load.
func (w *walker) tls(n *yaml.Node, path string, into *certs.Files) {
	var f certs.Files
	bad := false
	file := func(dst *string) func(v *yaml.Node, p string) {
		return func(v *yaml.Node, p string) {
			s, ok := w.text(v, p)
			switch {
			case !ok:
				bad = true
			case s != "" && !filepath.IsAbs(s) && w.dir != "":
				*dst = filepath.Join(w.dir, s)
			default:
				*dst = s
			}
		}
	}
	present := w.object(n, path, fields{"cert": file(&f.Cert), "key": file(&f.Key), "clientCA": file(&f.ClientCA)})
	if present == nil || bad || !f.Enabled() {
		return
	}
	if _, err := certs.Load(f); err != nil {
		var cerr *certs.Error
		if !errors.As(err, &cerr) {
			w.report(deref(n), path, "%v", err)
			return
		}
		for _, p := range cerr.Problems {
			w.report(keyLine(present, string(p.Role), n), join(path, string(p.Role)), "%s", p.Message)
		}
		return
	}
	*into = f
}
