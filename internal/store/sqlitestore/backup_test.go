package sqlitestore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/holdline/holdline/internal/callback"
)

// A backup taken while the store commits holds everything committed before
// it began, opens as a store, and says what it holds.
func TestBackupOfALiveStore(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	insert := func(id string) error {
		return b.store.InTx(ctx, func(tx callback.Tx) error { return tx.InteractionInsert(ctx, sparseInteraction(id)) })
	}
	for i := range 200 {
		if err := insert("V" + strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Writers go on while the backup runs.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := insert("W" + strconv.Itoa(w) + "-" + strconv.Itoa(i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	info, err := Backup(ctx, b.path, dst)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.Interactions < 200 || info.SchemaVersion == 0 || info.Bytes == 0 {
		t.Fatalf("backup info %+v: want at least the 200 interactions, a schema version and a size", info)
	}
	if _, err := os.Stat(dst + ".partial"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file is left behind: %v", err)
	}
	restored := mustOpen(t, dst)
	for _, id := range []string{"V0", "V199"} {
		if !holds(t, restored, id) {
			t.Errorf("%s, committed before the backup, is not in it", id)
		}
	}
	var n int
	if err := restored.View(ctx, func(tx callback.Tx) error {
		var err error
		n, err = tx.InteractionCount(ctx, nil)
		return err
	}); err != nil || int64(n) != info.Interactions {
		t.Errorf("the restored store holds %d interactions (%v), the backup said %d", n, err, info.Interactions)
	}
}

// A backup never overwrites a file, and never creates a store where there
// was none.
func TestBackupRefuses(t *testing.T) {
	t.Parallel()
	b := setup(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "none", "holdline.db")
	cases := []struct {
		name, src, dst, want string
	}{
		{"an existing destination", b.path, existing, "exists"},
		{"no destination", b.path, "", "no destination"},
		{"no store", missing, filepath.Join(dir, "b.db"), "there is no store"},
		{"a destination the driver would misread", b.path, filepath.Join(dir, "b.db?mode=memory"), "may not contain"},
	}
	for _, tc := range cases {
		if _, err := Backup(context.Background(), tc.src, tc.dst); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.want)
		}
	}
	if got, _ := os.ReadFile(existing); string(got) != "keep me" {
		t.Errorf("the existing file was changed: %q", got)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a store was created at %s: %v", missing, err)
	}
}
