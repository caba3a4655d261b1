package pgstore_test

import (
	"errors"
	"testing"

	"github.com/holdline/holdline/internal/pgtest"
	"github.com/holdline/holdline/internal/store/pgstore"
)

// One server per database: a second one gets ErrInUse until the first
// lets go.
func TestLockServer(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	ctx := t.Context()
	a, b := openURL(t, url), openURL(t, url)
	releaseA, err := a.LockServer(ctx)
	if err != nil {
		t.Fatalf("the first server: %v", err)
	}
	if _, err := b.LockServer(ctx); !errors.Is(err, pgstore.ErrInUse) {
		t.Fatalf("a second server while the first runs: %v, want ErrInUse", err)
	}
	if err := releaseA(); err != nil {
		t.Fatal(err)
	}
	releaseB, err := b.LockServer(ctx)
	if err != nil {
		t.Fatalf("the second server once the first stopped: %v", err)
	}
	if err := releaseB(); err != nil {
		t.Fatal(err)
	}
}
