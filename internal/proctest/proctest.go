// Package proctest runs the holdline binary as a real process for
// end-to-end tests: it builds it once, starts it, captures its JSON log, and
// waits for the line that says it is ready. Only tests import it.
package proctest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a process may take to log that it is ready,
// and to exit once told to.
const startTimeout = 60 * time.Second

// Build compiles ./cmd/holdline of the module that holds the working
// directory into dir and returns the binary's path.
func Build(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "holdline")
	build := exec.Command("go", "build", "-o", bin, "./cmd/holdline")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build holdline: %w\n%s", err, out)
	}
	return bin, nil
}

// Proc is a running process started by a test, with its log captured.
type Proc struct {
	Cmd  *exec.Cmd
	name string
	mu   sync.Mutex
	logs bytes.Buffer
	done chan error
}

// Start runs bin with args and waits until it logs a JSON line whose msg is
// ready; it returns the process and the "addr" field of that line, if any.
// The process is killed when the test ends, if it still runs.
func Start(t testing.TB, bin, ready string, args ...string) (*Proc, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Proc{Cmd: cmd, name: "holdline " + strings.Join(args[:min(len(args), 1)], ""), done: make(chan error, 1)}
	readyc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.mu.Lock()
			p.logs.WriteString(line + "\n")
			p.mu.Unlock()
			var rec struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == ready {
				select {
				case readyc <- rec.Addr:
				default:
				}
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			if err := <-p.done; err != nil {
				t.Logf("%s stopped: %v", p.name, err)
			}
		}
	})
	select {
	case addr := <-readyc:
		return p, addr
	case err := <-p.done:
		p.done <- err
		t.Fatalf("%s exited before logging %q: %v\n%s", p.name, ready, err, p.Logs())
	case <-time.After(startTimeout):
		t.Fatalf("%s did not log %q within %s\n%s", p.name, ready, startTimeout, p.Logs())
	}
	return nil, ""
}

// Logs returns what the process has logged so far.
func (p *Proc) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// Signal sends sig to the process.
func (p *Proc) Signal(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := p.Cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal %s to %s: %v", sig, p.name, err)
	}
}

// Wait waits for the process to exit and returns how it exited.
func (p *Proc) Wait(t testing.TB) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(startTimeout):
		t.Fatalf("%s did not exit within %s\n%s", p.name, startTimeout, p.Logs())
		return nil
	}
}

// Main builds the binary into a temporary directory for a test binary's
// TestMain, runs the tests, and removes the directory; it never returns.
func Main(m *testing.M, bin *string) {
	dir, err := os.MkdirTemp("", "holdline-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *bin, err = Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
