package server_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/server"
)

// listen opens a listener on a free local port.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// serve runs s on ls until the returned stop is called; stop returns what
// Serve returned.
func serve(t *testing.T, s *server.Server, ls server.Listeners) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ls) }()
	t.Cleanup(cancel)
	return func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("Serve did not return after its context was cancelled")
			return nil
		}
	}
}

// With an admin listener, the probes and metrics move there: the public
// listener answers 404 for them and the admin one serves nothing else.
// Both stop on shutdown.
func TestAdminListener(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	public, admin := listen(t), listen(t)
	stop := serve(t, s, server.Listeners{Public: public, Admin: admin})
	pub, adm := "http://"+public.Addr().String(), "http://"+admin.Addr().String()
	cases := []struct {
		base, path string
		want       int
	}{
		{pub, "/healthz", 404}, {pub, "/readyz", 404}, {pub, "/metrics", 404},
		{pub, "/ptk?wsdl", 200}, {pub, "/api/v1/tenants/VHT/queues/VHT_Test", 200},
		{adm, "/healthz", 200}, {adm, "/readyz", 200}, {adm, "/metrics", 200},
		{adm, "/ptk?wsdl", 404}, {adm, "/api/v1/tenants/VHT/queues/VHT_Test", 404},
	}
	for _, tc := range cases {
		if code, _ := do(t, "GET", tc.base+tc.path, ""); code != tc.want {
			t.Errorf("GET %s on the %s listener = %d, want %d", tc.path, map[string]string{pub: "public", adm: "admin"}[tc.base], code, tc.want)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("Serve = %v", err)
	}
	for _, base := range []string{pub, adm} {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			t.Errorf("%s still answers after shutdown", base)
		}
	}
}

// A listener that fails stops the other one too, and Serve says which.
func TestServeStopsWhenAListenerFails(t *testing.T) {
	t.Parallel()
	s, _ := newServer(t)
	public, admin := listen(t), listen(t)
	_ = admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := s.Serve(ctx, server.Listeners{Public: public, Admin: admin})
	if err == nil || !strings.Contains(err.Error(), "serve "+admin.Addr().String()) || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Serve = %v, want the admin listener's error", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Serve waited for its context")
	}
	if c, err := net.Dial("tcp", public.Addr().String()); err == nil {
		_ = c.Close()
		t.Error("the public listener still accepts connections")
	}
}
