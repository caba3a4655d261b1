package sqlitestore

import (
	"database/sql"

	"github.com/holdline/holdline/internal/callback"
)

// tx is the callback.Tx of one InTx call. Its methods live in one file per
// area: interaction.go, record.go, mode.go, launch.go, outbox.go, sequence.go.
type tx struct {
	tx *sql.Tx
}

var _ callback.Tx = (*tx)(nil)

// scanner is what a *sql.Row and *sql.Rows have in common.
type scanner interface {
	Scan(dest ...any) error
}
