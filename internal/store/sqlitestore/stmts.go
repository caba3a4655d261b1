package sqlitestore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// Compiled statements of the readers. SQLite compiles every statement before
// running it, and for the short statements of a request compiling costs as
// much as running. So a statement a View has run is compiled once and kept:
// the first run of a query text goes uncompiled and asks for it; once the
// connection is free again (after its View) the asked-for texts are
// compiled; later runs use them, on every connection of the pool
// (database/sql compiles a kept statement once per connection, on that
// connection). The committer keeps its own on its connection (raw.go).
//
// Compiling waits for a free connection of the pool, so it is never done
// while the caller holds one.

// maxStmts bounds the kept statements: the store's query texts are a fixed
// set, but for the lengths of their IN lists.
const maxStmts = 512

// stmtCache holds the compiled statements of one pool.
type stmtCache struct {
	db *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt // nil value: compiling failed, run uncompiled
	wanted map[string]bool
	// asked is set while wanted holds a text, so that a caller with nothing
	// to compile pays one atomic load.
	asked atomic.Bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns query's compiled statement, or nil (and asks for it).
func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxStmts {
		c.wanted[query] = true
		c.asked.Store(true)
	}
	return nil
}

// compileAsked compiles the texts asked for since the last call. The caller
// must hold no connection of the pool.
func (c *stmtCache) compileAsked(ctx context.Context) {
	if c == nil || !c.asked.Load() {
		return
	}
	c.mu.Lock()
	queries := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.asked.Store(false)
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			st = nil // it runs uncompiled, as before: SQLite says why when it does
		}
		c.mu.Lock()
		c.stmts[q] = st
		c.mu.Unlock()
	}
}

// close releases the compiled statements.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.stmts {
		if st != nil {
			_ = st.Close()
		}
		delete(c.stmts, q)
	}
}
