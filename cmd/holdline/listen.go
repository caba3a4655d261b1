package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/holdline/holdline/internal/certs"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/reload"
	"github.com/holdline/holdline/internal/server"
)

// The listeners of `holdline serve`: where they listen, their TLS, and
// what SIGHUP reloads of them.

// server returns the configuration's server section with the flags that
// were given written over it.
func (f serveFlags) server(c config.Server) config.Server {
	for _, o := range []struct {
		dst  *string
		flag string
	}{
		{&c.Addr, f.addr}, {&c.AdminAddr, f.adminAddr},
		{&c.TLS.Cert, f.tlsCert}, {&c.TLS.Key, f.tlsKey}, {&c.TLS.ClientCA, f.tlsClientCA},
	} {
		if o.flag != "" {
			*o.dst = o.flag
		}
	}
	return c
}

// loadTLS loads the TLS files, naming each problem by the flag or the
// configuration key it came from (fromFile is the configuration's files),
// and warns of a certificate out of its validity period.
func (f serveFlags) loadTLS(files, fromFile certs.Files, log *slog.Logger) (*certs.Bundle, error) {
	b, err := certs.Load(files)
	var cerr *certs.Error
	if errors.As(err, &cerr) {
		msgs := make([]string, len(cerr.Problems))
		for i, p := range cerr.Problems {
			msgs[i] = f.tlsSource(p.Role, fromFile) + ": " + p.Message
		}
		return nil, fmt.Errorf("TLS: %s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	if b.Expired(time.Now()) {
		log.Warn("the TLS certificate is not valid now: clients will refuse it", "notBefore", b.Leaf().NotBefore, "notAfter", b.Leaf().NotAfter, "file", files.Cert)
	}
	return b, nil
}

// tlsSource names where the file of role was given: its flag, or its key
// in the configuration file when only the file names it.
func (f serveFlags) tlsSource(role certs.Role, fromFile certs.Files) string {
	flag, fromFlag, inFile := "--tls-cert", f.tlsCert, fromFile.Cert
	switch role {
	case certs.RoleKey:
		flag, fromFlag, inFile = "--tls-key", f.tlsKey, fromFile.Key
	case certs.RoleClientCA:
		flag, fromFlag, inFile = "--tls-client-ca", f.tlsClientCA, fromFile.ClientCA
	}
	if fromFlag == "" && inFile != "" {
		return "server.tls." + string(role)
	}
	return flag
}

// openListeners opens the public listener (TLS with certificate, when not
// nil) and the admin listener, if any.
func openListeners(s config.Server, certificate *certs.Holder) (server.Listeners, error) {
	var ls server.Listeners
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return ls, fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	if s.AdminAddr != "" {
		if ls.Admin, err = net.Listen("tcp", s.AdminAddr); err != nil {
			_ = ln.Close()
			return ls, fmt.Errorf("listen on --admin-addr %s: %w", s.AdminAddr, err)
		}
	}
	if certificate != nil {
		ln = tls.NewListener(ln, certificate.TLSConfig())
	}
	ls.Public = ln
	return ls, nil
}

// listenURL is the base URL of a listener.
func listenURL(ln net.Listener, https bool) string {
	if https {
		return "https://" + ln.Addr().String()
	}
	return "http://" + ln.Addr().String()
}

// listenersPart warns on reload of listener settings that only a restart
// applies; it never changes anything itself.
func (f serveFlags) listenersPart(running config.Server, log *slog.Logger) reload.Part[*config.Config] {
	return reload.Part[*config.Config]{Name: "listeners", Prepare: func(ctx context.Context, c *config.Config) (reload.Change, error) {
		next := f.server(c.Server)
		if next.Addr != running.Addr || next.AdminAddr != running.AdminAddr {
			log.WarnContext(ctx, "the listen addresses changed: restart holdline to listen there",
				"addr", running.Addr, "newAddr", next.Addr, "adminAddr", running.AdminAddr, "newAdminAddr", next.AdminAddr)
		}
		switch was, is := running.TLS.Enabled(), next.TLS.Enabled(); {
		case !was && is:
			log.WarnContext(ctx, "TLS is configured now, but holdline started without it: restart holdline to serve HTTPS")
		case was && !is:
			log.WarnContext(ctx, "TLS is no longer configured: restart holdline to serve plain HTTP; the running certificate is kept")
		}
		return reload.Change{}, nil
	}}
}

// certificatePart reloads the TLS files into the certificate the listener
// serves (nil: holdline runs without TLS, and nothing reloads).
func (f serveFlags) certificatePart(certificate *certs.Holder, log *slog.Logger) reload.Part[*config.Config] {
	return reload.Part[*config.Config]{Name: "certificate", Prepare: func(_ context.Context, c *config.Config) (reload.Change, error) {
		next := f.server(c.Server)
		if certificate == nil || !next.TLS.Enabled() {
			return reload.Change{}, nil // the listeners part says so
		}
		b, err := f.loadTLS(next.TLS, c.Server.TLS, log)
		if err != nil {
			return reload.Change{}, err
		}
		return reload.Change{Install: func() { certificate.Store(b) }, Attrs: b.LogValue().Group()}, nil
	}}
}
