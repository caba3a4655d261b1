// Package pgtest gives tests a throwaway PostgreSQL: one cluster per test
// process, started at the first URL call (initdb and pg_ctl on a free port,
// fsync off), and a fresh, empty database per call, dropped when the test
// ends.
//
// A package whose tests use it stops the cluster from its TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// A watchdog started with the cluster stops it and removes its directory
// when the test process dies without getting there (a SIGKILL, a timeout),
// so no postmaster outlives the tests.
//
// When PostgreSQL is not installed the test is skipped with the reason,
// unless HOLDLINE_REQUIRE_TOOLS=1, which makes it a failure.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// dirPrefix names the cluster's directory under os.TempDir, so that one
// left behind is recognised.
const dirPrefix = "holdline-pgtest-"

// startTimeout bounds initdb and the start of the server.
const startTimeout = 2 * time.Minute

var (
	once    sync.Once
	shared  *cluster
	initErr error
	// dbSeq numbers the databases of the process.
	dbSeq atomic.Int64
)

// cluster is the running server of the test process.
type cluster struct {
	bindir string
	// dir holds the data directory, the socket and the log.
	dir  string
	data string
	port int
	cred *syscall.Credential
	// admin is a connection to the maintenance database, for CREATE and
	// DROP DATABASE; mu serializes its use.
	mu    sync.Mutex
	admin *pgx.Conn
}

// ErrNotInstalled says PostgreSQL's binaries were not found: URL skips the
// test, unless HOLDLINE_REQUIRE_TOOLS=1.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (no initdb in `pg_config --bindir`, /usr/lib/postgresql/*/bin or PATH; scripts/test-deps installs it)")

// TB is what URL needs of a test: *testing.T and *testing.B, and rapid's
// *T, whose property examples each take a database of their own.
type TB interface {
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Cleanup(func())
}

// URL returns the URL of a fresh, empty database on the process's cluster,
// starting the cluster on first use; the database is dropped when t ends.
func URL(t TB) string {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	url, drop, err := Database(ctx)
	if err != nil {
		if errors.Is(err, ErrNotInstalled) && os.Getenv("HOLDLINE_REQUIRE_TOOLS") != "1" {
			t.Skipf("pgtest: %v", err)
		}
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		if err := drop(ctx); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return url
}

// Database creates a fresh, empty database on the process's cluster,
// starting the cluster on first use, and returns its URL and the function
// that drops it: URL for callers with no test at hand (a TestMain's
// setup, a database shared by several tests). An error is ErrNotInstalled
// when PostgreSQL is missing.
func Database(ctx context.Context) (url string, drop func(context.Context) error, err error) {
	once.Do(func() { shared, initErr = start() })
	if initErr != nil {
		return "", nil, initErr
	}
	c := shared
	name := "t_" + strconv.FormatInt(dbSeq.Add(1), 10)
	// FILE_COPY copies the template's files instead of writing them through
	// the WAL: with fsync off, several times faster for a test's database.
	if err := c.exec(ctx, "CREATE DATABASE "+name+" STRATEGY FILE_COPY"); err != nil {
		return "", nil, err
	}
	drop = func(ctx context.Context) error {
		return c.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}
	return c.url(name), drop, nil
}

// Main runs the tests of m and then stops the cluster, if they started
// one, and exits with their code.
func Main(m *testing.M) {
	code := m.Run()
	if err := Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
	}
	os.Exit(code)
}

// Stop stops the cluster and removes its directory; it does nothing when no
// cluster was started. Main calls it.
func Stop() error {
	if shared == nil {
		return nil
	}
	c := shared
	shared, initErr = nil, errors.New("the cluster was stopped")
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.admin != nil {
		_ = c.admin.Close(context.Background())
	}
	errStop := c.ctl("stop", "-m", "fast")
	if err := os.RemoveAll(c.dir); err != nil {
		return errors.Join(errStop, fmt.Errorf("remove %s: %w", c.dir, err))
	}
	return errStop
}

