package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/certs"
	"github.com/holdline/holdline/internal/config"
)

// Each listener flag overrides its key of the configuration, alone.
func TestFlagsOverrideTheServerSection(t *testing.T) {
	t.Parallel()
	file := config.Server{Addr: ":8443", AdminAddr: "127.0.0.1:9090", TLS: certs.Files{Cert: "c.pem", Key: "k.pem", ClientCA: "ca.pem"}}
	cases := []struct {
		name  string
		flags serveFlags
		want  config.Server
	}{
		{"no flags", serveFlags{}, file},
		{"addresses", serveFlags{addr: "0.0.0.0:443", adminAddr: "10.0.0.1:9100"},
			config.Server{Addr: "0.0.0.0:443", AdminAddr: "10.0.0.1:9100", TLS: file.TLS}},
		{"one file", serveFlags{tlsKey: "other-key.pem"},
			config.Server{Addr: ":8443", AdminAddr: "127.0.0.1:9090", TLS: certs.Files{Cert: "c.pem", Key: "other-key.pem", ClientCA: "ca.pem"}}},
		{"every file", serveFlags{tlsCert: "a", tlsKey: "b", tlsClientCA: "c"},
			config.Server{Addr: ":8443", AdminAddr: "127.0.0.1:9090", TLS: certs.Files{Cert: "a", Key: "b", ClientCA: "c"}}},
	}
	for _, tc := range cases {
		if got := tc.flags.server(file); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// A reload that changes what only a restart applies says so, and changes
// nothing.
func TestReloadWarnsOfWhatNeedsARestart(t *testing.T) {
	t.Parallel()
	running := config.Server{Addr: "127.0.0.1:8080"}
	withTLS := config.Server{Addr: "127.0.0.1:8080", TLS: certs.Files{Cert: "c.pem", Key: "k.pem"}}
	cases := []struct {
		name             string
		flags            serveFlags
		running, newFile config.Server
		want             string
	}{
		{"unchanged", serveFlags{}, running, running, ""},
		{"new address", serveFlags{}, running, config.Server{Addr: ":9000"}, "the listen addresses changed: restart holdline to listen there"},
		{"the flag still wins", serveFlags{addr: "127.0.0.1:8080"}, running, config.Server{Addr: ":9000"}, ""},
		{"TLS on", serveFlags{}, running, withTLS, "TLS is configured now, but holdline started without it: restart holdline to serve HTTPS"},
		{"TLS off", serveFlags{}, withTLS, running, "TLS is no longer configured: restart holdline to serve plain HTTP; the running certificate is kept"},
	}
	for _, tc := range cases {
		var buf bytes.Buffer
		part := tc.flags.listenersPart(tc.running, slog.New(slog.NewTextHandler(&buf, nil)))
		ch, err := part.Prepare(context.Background(), &config.Config{Server: tc.newFile})
		if err != nil || ch.Install != nil {
			t.Errorf("%s: Prepare = %+v, %v; want no change", tc.name, ch, err)
		}
		if got := buf.String(); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: logged %q, want %q", tc.name, got, tc.want)
		}
	}
}
