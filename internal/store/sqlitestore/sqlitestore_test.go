package sqlitestore_test

import (
	"path/filepath"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/store/sqlitestore"
	"github.com/holdline/holdline/internal/store/storetest"
)

var _ callback.Store = (*sqlitestore.Store)(nil)

// TestConformance runs the store conformance suite, each test on its own
// database file.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, storetest.Harness{New: newStore, Reopen: reopen, Fill: sqlitestore.Fill})
}

func newStore(t *testing.T) callback.Store {
	return open(t, filepath.Join(t.TempDir(), "holdline.db"))
}

func reopen(t *testing.T, old callback.Store) callback.Store {
	s := old.(*sqlitestore.Store)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return open(t, s.Path())
}

func open(t *testing.T, path string) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
