package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/holdline/holdline/internal/callback"
	"github.com/holdline/holdline/internal/config"
	"github.com/holdline/holdline/internal/store/pgstore"
	"github.com/holdline/holdline/internal/store/sqlitestore"
)

// storeEnv names the environment variable serve reads the store's URL from
// when --store is not given.
const storeEnv = "HOLDLINE_STORE"

// storeURL is the database serve runs on: --store, else HOLDLINE_STORE,
// else the configuration's store.url; empty is SQLite in the data folder.
// A URL of another engine is refused without being repeated (it may hold a
// password).
func storeURL(flag string, cfg config.Store, getenv func(string) string) (string, error) {
	for _, c := range []struct{ from, url string }{
		{"--store", flag}, {storeEnv, getenv(storeEnv)}, {"store.url", cfg.URL},
	} {
		if c.url == "" {
			continue
		}
		if !config.ValidStoreURL(c.url) {
			return "", fmt.Errorf("%s: want a PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE), or nothing for SQLite in --data", c.from)
		}
		return c.url, nil
	}
	return "", nil
}

// servedStore is the store serve runs on, with where it is (for the logs)
// and how to let it go.
type servedStore struct {
	callback.Store
	where string
	close func()
}

// openStore opens the store at url (empty: SQLite in the data folder
// data), taking its one-server lock: the data folder's lock file, or the
// database's server lock.
func openStore(ctx context.Context, url, data string, log *slog.Logger) (*servedStore, error) {
	if url != "" {
		return openPostgres(ctx, url, log)
	}
	// The data folder's lock first: a second server on it stops here,
	// before it touches the database.
	unlock, err := lockDataDir(data)
	if err != nil {
		return nil, err
	}
	dbPath := filepath.Join(data, dbFile)
	st, err := sqlitestore.Open(ctx, dbPath)
	if err != nil {
		_ = unlock()
		return nil, fmt.Errorf("open store %s: %w", dbPath, err)
	}
	return &servedStore{Store: st, where: dbPath, close: func() {
		// Close checkpoints the WAL into the database file: its failure
		// leaves the committed data in the WAL, for the next start.
		if err := st.Close(); err != nil {
			log.Error("closing the store failed: the WAL was not checkpointed into the database file; the next start reads it",
				"path", dbPath, "err", err)
		} else {
			log.Info("store closed", "path", dbPath)
		}
		if err := unlock(); err != nil {
			log.Error("releasing the data folder's lock failed", "err", err)
		}
	}}, nil
}

// openPostgres opens the PostgreSQL store at url and takes its server lock:
// one server per database until several nodes share one (issue #12).
func openPostgres(ctx context.Context, url string, log *slog.Logger) (*servedStore, error) {
	st, err := pgstore.Open(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	release, err := st.LockServer(ctx)
	if err != nil {
		_ = st.Close()
		if errors.Is(err, pgstore.ErrInUse) {
			return nil, fmt.Errorf("database %s is in use by another holdline server: one server per database for now (docs/operations.md)", st.Where())
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	where := st.Where()
	return &servedStore{Store: st, where: where, close: func() {
		if err := release(); err != nil {
			log.Error("releasing the database's server lock failed", "store", where, "err", err)
		}
		if err := st.Close(); err != nil {
			log.Error("closing the store failed", "store", where, "err", err)
			return
		}
		log.Info("store closed", "store", where)
	}}, nil
}
