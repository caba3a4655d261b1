package pgtest_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/holdline/holdline/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestURLsAreFreshEmptyDatabases: each URL names a database of its own,
// that answers, holds no table, and does not see another's tables.
func TestURLsAreFreshEmptyDatabases(t *testing.T) {
	a, b := pgtest.URL(t), pgtest.URL(t)
	if a == b {
		t.Fatalf("two calls gave the same URL %s", a)
	}
	connA := connect(t, a)
	connB := connect(t, b)
	var one int
	if err := connA.QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	var dbA, dbB string
	if err := connA.QueryRow(t.Context(), "SELECT current_database()").Scan(&dbA); err != nil {
		t.Fatal(err)
	}
	if err := connB.QueryRow(t.Context(), "SELECT current_database()").Scan(&dbB); err != nil {
		t.Fatal(err)
	}
	if dbA == dbB {
		t.Fatalf("both URLs connect to database %s", dbA)
	}
	if _, err := connA.Exec(t.Context(), "CREATE TABLE only_in_a (x int)"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		conn *pgx.Conn
		want int
	}{{"a", connA, 1}, {"b", connB, 0}} {
		var n int
		err := c.conn.QueryRow(t.Context(),
			"SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n != c.want {
			t.Errorf("database %s has %d tables, want %d", c.name, n, c.want)
		}
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close(t.Context()) })
	return conn
}

// helperEnv makes the test binary a process that starts a cluster, prints
// its URL and waits to be killed.
const helperEnv = "HOLDLINE_PGTEST_HELPER"

// TestClusterDiesWithTheTestProcess: a test process killed outright (no
// TestMain epilogue) leaves no server running: the watchdog stops it.
func TestClusterDiesWithTheTestProcess(t *testing.T) {
	if os.Getenv(helperEnv) == "1" {
		fmt.Println("URL", pgtest.URL(t))
		<-t.Context().Done() // until killed
		return
	}
	_ = pgtest.URL(t) // skips here, not in the helper, when PostgreSQL is missing
	cmd := exec.Command(os.Args[0], "-test.run=^TestClusterDiesWithTheTestProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	var helperURL string
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
			helperURL = u
			break
		}
	}
	if helperURL == "" {
		t.Fatalf("the helper printed no URL: %v", sc.Err())
	}
	conn := connect(t, helperURL)
	_ = conn.Close(t.Context())
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// The watchdog looks every second: poll the real server with a deadline.
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(t.Context(), helperURL)
		if err != nil {
			return // stopped
		}
		_ = conn.Close(t.Context())
		if time.Now().After(deadline) {
			t.Fatalf("the cluster of a killed test process still answers at %s", helperURL)
		}
		select {
		case <-t.Context().Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}
