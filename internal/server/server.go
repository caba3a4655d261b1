// Package server puts Holdline's fronts behind one HTTP listener: the health
// and readiness probes, Prometheus metrics, the REST API and the PTK (SOAP
// and its JSON mirror), with the JSON API's bearer tokens checked in front
// of everything under /api/v1/, and shuts them down gracefully.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/console"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/telemetry"
)

// Default timeouts of the HTTP server.
const (
	// DefaultShutdownTimeout is how long in-flight requests get to finish on shutdown.
	DefaultShutdownTimeout = 30 * time.Second
	readHeaderTimeout      = 10 * time.Second
	readTimeout            = 60 * time.Second
	writeTimeout           = 60 * time.Second
	idleTimeout            = 120 * time.Second
	readyTimeout           = 2 * time.Second
)

// Config is what the server is built from.
type Config struct {
	// Platform is the domain service; required.
	Platform *callback.Platform
	// Store is pinged by /readyz; required.
	Store callback.Store
	// Metrics are served at /metrics; required.
	Metrics *telemetry.Metrics
	// Logger receives request and lifecycle logs; default slog.Default().
	Logger *slog.Logger
	// ShutdownTimeout bounds the graceful shutdown (default 30 s).
	ShutdownTimeout time.Duration
	// PTK bounds one PTK request (body size, nesting, tokens); zero fields take the defaults.
	PTK ptk.Limits
	// Tokens are the JSON API's bearer tokens; none leaves /api/v1/ open.
	Tokens *access.Tokens
}

// Server is Holdline's HTTP server.
type Server struct {
	cfg     Config
	handler http.Handler
	api     *console.API
	auth    *console.Auth
}

// New builds the server's routes.
func New(cfg Config) (*Server, error) {
	if cfg.Platform == nil || cfg.Store == nil || cfg.Metrics == nil {
		return nil, errors.New("server: platform, store and metrics are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := cfg.Store.Ping(ctx); err != nil {
			cfg.Logger.WarnContext(ctx, "not ready: store unreachable", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "store unreachable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Metrics.Registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}))
	api := console.NewAPI(cfg.Platform, cfg.Logger, cfg.Metrics, uuid.NewString)
	api.Register(mux)
	soap, err := ptk.New(ptk.Config{Platform: cfg.Platform, Logger: cfg.Logger, Observer: cfg.Metrics, NewID: uuid.NewString, Limits: cfg.PTK})
	if err != nil {
		return nil, err
	}
	soap.Register(mux)
	auth := console.NewAuth(cfg.Tokens, cfg.Logger, uuid.NewString)
	return &Server{cfg: cfg, handler: recoverer(cfg.Logger, auth.Protect(mux)), api: api, auth: auth}, nil
}

// SetTokens replaces the JSON API's bearer tokens (a configuration reload);
// requests in flight keep the principal they were given.
func (s *Server) SetTokens(t *access.Tokens) { s.auth.SetTokens(t) }

// Handler is the server's root handler (for tests with httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until ctx is done, then stops accepting
// connections, lets in-flight requests finish (up to the shutdown timeout)
// and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	hs.RegisterOnShutdown(s.api.Shutdown) // waiting launch claims answer at once
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.cfg.Logger.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// recoverer turns a panic in a handler into a 500 and a log line instead of
// a dropped connection.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				log.ErrorContext(r.Context(), "handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
