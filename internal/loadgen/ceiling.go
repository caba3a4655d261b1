package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// The group commit of the durable ceiling, unless told otherwise.
const (
	// DefaultFsyncBatch is the most appends one write and fsync carries:
	// as many as the closed loop has connections, so that one commit can
	// hold every request in flight.
	DefaultFsyncBatch = 128
	// DefaultFsyncWindow is how long the committer waits, after the first
	// append of a batch, for more to join it (unless the batch fills).
	DefaultFsyncWindow = 250 * time.Microsecond
)

// CeilingConfig is what a ceiling server answers and where it appends.
type CeilingConfig struct {
	// ReadAnswer and WriteAnswer are the bytes answered to a read and to a
	// write: a real GetSegmentState and AddInteraction answer of the
	// server, so that both send the same bytes.
	ReadAnswer, WriteAnswer []byte
	// ContentType is the answers' Content-Type, as the server sends it.
	ContentType string
	// AppendPath is the file the writes' bodies are appended to.
	AppendPath string
	// Batch and Window are the group commit's limit and window.
	Batch  int
	Window time.Duration
}

// Ceiling is the best a server could do on this machine with the same
// HTTP stack: it answers a read (GetSegmentState) with canned bytes, and a
// write (AddInteraction) only once its body is appended to a file and an
// fsync that covers it has returned — appends batched by one committer,
// many sharing an fsync (group commit), as a durable store at its best.
type Ceiling struct {
	cfg     CeilingConfig
	file    *os.File
	appends chan *pendingAppend
	pool    sync.Pool
}

// pendingAppend is a write waiting for the fsync that covers it.
type pendingAppend struct {
	body bytes.Buffer
	done chan error
}

// NewCeiling opens (creates, truncates) the append file.
func NewCeiling(cfg CeilingConfig) (*Ceiling, error) {
	if cfg.Batch < 1 {
		return nil, fmt.Errorf("fsync batch %d: want at least 1", cfg.Batch)
	}
	if cfg.Window < 0 {
		return nil, fmt.Errorf("fsync window %s: want 0 or more", cfg.Window)
	}
	f, err := os.OpenFile(cfg.AppendPath, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open the append file: %w", err)
	}
	c := &Ceiling{cfg: cfg, file: f, appends: make(chan *pendingAppend, cfg.Batch)}
	c.pool.New = func() any { return &pendingAppend{done: make(chan error, 1)} }
	return c, nil
}

// ServeHTTP answers one request: a write (its body holds AddInteraction)
// after its durable append, anything else at once.
func (c *Ceiling) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := c.pool.Get().(*pendingAppend)
	defer c.pool.Put(p)
	p.body.Reset()
	if _, err := p.body.ReadFrom(r.Body); err != nil {
		http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
		return
	}
	answer := c.cfg.ReadAnswer
	if bytes.Contains(p.body.Bytes(), []byte("<AddInteraction")) {
		select {
		case c.appends <- p:
		case <-r.Context().Done():
			return
		}
		if err := <-p.done; err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		answer = c.cfg.WriteAnswer
	}
	w.Header().Set("Content-Type", c.cfg.ContentType)
	_, _ = w.Write(answer)
}

// commit runs the group commit until ctx ends: it takes the first waiting
// append, then whatever else arrives within the window, up to the batch
// limit, writes them with one write(2), calls fsync, and only then releases
// every request of the batch.
func (c *Ceiling) commit(ctx context.Context) {
	batch := make([]*pendingAppend, 0, c.cfg.Batch)
	var buf []byte
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case p := <-c.appends:
			batch = append(batch[:0], p)
		}
		timer.Reset(c.cfg.Window)
	collect:
		for len(batch) < c.cfg.Batch {
			select {
			case p := <-c.appends:
				batch = append(batch, p)
			case <-timer.C:
				break collect
			}
		}
		timer.Stop()
		buf = buf[:0]
		for _, p := range batch {
			buf = append(buf, p.body.Bytes()...)
		}
		_, err := c.file.Write(buf)
		if err == nil {
			err = c.file.Sync()
		}
		if err != nil {
			err = fmt.Errorf("append %d requests: %w", len(batch), err)
		}
		for _, p := range batch {
			p.done <- err
		}
	}
}

// Serve runs the ceiling on ln until ctx ends, then closes the file.
func (c *Ceiling) Serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	committed := make(chan struct{})
	go func() {
		defer close(committed)
		c.commit(ctx)
	}()
	srv := &http.Server{Handler: c, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = srv.Shutdown(shutdown)
	}()
	err := srv.Serve(ln)
	cancel()
	<-committed
	if cerr := c.file.Close(); cerr != nil {
		return fmt.Errorf("close the append file: %w", cerr)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve the ceiling: %w", err)
}

// ReadCeilingAnswers reads the canned answers a ceiling serves from the
// files the harness captured them into.
func ReadCeilingAnswers(readPath, writePath string) (read, write []byte, err error) {
	if read, err = os.ReadFile(readPath); err != nil {
		return nil, nil, fmt.Errorf("read the canned read answer: %w", err)
	}
	if write, err = os.ReadFile(writePath); err != nil {
		return nil, nil, fmt.Errorf("read the canned write answer: %w", err)
	}
	return read, write, nil
}
