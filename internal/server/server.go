// Package server puts Holdline's fronts behind its HTTP listeners: the REST
// API and the PTK (SOAP and its JSON mirror) on the public one, with the
// JSON API's bearer tokens checked in front of everything under /api/v1/;
// the health and readiness probes and Prometheus metrics on the same one,
// or on a separate admin listener; and shuts them down gracefully.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/ptk"
	"github.com/holdline/holdline/internal/restapi"
	"github.com/holdline/holdline/internal/status"
	"github.com/holdline/holdline/internal/telemetry"
	"github.com/holdline/holdline/internal/throttle"
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

// Platform is what the server's fronts ask of the platform's parts.
type Platform struct {
	// Lifecycle serves the PTK and the REST API's interactions (the
	// platform's Lifecycle).
	Lifecycle interface {
		ptk.Domain
		restapi.Interactions
	}
	// Queues serves the queue resources (its QueueManager).
	Queues restapi.Queues
	// Launches serves dialers and the deliveries list (its Delivery).
	Launches restapi.Launches
	// Health says why the store refuses writes, or nil, for /readyz (the
	// platform itself).
	Health interface{ StoreError() error }
}

// Config is what the server is built from.
type Config struct {
	// Platform is the domain; required.
	Platform Platform
	// Store is pinged by /readyz, which also answers 503 while the
	// platform's store refuses writes (Platform.StoreError); required.
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
	// Credentials are the SOAP PTK's; none leaves /ptk open.
	Credentials *access.Credentials
	// Limiter bounds how fast each client may call the PTK and the JSON
	// API; nil: no limits.
	Limiter *throttle.Limiter
}

// Server is Holdline's HTTP server.
type Server struct {
	cfg Config
	// handler serves everything; public serves all but the probes and
	// metrics, which admin serves.
	handler, public, admin http.Handler
	api                    *restapi.API
	auth                   *restapi.Auth
	soap                   *ptk.Handler
}

// New builds the server's routes.
func New(cfg Config) (*Server, error) {
	if cfg.Platform.Lifecycle == nil || cfg.Platform.Queues == nil || cfg.Platform.Launches == nil || cfg.Platform.Health == nil ||
		cfg.Store == nil || cfg.Metrics == nil {
		return nil, errors.New("server: platform, store and metrics are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	api := restapi.NewAPI(restapi.Parts{Interactions: cfg.Platform.Lifecycle, Queues: cfg.Platform.Queues, Launches: cfg.Platform.Launches}, cfg.Logger, cfg.Metrics, uuid.NewString)
	pc := ptk.Config{Platform: cfg.Platform.Lifecycle, Logger: cfg.Logger, Observer: cfg.Metrics, NewID: uuid.NewString,
		Limits: cfg.PTK, Credentials: cfg.Credentials}
	var limiter restapi.Limiter
	if cfg.Limiter != nil { // a nil *Limiter in an interface would not be nil
		pc.Limiter, limiter = cfg.Limiter, cfg.Limiter
	}
	soap, err := ptk.New(pc)
	if err != nil {
		return nil, err
	}
	auth := restapi.NewAuth(cfg.Tokens, limiter, cfg.Logger, uuid.NewString)
	// Each listener gets its own mux with the routes it serves: every route
	// on one listener, or the probes and metrics apart on the admin one.
	all, public, admin := http.NewServeMux(), http.NewServeMux(), http.NewServeMux()
	for _, mux := range []*http.ServeMux{all, public} {
		api.Register(mux)
		soap.Register(mux)
	}
	for _, mux := range []*http.ServeMux{all, admin} {
		registerProbes(mux, cfg)
	}
	// The Go profiler answers only on a separate admin listener: an
	// operator's tool, never reachable where callers and integrators are.
	registerProfiler(admin)
	return &Server{cfg: cfg, api: api, auth: auth, soap: soap,
		handler: recoverer(cfg.Logger, auth.Protect(all)),
		public:  recoverer(cfg.Logger, auth.Protect(public)),
		admin:   recoverer(cfg.Logger, admin),
	}, nil
}

// registerProfiler adds net/http/pprof's handlers under /debug/pprof/.
func registerProfiler(mux *http.ServeMux) {
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
}

// registerProbes adds /healthz, /readyz and /metrics to mux.
func registerProbes(mux *http.ServeMux, cfg Config) {
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
		// A full disk still answers a ping: not ready while writes fail.
		// The platform logged the cause once when it turned.
		if err := cfg.Platform.Health.StoreError(); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, status.Message(err))
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(cfg.Metrics.Registry, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn)}))
}

// SetTokens replaces the JSON API's bearer tokens (a configuration reload)
// on every listener; requests in flight keep the principal they were given.
func (s *Server) SetTokens(t *access.Tokens) { s.auth.SetTokens(t) }

// SetCredentials replaces the SOAP PTK's credentials (a configuration
// reload); requests in flight keep the principal they were given.
func (s *Server) SetCredentials(c *access.Credentials) { s.soap.SetCredentials(c) }

// Handler is the server's root handler with every route, as one listener
// serves it (for tests with httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// Listeners are the sockets the server answers on.
type Listeners struct {
	// Public serves the PTK and the REST API, and the probes and metrics
	// unless Admin is set. Required; it may be a TLS listener.
	Public net.Listener
	// Admin, when not nil, serves /healthz, /readyz and /metrics, which
	// the public listener then answers 404 for.
	Admin net.Listener
}

// listener is one listener and the HTTP server answering on it.
type listener struct {
	ln net.Listener
	hs *http.Server
}

// Serve answers requests on the listeners until ctx is done, or one of
// them fails; then it stops accepting connections on all of them, lets
// in-flight requests finish (up to the shutdown timeout) and returns.
func (s *Server) Serve(ctx context.Context, ls Listeners) error {
	if ls.Public == nil {
		return errors.New("serve: no public listener")
	}
	list := []listener{{ls.Public, s.httpServer(ctx, s.handler)}}
	if ls.Admin != nil {
		list = []listener{{ls.Public, s.httpServer(ctx, s.public)}, {ls.Admin, s.httpServer(ctx, s.admin)}}
	}
	list[0].hs.RegisterOnShutdown(s.api.Shutdown) // waiting launch claims answer at once
	errc := make(chan error, len(list))
	for _, l := range list {
		go func() {
			err := l.hs.Serve(l.ln)
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			} else {
				err = fmt.Errorf("serve %s: %w", l.ln.Addr(), err)
			}
			errc <- err
		}()
	}
	var errs []error
	running := len(list)
	select {
	case err := <-errc:
		errs = append(errs, err)
		running--
	case <-ctx.Done():
	}
	s.cfg.Logger.Info("shutting down: finishing in-flight requests", "timeout", s.cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	shut := make(chan error, len(list))
	for _, l := range list {
		go func() {
			if err := l.hs.Shutdown(sctx); err != nil {
				shut <- fmt.Errorf("shutdown %s: %w", l.ln.Addr(), err)
				return
			}
			shut <- nil
		}()
	}
	for range list {
		errs = append(errs, <-shut)
	}
	for ; running > 0; running-- {
		errs = append(errs, <-errc)
	}
	return errors.Join(errs...)
}

// httpServer is the HTTP server of one listener.
func (s *Server) httpServer(ctx context.Context, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
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
