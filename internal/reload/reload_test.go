package reload_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/holdline/holdline/internal/reload"
)

// config is what the tests reload: the values of two parts.
type config struct{ a, b string }

// part is a reloadable value that refuses "bad".
func part(name string, get func(config) string, into *string) reload.Part[config] {
	return reload.Part[config]{Name: name, Prepare: func(_ context.Context, c config) (reload.Change, error) {
		v := get(c)
		switch v {
		case "bad":
			return reload.Change{}, errors.New("bad value")
		case *into:
			return reload.Change{}, nil
		}
		return reload.Change{Install: func() { *into = v }, Attrs: []slog.Attr{slog.String("value", v)}}, nil
	}}
}

// lastLog decodes the last JSON line of buf.
func lastLog(t *testing.T, buf *bytes.Buffer) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &m); err != nil {
		t.Fatalf("%v: %q", err, buf.String())
	}
	return m
}

func TestReloadInstallsAllOrNothing(t *testing.T) {
	t.Parallel()
	var (
		a, b   = "a0", "b0"
		next   config
		loadEr error
		buf    bytes.Buffer
	)
	r := reload.New(func(context.Context) (config, error) { return next, loadEr }, slog.New(slog.NewJSONHandler(&buf, nil)))
	r.Add(part("a", func(c config) string { return c.a }, &a))
	r.Add(part("b", func(c config) string { return c.b }, &b))
	ctx := context.Background()
	cases := []struct {
		name    string
		next    config
		loadErr error
		wantErr string
		wantA   string
		wantB   string
		wantLog map[string]any
	}{
		{"both change", config{"a1", "b1"}, nil, "", "a1", "b1",
			map[string]any{"msg": "reloaded", "parts": []any{"a", "b"}, "a": map[string]any{"value": "a1"}, "b": map[string]any{"value": "b1"}}},
		{"the second is bad: the first is kept too", config{"a2", "bad"}, nil, "b: bad value", "a1", "b1",
			map[string]any{"level": "ERROR", "msg": "reload failed: the running configuration is kept", "err": "b: bad value"}},
		{"the file does not load", config{"a3", "b3"}, errors.New("holdline.yaml: 2 problems"), "holdline.yaml: 2 problems", "a1", "b1",
			map[string]any{"level": "ERROR", "msg": "reload failed: the running configuration is kept", "err": "holdline.yaml: 2 problems"}},
		{"one unchanged", config{"a1", "b4"}, nil, "", "a1", "b4",
			map[string]any{"msg": "reloaded", "parts": []any{"b"}, "b": map[string]any{"value": "b4"}}},
		{"nothing changed", config{"a1", "b4"}, nil, "", "a1", "b4",
			map[string]any{"msg": "reloaded", "parts": []any{}}},
	}
	for _, tc := range cases {
		next, loadEr = tc.next, tc.loadErr
		err := r.Reload(ctx)
		if (err == nil) != (tc.wantErr == "") || (err != nil && err.Error() != tc.wantErr) {
			t.Errorf("%s: Reload = %v, want %q", tc.name, err, tc.wantErr)
		}
		if a != tc.wantA || b != tc.wantB {
			t.Errorf("%s: a, b = %s, %s; want %s, %s", tc.name, a, b, tc.wantA, tc.wantB)
		}
		got := lastLog(t, &buf)
		for k, want := range tc.wantLog {
			if g := got[k]; !jsonEqual(g, want) {
				t.Errorf("%s: log %s = %v, want %v", tc.name, k, g, want)
			}
		}
	}
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// syncBuffer is a log destination safe for the Run goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

func TestRunReloadsOnEachSignal(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	installed := make(chan string, 2)
	n := 0
	r := reload.New(func(context.Context) (int, error) { n++; return n, nil }, slog.New(slog.NewJSONHandler(&out, nil)))
	r.Add(reload.Part[int]{Name: "counter", Prepare: func(_ context.Context, n int) (reload.Change, error) {
		return reload.Change{Install: func() { installed <- strings.Repeat("x", n) }}, nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal)
	done := make(chan struct{})
	go func() { defer close(done); r.Run(ctx, signals) }()
	for _, want := range []string{"x", "xx"} {
		signals <- syscall.SIGHUP
		select {
		case got := <-installed:
			if got != want {
				t.Errorf("installed %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no reload after the signal")
		}
	}
	cancel()
	<-done
	if c := strings.Count(out.String(), `"msg":"reloading","signal":"hangup"`); c != 2 {
		t.Errorf("%d reloading lines:\n%s", c, out.String())
	}
}
