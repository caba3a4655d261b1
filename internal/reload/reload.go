// Package reload replaces the reloadable parts of a running server's
// configuration (its TLS certificate, and whatever else registers) when
// told to, as on SIGHUP. It reads the configuration afresh, has every part
// read and check its new value, and installs them only when all are good:
// a bad file changes nothing, and the log says why.
package reload

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
)

// Part is one reloadable part of the running configuration.
type Part[C any] struct {
	// Name says what the part is, in the log ("certificate", "tokens").
	Name string
	// Prepare reads and checks the part's new value from the freshly loaded
	// configuration, without installing it. It returns the change to
	// install (a zero Change when there is nothing to do), or why the new
	// value cannot be used.
	Prepare func(ctx context.Context, c C) (Change, error)
}

// Change is a part's checked new value, ready to install.
type Change struct {
	// Install puts the new value in place. It runs only once every part
	// has prepared its change, and must not fail.
	Install func()
	// Attrs describe the new value in the log line of the reload.
	Attrs []slog.Attr
}

// Reloader reloads the parts registered with it, one reload at a time.
type Reloader[C any] struct {
	load  func(ctx context.Context) (C, error)
	log   *slog.Logger
	mu    sync.Mutex
	parts []Part[C]
}

// New returns a reloader that reads the configuration with load.
func New[C any](load func(ctx context.Context) (C, error), log *slog.Logger) *Reloader[C] {
	if log == nil {
		log = slog.Default()
	}
	return &Reloader[C]{load: load, log: log}
}

// Add registers a part; parts prepare and install in the order added.
func (r *Reloader[C]) Add(p Part[C]) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.parts = append(r.parts, p)
}

// Reload reads the configuration and every part's new value, and installs
// them all only if none failed. It logs "reloaded" with what changed, or
// at error level why nothing did, and returns that error.
func (r *Reloader[C]) Reload(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.reload(ctx)
	if err != nil {
		r.log.ErrorContext(ctx, "reload failed: the running configuration is kept", "err", err)
	}
	return err
}

func (r *Reloader[C]) reload(ctx context.Context) error {
	c, err := r.load(ctx)
	if err != nil {
		return err
	}
	var (
		changes []Change
		names   = []string{} // logged as [] when nothing changed
		attrs   []any
	)
	for _, p := range r.parts {
		ch, err := p.Prepare(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		if ch.Install == nil {
			continue
		}
		changes = append(changes, ch)
		names = append(names, p.Name)
		attrs = append(attrs, slog.Attr{Key: p.Name, Value: slog.GroupValue(ch.Attrs...)})
	}
	for _, ch := range changes {
		ch.Install()
	}
	r.log.InfoContext(ctx, "reloaded", append([]any{"parts", names}, attrs...)...)
	return nil
}

// Run reloads on every signal received from signals until ctx is done.
func (r *Reloader[C]) Run(ctx context.Context, signals <-chan os.Signal) {
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-signals:
			r.log.InfoContext(ctx, "reloading", "signal", sig.String())
			_ = r.Reload(ctx) // logged
		}
	}
}
