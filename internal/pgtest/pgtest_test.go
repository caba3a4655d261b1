package pgtest_test

import (
	"testing"

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
