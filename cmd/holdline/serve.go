package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/holdline/holdline/internal/access"
	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/clock"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/dispatch"
	"github.com/holdline/holdline/internal/server"
	"github.com/holdline/holdline/internal/store/sqlitestore"
	"github.com/holdline/holdline/internal/telemetry"
)

// serveFlags are the options of `holdline serve`.
type serveFlags struct {
	config    string
	addr      string
	data      string
	node      int
	logFormat string
	logLevel  string
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the platform (the embedded demo configuration unless --config is given)",
		Long: `Run Holdline: the PTK endpoint, the REST API, /healthz, /readyz and /metrics on one
listener. Without --config it serves the embedded demo configuration (tenants
VHTLab, Portree and VHT of the PTK reference's examples, open 24/7). State is
kept in a SQLite database under --data.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), f, cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (YAML); empty serves the embedded demo")
	fl.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fl.StringVar(&f.data, "data", "./holdline-data", "directory for the database")
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
	cfg, source, err := loadConfig(f.config)
	if err != nil {
		return err
	}
	settings := cfg.Settings
	dbPath := filepath.Join(f.data, "holdline.db")
	st, err := sqlitestore.Open(ctx, dbPath)
	if err != nil {
		return fmt.Errorf("open store %s: %w", dbPath, err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the store failed", "err", err)
			return
		}
		log.Info("store closed", "path", dbPath)
	}()

	metrics := telemetry.New(version)
	store := metrics.InstrumentStore(st)
	platform, err := callback.New(callback.Deps{Store: store, Clock: clock.System{}, Settings: settings, Node: f.node, Logger: log})
	if err != nil {
		return err
	}
	if err := platform.Start(ctx); err != nil {
		return fmt.Errorf("start the platform: %w", err)
	}
	metrics.WatchInteractions(platform.CountByState, log)
	tokens := access.NewTokens(cfg.Tokens)
	srv, err := server.New(server.Config{Platform: platform, Store: store, Metrics: metrics, Logger: log, Tokens: tokens})
	if err != nil {
		return err
	}
	if tokens.Empty() {
		log.Warn("the JSON API is open: no auth.tokens are configured, so anyone who can reach /api/v1/ may use it (docs/integration.md)")
	}
	worker, err := dispatch.New(dispatch.Config{Outbox: platform, Settings: settings, Logger: log, Observer: metrics,
		Owner: fmt.Sprintf("node-%d/%d", f.node, os.Getpid()), UserAgent: "Holdline/" + version,
		Backoff: dispatch.Backoff{Initial: cfg.Delivery.BackoffInitial, Max: cfg.Delivery.BackoffMax}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.addr, err)
	}
	log.Info("holdline listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String(),
		"config", source, "data", dbPath, "node", f.node, "version", version, "pid", os.Getpid())

	// The Queue Manager's timed work (launches, timeouts) and the outbox's
	// delivery stop with the server, before the store closes: the worker
	// lets the deliveries in flight finish and records them first.
	bgCtx, stopBG := context.WithCancel(ctx)
	qmDone, dispatchDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(qmDone)
		_ = platform.Run(bgCtx, callback.DefaultTickInterval)
	}()
	go func() {
		defer close(dispatchDone)
		_ = worker.Run(bgCtx)
	}()
	err = srv.Serve(ctx, ln)
	stopBG()
	<-qmDone
	<-dispatchDone
	log.Info("queue manager and delivery stopped")
	return err
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
