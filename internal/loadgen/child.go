package loadgen

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// startTimeout bounds how long a child may take to say it listens, and to
// exit once told to stop.
const startTimeout = 60 * time.Second

// logTail is how many of a child's last log lines an error quotes.
const logTail = 20

// child is a server process the harness started: Holdline or a ceiling.
type child struct {
	name string
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error // how it exited, once done is closed

	mu   sync.Mutex
	tail []string
}

// startChild runs bin with args, copies its JSON log (stderr) into
// logPath, and waits for the line whose msg is ready; that line's addr
// field is where it listens.
func startChild(ctx context.Context, name, logPath, bin, ready string, args ...string) (*child, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create the log of %s: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s (%s): %w", name, bin, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	addrc := make(chan string, 1)
	go func() {
		defer close(c.done)
		c.read(stderr, logFile, ready, addrc)
		_ = logFile.Close()
		c.err = cmd.Wait()
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case c.addr = <-addrc:
		return c, nil
	case <-c.done:
		if c.err == nil {
			return nil, fmt.Errorf("%s exited before it listened:\n%s", name, c.logs())
		}
		return nil, fmt.Errorf("%s exited before it listened (%w):\n%s", name, c.err, c.logs())
	case <-timer.C:
		c.kill()
		return nil, fmt.Errorf("%s did not log %q within %s:\n%s", name, ready, startTimeout, c.logs())
	case <-ctx.Done():
		c.kill()
		return nil, fmt.Errorf("start %s: %w", name, ctx.Err())
	}
}

// read copies the child's log into w, keeps its last lines, and sends the
// addr of the first line whose msg is ready.
func (c *child) read(r io.Reader, w io.Writer, ready string, addrc chan<- string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	found := false
	for sc.Scan() {
		line := sc.Bytes()
		_, _ = w.Write(line)
		_, _ = w.Write(newline)
		c.keep(string(line))
		if found {
			continue
		}
		var rec struct {
			Msg  string `json:"msg"`
			Addr string `json:"addr"`
		}
		if json.Unmarshal(line, &rec) == nil && rec.Msg == ready && rec.Addr != "" {
			found = true
			addrc <- rec.Addr
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

var newline = []byte{'\n'}

// pid is the child's process id.
func (c *child) pid() int { return c.cmd.Process.Pid }

// keep remembers a log line among the last few.
func (c *child) keep(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tail) == logTail {
		c.tail = c.tail[1:]
	}
	c.tail = append(c.tail, line)
}

// logs is the child's last log lines.
func (c *child) logs() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.tail, "\n")
}

// stop asks the child to end (SIGTERM) and waits for it; past the timeout
// it kills it.
func (c *child) stop() error {
	select {
	case <-c.done:
		return c.exitErr()
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		c.kill()
		return fmt.Errorf("stop %s: %w", c.name, err)
	}
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case <-c.done:
		return c.exitErr()
	case <-timer.C:
		c.kill()
		return fmt.Errorf("%s did not exit within %s of SIGTERM", c.name, startTimeout)
	}
}

// kill ends the child at once and waits for it.
func (c *child) kill() {
	_ = c.cmd.Process.Kill()
	<-c.done
}

// exitErr is how the child exited, as an error (nil for a clean exit).
func (c *child) exitErr() error {
	if c.err != nil {
		return fmt.Errorf("%s exited: %w\n%s", c.name, c.err, c.logs())
	}
	return nil
}
