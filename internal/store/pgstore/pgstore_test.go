package pgstore_test

import (
	"sync"
	"testing"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/pgtest"
	"github.com/holdline/holdline/internal/store/pgstore"
	"github.com/holdline/holdline/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestConformance runs the store conformance suite, each test on a fresh
// database of the test process's cluster.
func TestConformance(t *testing.T) {
	t.Parallel()
	var urls sync.Map // *pgstore.Store → its URL, for Reopen
	open := func(t *testing.T, url string) *pgstore.Store {
		t.Helper()
		s, err := pgstore.Open(t.Context(), url)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		urls.Store(s, url)
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) callback.Store { return open(t, pgtest.URL(t)) },
		Reopen: func(t *testing.T, old callback.Store) callback.Store {
			url, ok := urls.Load(old)
			if !ok {
				t.Fatal("reopen: a store the harness did not open")
			}
			if err := old.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			return open(t, url.(string))
		},
	})
}
