package callback

import (
	"context"
	"errors"
	"time"
)

// Store is the durable state of the platform. The domain owns this contract;
// engines (SQLite, PostgreSQL) implement it at the edge and prove it with
// the conformance suite in internal/store/storetest.
type Store interface {
	// InTx runs fn in one transaction and commits when fn returns nil; any
	// error (or panic) rolls back. A write transaction is exclusive enough
	// that a read followed by a write inside fn sees no interleaved change.
	// Once a Tx method has failed, fn must return (PostgreSQL refuses any
	// further statement in that transaction).
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the store can be reached.
	Ping(ctx context.Context) error
	// Close releases the store; it must be called once.
	Close() error
}

// Tx is what a transaction can do. Methods are named noun first.
type Tx interface {
	// InteractionGet returns the interaction with id, or ErrNotFound.
	InteractionGet(ctx context.Context, id string) (*Interaction, error)
	// InteractionGetByExternalID returns the newest non-final interaction of
	// tenant carrying the external tracking id, or ErrNotFound (always for an
	// empty id).
	InteractionGetByExternalID(ctx context.Context, tenant, externalID string) (*Interaction, error)
	// InteractionInsert stores a new interaction with Version 1. A duplicate id,
	// or an external tracking id already held by a non-final interaction of the
	// same tenant, is ErrConflict.
	InteractionInsert(ctx context.Context, it *Interaction) error
	// InteractionUpdate stores every field of it but ID if the stored version
	// is still it.Version, and then increments it.Version; otherwise
	// ErrConflict (ErrNotFound if gone).
	InteractionUpdate(ctx context.Context, it *Interaction) error
	// InteractionFind lists interactions matching every set field of p,
	// oldest first.
	InteractionFind(ctx context.Context, p *InteractionFindParams) ([]*Interaction, error)
	// InteractionCountByState counts interactions per state over the whole store.
	InteractionCountByState(ctx context.Context) (map[State]int, error)
	// RecordAppend appends r to its interaction's history and sets r.Seq;
	// ErrNotFound if the interaction does not exist.
	RecordAppend(ctx context.Context, r *Record) error
	// RecordList returns an interaction's history in order.
	RecordList(ctx context.Context, interactionID string) ([]Record, error)
	// SequenceNext returns the next value (starting at 1) of the named
	// sequence. It is transactional: rolled back with the transaction, so
	// committed values have no gaps.
	SequenceNext(ctx context.Context, name string) (int64, error)
}

// InteractionFindParams filters InteractionFind. Empty fields do not filter.
type InteractionFindParams struct {
	Tenant  string
	Segment string
	Queue   string
	Contact string
	// States keeps only interactions in one of these states.
	States []State
	// CreatedBefore keeps only interactions created before this time.
	CreatedBefore time.Time
	// Limit caps the number of results; 0 means no cap.
	Limit int
}

// Errors every store engine returns for the same conditions.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule or a version guard refused the write.
	ErrConflict = errors.New("conflict")
)