// url is the URL of database name on the cluster.
func (c *cluster) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// exec runs one statement on the maintenance database.
func (c *cluster) exec(ctx context.Context, sql string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.admin.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

// bindir finds the directory of initdb and pg_ctl.
func bindir() (string, error) {
	var candidates []string
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		candidates = append(candidates, strings.TrimSpace(string(out)))
	}
	candidates = append(candidates, "/usr/lib/postgresql/15/bin")
	// Debian's other versions, newest first (the names sort as numbers
	// only while they have two digits, which holds from 10 on).
	if dirs, err := filepath.Glob("/usr/lib/postgresql/*/bin"); err == nil {
		slices.Reverse(dirs)
		candidates = append(candidates, dirs...)
	}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNotInstalled
}

// start creates and starts the cluster.
func start() (*cluster, error) {
	dir, err := bindir()
	if err != nil {
		return nil, err
	}
	c := &cluster{bindir: dir}
	// initdb and the server refuse to run as root: run them as postgres,
	// in a directory postgres owns.
	if os.Geteuid() == 0 {
		if c.cred, err = postgresCredential(); err != nil {
			return nil, err
		}
	}
	if c.dir, err = os.MkdirTemp("", dirPrefix); err != nil {
		return nil, fmt.Errorf("cluster directory: %w", err)
	}
	if c.cred != nil {
		if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			_ = os.RemoveAll(c.dir)
			return nil, fmt.Errorf("cluster directory: %w", err)
		}
	}
	if err := c.init(); err != nil {
		_ = c.ctl("stop", "-m", "immediate")
		_ = os.RemoveAll(c.dir)
		return nil, err
	}
	return c, nil
}

// init runs initdb, starts the server and its watchdog, and connects.
func (c *cluster) init() error {
	c.data = filepath.Join(c.dir, "data")
	if out, err := c.command(filepath.Join(c.bindir, "initdb"), "-D", c.data, "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	var err error
	// A port that is free now may be taken before the server binds it:
	// try a few.
	for range 5 {
		if c.port, err = freePort(); err != nil {
			return err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300", c.port, c.dir)
		if err = c.ctl("start", "-w", "-t", "60", "-l", filepath.Join(c.dir, "log"), "-o", opts); err == nil {
			break
		}
	}
	if err != nil {
		return err
	}
	if err := c.watch(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if c.admin, err = pgx.Connect(ctx, c.url("postgres")); err != nil {
		return fmt.Errorf("connect to the cluster: %w", err)
	}
	return nil
}

// ctl runs pg_ctl on the cluster. Its output goes to a file: the server it
// starts keeps the descriptors it inherits.
func (c *cluster) ctl(args ...string) error {
	out, err := os.CreateTemp("", dirPrefix+"pg_ctl-")
	if err != nil {
		return fmt.Errorf("pg_ctl %s: %w", args[0], err)
	}
	defer func() { _ = os.Remove(out.Name()); _ = out.Close() }()
	cmd := c.command(filepath.Join(c.bindir, "pg_ctl"), append([]string{"-D", c.data}, args...)...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		text, _ := os.ReadFile(out.Name())
		log, _ := os.ReadFile(filepath.Join(c.dir, "log"))
		return fmt.Errorf("pg_ctl %s: %w: %s\nserver log:\n%s", args[0], err, text, log)
	}
	return nil
}

// watch starts a process, in a session of its own, that stops the server
// and removes the cluster's directory once the test process is gone.
func (c *cluster) watch() error {
	script := fmt.Sprintf(`while [ -d /proc/%d ]; do sleep 1; done
%q -D %q stop -m immediate >/dev/null 2>&1
rm -rf %q`, os.Getpid(), filepath.Join(c.bindir, "pg_ctl"), c.data, c.dir)
	cmd := c.command("/bin/sh", "-c", script)
	cmd.SysProcAttr.Setsid = true
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the watchdog: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// command is a command run as the cluster's owner, in its directory.
func (c *cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	if c.cred != nil {
		cmd.Env = append(os.Environ(), "HOME="+c.dir, "USER=postgres", "LOGNAME=postgres")
	}
	return cmd
}

// postgresCredential is the user and group postgres, which the cluster runs as.
func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the cluster runs as user postgres: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user postgres: uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user postgres: gid %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// freePort is a TCP port of 127.0.0.1 nobody listens on now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil
}
