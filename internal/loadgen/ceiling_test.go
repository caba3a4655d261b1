package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// startTestCeiling serves a ceiling on a loopback port until the test ends.
func startTestCeiling(t *testing.T, batch int, window time.Duration) (addr, appendPath string) {
	t.Helper()
	appendPath = filepath.Join(t.TempDir(), "appends")
	c, err := NewCeiling(CeilingConfig{ReadAnswer: []byte("<read><Code>107000</Code></read>"),
		WriteAnswer: []byte("<write><Code>107000</Code></write>"), ContentType: "text/xml; charset=utf-8",
		AppendPath: appendPath, Batch: batch, Window: window})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- c.Serve(ctx, ln, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String(), appendPath
}

// TestCeilingAnswersWritesOnceDurable sends concurrent writes and reads:
// every write is in the file by the time it is answered, reads are
// answered with their canned bytes and never appended.
func TestCeilingAnswersWritesOnceDurable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		batch  int
		window time.Duration
	}{{"one append per fsync", 1, 0}, {"group commit", 16, time.Millisecond}} {
		t.Run(tc.name, func(t *testing.T) {
			addr, path := startTestCeiling(t, tc.batch, tc.window)
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for g := range 8 {
				wg.Go(func() {
					c := conn{addr: addr}
					defer c.close()
					var buf []byte
					for n := range uint64(10) {
						body := Workloads[2].body(n, &buf)
						write := bytes.Contains(body, []byte("<AddInteraction"))
						a, err := c.post(context.Background(), ptkPath, body)
						if err != nil {
							errs <- err
							return
						}
						want := "<read>"
						if write {
							want = "<write>"
							appended, err := os.ReadFile(path)
							if err != nil || !bytes.Contains(appended, body) {
								errs <- fmt.Errorf("worker %d: write answered before its body was in the file (%w)", g, err)
							}
						}
						if a.Status != http.StatusOK || !strings.HasPrefix(string(a.Body), want) || a.ContentType != "text/xml; charset=utf-8" {
							errs <- fmt.Errorf("answered %d %q (%s), want 200 %s…", a.Status, a.Body, a.ContentType, want)
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			appended, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := bytes.Count(appended, []byte("<AddInteraction")); n != 8*2 {
				t.Errorf("%d writes in the file, want 16 (8 workers × 2 of 10 requests)", n)
			}
			if bytes.Contains(appended, []byte("<GetSegmentState")) {
				t.Error("a read was appended")
			}
		})
	}
}

func TestCeilingRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		cfg  CeilingConfig
		want string
	}{
		{"no batch", CeilingConfig{AppendPath: filepath.Join(dir, "a"), Batch: 0}, "fsync batch 0"},
		{"negative window", CeilingConfig{AppendPath: filepath.Join(dir, "a"), Batch: 1, Window: -1}, "fsync window"},
		{"unwritable file", CeilingConfig{AppendPath: filepath.Join(dir, "no", "such", "dir"), Batch: 1}, "open the append file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewCeiling(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one saying %q", err, tt.want)
			}
		})
	}
}
