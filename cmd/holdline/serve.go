package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/certs"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/dispatch"
	"github.com/holdline/holdline/internal/payload"
	"github.com/holdline/holdline/internal/reload"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/telemetry"
	"github.com/holdline/holdline/internal/throttle"
)

// serveFlags are the options of `holdline serve`. The listener flags
// override the configuration's server section key by key.
type serveFlags struct {
	config      string
	addr        string
	adminAddr   string
	tlsCert     string
	tlsKey      string
	tlsClientCA string
	data        string
	store       string
	node        int
	logFormat   string
	logLevel    string
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the platform (the embedded demo configuration unless --config is given)",
		Long: `Run Holdline: the PTK endpoint, the REST API, /healthz, /readyz and /metrics on one
listener (or the last three on --admin-addr). Without --config it serves the
embedded demo configuration (tenants VHTLab, Portree and VHT of the PTK
reference's examples, open 24/7). State is kept in a SQLite database under
--data, which one server at a time may use: it holds the folder's lock file
(holdline.lock) while it runs. With --store (or HOLDLINE_STORE, or the
configuration's store.url) it is kept in PostgreSQL instead, one server per
database for now.

With --tls-cert and --tls-key it serves HTTPS (TLS 1.2 or later); with
--tls-client-ca as well, only clients with a certificate of that CA (mutual
TLS). SIGHUP reads the configuration file and the certificate files again and
replaces the certificate for new connections; if anything does not load, the
running certificate is kept and the log says why. Each listener flag overrides
its key of the configuration's server section.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (YAML); empty serves the embedded demo")
	fl.StringVar(&f.addr, "addr", "", "address to listen on (default: the configuration's server.addr, "+config.DefaultAddr+")")
	fl.StringVar(&f.adminAddr, "admin-addr", "", "address of a second, plain-HTTP listener for /healthz, /readyz and /metrics,\nwhich leave the public one (default: the configuration's server.adminAddr; none)")
	fl.StringVar(&f.tlsCert, "tls-cert", "", "certificate chain (PEM) to serve HTTPS with (default: server.tls.cert)")
	fl.StringVar(&f.tlsKey, "tls-key", "", "the certificate's private key (PEM) (default: server.tls.key)")
	fl.StringVar(&f.tlsClientCA, "tls-client-ca", "", "CA certificates (PEM) clients must present a certificate of: mutual TLS\n(default: server.tls.clientCA)")
	fl.StringVar(&f.data, "data", defaultDataDir, "directory for the SQLite database (without --store, "+storeEnv+" or store.url)")
	fl.StringVar(&f.store, "store", "", "PostgreSQL URL of the database to run on (default: $"+storeEnv+", then the configuration's\nstore.url; none keeps the data in SQLite under --data)")
	fl.IntVar(&f.node, "node", 1, "this node's number (0-9999), written into interaction ids")
	fl.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	return cmd
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

func runServe(ctx context.Context, f serveFlags, logw io.Writer) error {
	log, err := newLogger(logw, f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	if !callback.ValidNode(f.node) {
		return fmt.Errorf("--node %d: want 0-9999", f.node)
	}
	tuneGC()
	// SIGHUP is caught from the start, so that one sent while the server
	// starts waits for the reloader instead of killing the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	cfg, source, err := loadConfig(f.config)
	if err != nil {
		return err
	}
	listen := f.server(cfg.Server)
	var certificate *certs.Holder
	if listen.TLS.Enabled() {
		b, err := f.loadTLS(listen.TLS, cfg.Server.TLS, log)
		if err != nil {
			return err
		}
		certificate = certs.NewHolder(b)
	}
	settings := cfg.Settings
	url, err := storeURL(f.store, cfg.Store, os.Getenv)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, url, f.data, log)
	if err != nil {
		return err
	}
	defer st.close()

	metrics := telemetry.New(version)
	store := metrics.InstrumentStore(st.Store)
	platform, err := callback.New(callback.Deps{Store: store, Clock: clock.System{}, Settings: settings, Node: f.node, Logger: log,
		Encoder: payload.Encoder{}})
	if err != nil {
		return err
	}
	if err := platform.Start(ctx); err != nil {
		return fmt.Errorf("start the platform: %w", err)
	}
	metrics.WatchInteractions(platform.Lifecycle.CountByState, log)
	tokens, creds := access.NewTokens(cfg.Tokens), access.NewCredentials(cfg.PTK, nil)
	limiter := throttle.New(limitsOf(cfg), nil, metrics)
	srv, err := server.New(server.Config{Platform: serverPlatform(platform), Store: store, Metrics: metrics, Logger: log,
		Tokens: tokens, Credentials: creds, Limiter: limiter})
	if err != nil {
		return err
	}
	warnOpen(log, tokens, creds)
	worker, err := dispatch.New(dispatch.Config{Outbox: platform.Delivery, Settings: settings, Logger: log, Observer: metrics,
		Owner: fmt.Sprintf("node-%d/%d", f.node, os.Getpid()), UserAgent: "Holdline/" + version,
		Backoff: cfg.Delivery.Backoff})
	if err != nil {
		return err
	}
	ls, err := openListeners(listen, certificate)
	if err != nil {
		return err
	}
	attrs := []any{"addr", ls.Public.Addr().String(), "url", listenURL(ls.Public, certificate != nil)}
	if ls.Admin != nil {
		attrs = append(attrs, "adminAddr", ls.Admin.Addr().String(), "adminURL", listenURL(ls.Admin, false))
	}
	if certificate != nil {
		attrs = append(attrs, "certificate", certificate.Current())
	}
	log.Info("holdline listening", append(attrs, "config", source, "store", st.where, "node", f.node, "version", version, "pid", os.Getpid())...)

	// SIGHUP reloads what can change without a restart: each part checks
	// its new value, and nothing changes unless all are good.
	reloader := reload.New(func(context.Context) (*config.Config, error) {
		c, _, err := loadConfig(f.config)
		return c, err
	}, log)
	reloader.Add(f.listenersPart(listen, log))
	reloader.Add(f.certificatePart(certificate, log))
	reloader.Add(credentialsPart(srv, log))
	reloader.Add(limitsPart(limiter))

	// The Queue Manager's timed work (launches, timeouts), the outbox's
	// delivery and the reloader stop with the server, before the store
	// closes: the worker lets the deliveries in flight finish and records
	// them first.
	bgCtx, stopBG := context.WithCancel(ctx)
	qmDone, dispatchDone, reloadDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(reloadDone)
		reloader.Run(bgCtx, hup)
	}()
	go func() {
		defer close(qmDone)
		_ = platform.QueueManager.Run(bgCtx, callback.DefaultTickInterval)
	}()
	go func() {
		defer close(dispatchDone)
		_ = worker.Run(bgCtx)
	}()
	err = srv.Serve(ctx, ls)
	stopBG()
	<-qmDone
	<-dispatchDone
	<-reloadDone
	log.Info("queue manager and delivery stopped")
	return err
}

// serverPlatform is the platform's parts as the server's fronts take them.
func serverPlatform(p *callback.Platform) server.Platform {
	return server.Platform{Lifecycle: p.Lifecycle, Queues: p.QueueManager, Launches: p.Delivery, Health: p}
}

// warnOpen says which fronts take requests without credentials.
func warnOpen(log *slog.Logger, tokens *access.Tokens, creds *access.Credentials) {
	if tokens.Empty() {
		log.Warn("the JSON API is open: no auth.tokens are configured, so anyone who can reach /api/v1/ may use it (docs/security.md)")
	}
	if creds.Empty() {
		log.Warn("the SOAP PTK is open: no auth.ptk credentials are configured, so anyone who can reach /ptk may use it; keep it behind network controls (docs/security.md)")
	}
}

// credentialsPart reloads the JSON API's tokens and the PTK's credentials:
// a request authenticated before keeps its principal, the nonces seen stay
// seen, and passwords are checked anew.
func credentialsPart(srv *server.Server, log *slog.Logger) reload.Part[*config.Config] {
	return reload.Part[*config.Config]{Name: "credentials", Prepare: func(_ context.Context, c *config.Config) (reload.Change, error) {
		tokens, creds := access.NewTokens(c.Tokens), access.NewCredentials(c.PTK, nil)
		return reload.Change{
			Install: func() {
				srv.SetTokens(tokens)
				srv.SetCredentials(creds)
				warnOpen(log, tokens, creds)
			},
			Attrs: []slog.Attr{slog.Int("tokens", tokens.Len()), slog.Int("ptkCredentials", creds.Len())},
		}, nil
	}}
}

// limitsOf is the limiter's configuration: the limits section, and the
// server section's trusted proxies.
func limitsOf(c *config.Config) throttle.Config {
	l := c.Limits
	l.TrustedProxies = c.Server.TrustedProxies
	return l
}

// limitsPart reloads the rates, exempt addresses and trusted proxies; the
// buckets are kept.
func limitsPart(l *throttle.Limiter) reload.Part[*config.Config] {
	return reload.Part[*config.Config]{Name: "limits", Prepare: func(_ context.Context, c *config.Config) (reload.Change, error) {
		lc := limitsOf(c)
		return reload.Change{Install: func() { l.SetConfig(lc) }, Attrs: []slog.Attr{
			slog.Float64("principal", lc.Principal.PerSecond), slog.Float64("address", lc.Address.PerSecond),
			slog.Float64("failedAuth", lc.FailedAuth.PerSecond), slog.Int("exempt", len(lc.Exempt)),
			slog.Int("trustedProxies", len(lc.TrustedProxies))}}, nil
	}}
}

// loadConfig reads the configuration file, or the embedded demo when path is empty.
func loadConfig(path string) (*config.Config, string, error) {
	if path == "" {
		return config.DemoConfig(), "embedded demo", nil
	}
	c, err := config.LoadConfig(path)
	if err != nil {
		return nil, "", err
	}
	return c, path, nil
}
