package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// fillSize is the size of the file system a filled store's interactions
// live on: room for a few pages, then none.
const fillSize = "2m"

// fill makes the database at url full, as a full disk does, for the
// conformance suite's Unavailable test: it moves the interactions table
// (and its TOAST table) to a tablespace on a small tmpfs and fills the
// tmpfs with a file, so that the next insert needing a new page fails with
// disk_full (53100); release removes the file. It needs root (mount); the
// test is skipped otherwise.
func fill(t *testing.T, url string) (release func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("filling a PostgreSQL store needs root, to mount a small tmpfs")
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Skipf("filling a PostgreSQL store needs the server's user postgres: %v", err)
	}
	// Not t.TempDir: the server's user must reach it.
	dir, err := os.MkdirTemp("", "holdline-pgfill-")
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatalf("fill: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	mount := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%s,uid=%s,gid=%s,mode=0700", fillSize, u.Uid, u.Gid), "tmpfs", dir)
	if out, err := mount.CombinedOutput(); err != nil {
		t.Skipf("filling a PostgreSQL store needs a tmpfs mount: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if err := exec.Command("umount", dir).Run(); err != nil {
			_ = exec.Command("umount", "-l", dir).Run()
		}
	})

	ctx := context.WithoutCancel(t.Context())
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("fill: connect: %v", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatalf("fill: %v", err)
	}
	space := "full_" + db
	location := filepath.Join(dir, "ts")
	if err := os.Mkdir(location, 0o700); err != nil {
		t.Fatalf("fill: %v", err)
	}
	uid, gid := atoi(t, u.Uid), atoi(t, u.Gid)
	if err := os.Chown(location, uid, gid); err != nil {
		t.Fatalf("fill: %v", err)
	}
	filler := filepath.Join(dir, "filler")
	// At the end of the test, before the store is closed and its database
	// dropped (cleanups run last first): the table goes back to the
	// default tablespace, so that no buffer of the cluster still belongs to
	// the tmpfs once it is gone (the checkpointer would fail to write it,
	// for every test of the cluster).
	t.Cleanup(func() {
		_ = os.Remove(filler)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("unfill: connect: %v", err)
			return
		}
		defer func() { _ = conn.Close(ctx) }()
		for _, stmt := range []string{"ALTER TABLE interactions SET TABLESPACE pg_default", "DROP TABLESPACE " + space} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				t.Errorf("unfill: %s: %v", stmt, err)
			}
		}
	})
	for _, stmt := range []string{
		"CREATE TABLESPACE " + space + " LOCATION '" + strings.ReplaceAll(location, "'", "''") + "'",
		"ALTER TABLE interactions SET TABLESPACE " + space,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			t.Fatalf("fill: %s: %v", stmt, err)
		}
	}
	// The rest of the room goes to a file of zeros, written until the
	// file system refuses.
	f, err := os.Create(filler)
	if err != nil {
		t.Fatalf("fill: %v", err)
	}
	zeros := make([]byte, 4096)
	for {
		if _, err := f.Write(zeros); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			break
		}
	}
	_ = f.Close()
	return func() {
		if err := os.Remove(filler); err != nil {
			t.Errorf("release: %v", err)
		}
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}
