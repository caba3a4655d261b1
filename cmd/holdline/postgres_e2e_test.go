package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/holdline/holdline/internal/pgtest"
)

// `holdline serve --store URL` keeps its data in PostgreSQL: what it
// acknowledged is there for the next server, which may name the database
// with HOLDLINE_STORE instead, and nothing goes to the data folder. One
// server per database: a second one on it exits with a message saying so.
// (Not parallel: it sets HOLDLINE_STORE for the second start.)
func TestServeOnPostgreSQL(t *testing.T) {
	url := pgtest.URL(t)
	first := startServer(t, t.TempDir(), "--store", url)
	id := register(t, first.base, "VHTLab", "PTK_VHT_TEST", "80001").ID
	if !strings.Contains(first.Logs(), `"store":"postgres@127.0.0.1`) {
		t.Errorf("the start log does not name the PostgreSQL store:\n%s", first.Logs())
	}

	msg := refusedServer(t, "--data", t.TempDir(), "--store", url)
	if !strings.Contains(msg, "is in use by another holdline server") {
		t.Errorf("the second server says %q", msg)
	}

	first.Signal(t, syscall.SIGTERM)
	if err := first.Wait(t); err != nil {
		t.Fatalf("first server: %v\n%s", err, first.Logs())
	}
	t.Setenv(storeEnv, url)
	data := t.TempDir()
	again := startServer(t, data)
	if it := getInteraction(t, again.base, "VHTLab", id); it.ID != id || len(it.History) == 0 {
		t.Fatalf("after the restart on %s: %+v", storeEnv, it)
	}
	if _, err := os.Stat(filepath.Join(data, dbFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a SQLite database was created in the data folder beside PostgreSQL: %v", err)
	}
}
