package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/webhook"
)

// The reference dialer receiving pushed launches (--listen): a signed HTTP
// endpoint the platform posts each launch to, as a dialer behind no firewall
// would run.

// serve receives pushed launches on f.listen until ctx ends.
func (d *dialer) serve(ctx context.Context) error {
	ln, err := net.Listen("tcp", d.f.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", d.f.listen, err)
	}
	jobs := make(chan job, 1024)
	wg := d.lines(jobs)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { d.receive(w, r, jobs) }),
		ReadHeaderTimeout: 10 * time.Second}
	d.log.Info("dialer listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String(), "signed", d.f.secret != "")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
	}
	close(jobs)
	wg.Wait()
	d.log.Info("dialer stopped")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// receive takes one pushed launch: checked, acknowledged (200), queued.
func (d *dialer) receive(w http.ResponseWriter, r *http.Request, jobs chan<- job) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "POST a launch", http.StatusBadRequest)
		return
	}
	if d.f.secret != "" {
		if err := webhook.VerifyRequest(d.f.secret, r.Header, body, time.Now(), webhook.DefaultTolerance); err != nil {
			d.log.Warn("launch refused: bad signature", "err", err)
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
	}
	var l payload.Launch
	if err := json.Unmarshal(body, &l); err != nil || l.Key == "" {
		http.Error(w, "not a launch", http.StatusBadRequest)
		return
	}
	key := r.Header.Get(webhook.HeaderIdempotencyKey)
	d.mu.Lock()
	dup := d.seen[key]
	d.seen[key] = true
	d.mu.Unlock()
	w.WriteHeader(http.StatusOK) // acknowledged, also when seen before
	if dup {
		d.log.Info("launch received again; already in hand", "key", key)
		return
	}
	jobs <- job{l, d.pick.pick(l.Attempt)}
}
