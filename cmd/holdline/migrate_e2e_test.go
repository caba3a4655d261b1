package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/holdline/holdline/internal/pgtest"
)

// `holdline migrate` brings a new store's schema up to date and says its
// version, again and again; while a server runs on the same data it is
// refused, as a second server is. On SQLite and on PostgreSQL.
func TestMigrate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    func(t *testing.T) []string
		refusal string
	}{
		{"SQLite", func(t *testing.T) []string { return []string{"--data", t.TempDir()} }, "is in use by another holdline process"},
		{"PostgreSQL", func(t *testing.T) []string { return []string{"--data", t.TempDir(), "--store", pgtest.URL(t)} }, "is in use by another holdline server"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := tc.args(t)
			migrate := func() (string, error) {
				out, err := exec.Command(binPath, append([]string{"migrate"}, args...)...).CombinedOutput()
				return string(out), err
			}
			first, err := migrate()
			if err != nil || !strings.Contains(first, ": schema version ") {
				t.Fatalf("migrate: %v\n%s", err, first)
			}
			if again, err := migrate(); err != nil || again != first {
				t.Fatalf("migrate again: %v\n%s, want %s", err, again, first)
			}
			startServer(t, args[1], args[2:]...) // stopped when the test ends
			if out, err := migrate(); err == nil || !strings.Contains(out, tc.refusal) {
				t.Fatalf("migrate while a server runs: %v\n%s", err, out)
			}
		})
	}
}
