package callback

// This file is longer than most on purpose: it is the one contract between
// the domain and the store engines — every Tx method, its parameters and the
// rules an engine must keep — whole, as an engine's author reads it.

import (
	"context"
	"errors"
	"fmt"
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
	// further statement in that transaction). When the store cannot do the
	// work now but may later (it cannot write, cannot be reached, or is held
	// by another process past the wait), InTx, a Tx method or the commit
	// returns an error that is ErrUnavailable, and nothing is committed.
	//
	// Group commit is a property every engine must have: many concurrent
	// InTx calls share the cost of making their work durable (one fsync, one
	// WAL flush), yet each returns nil only once its own work is durable,
	// and one call's error or panic never undoes another's work. SQLite
	// batches the calls into one transaction with a savepoint each;
	// PostgreSQL runs them as concurrent transactions whose commits share
	// WAL flushes.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// View runs fn in a read-only transaction that sees everything committed
	// before it started and nothing after. It does not wait for writes, nor
	// writes for it (SQLite: connections of their own beside the writer's,
	// any number at once in WAL mode; PostgreSQL: a REPEATABLE READ READ
	// ONLY transaction from the pool). A Tx method that writes fails. Errors
	// are reported as by InTx.
	View(ctx context.Context, fn func(tx Tx) error) error
	// Ping reports whether the store can be reached. It says nothing of
	// whether the store can write: a full disk still answers a ping.
	Ping(ctx context.Context) error
	// Close releases the store, after making what it holds durable in its
	// final form (SQLite: the WAL checkpointed into the database file); an
	// error says that step failed. It must be called once.
	Close() error
}

// Tx is what a transaction can do. Methods are named noun first and grouped
// by noun (interactions, records, queue modes, launches, outbox, sequences);
// each takes the context and one value: a *Params, or a value that names what
// it acts on. Parameters the domain can get wrong have a Validate method the
// engine calls first, so every engine refuses the same mistakes.
//
// Check-then-insert rules. The domain reads and then writes in one
// transaction to keep rules no unique index can: Callback Double Check (one
// live callback per contact and queue), appointment slot capacity, licence
// counts, and each launch claimed by one dialer. An engine must serialize
// such transactions so that two of them cannot both read the state before
// the other's write: SQLite does it with one writer (every transaction
// begins IMMEDIATE); an engine that runs writers side by side must take, in
// the transaction, locks that serialize the ones touching the same queue
// (taken in a fixed order), or run them SERIALIZABLE and retry a conflict.
type Tx interface {
	// InteractionGet returns the interaction with id, or ErrNotFound.
	InteractionGet(ctx context.Context, id string) (*Interaction, error)
	// InteractionGetByExternalID returns the newest non-final interaction of
	// ref.Tenant carrying the external tracking id ref.ID, or ErrNotFound
	// (always for an empty id).
	InteractionGetByExternalID(ctx context.Context, ref ExternalID) (*Interaction, error)
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
	// InteractionCount counts the interactions InteractionFind would list
	// (Limit ignored), without reading them.
	InteractionCount(ctx context.Context, p *InteractionFindParams) (int, error)
	// InteractionCountByState counts interactions per state over the whole store.
	InteractionCountByState(ctx context.Context) (map[State]int, error)

	// RecordAppend appends r to its interaction's history and sets r.Seq;
	// ErrNotFound if the interaction does not exist.
	RecordAppend(ctx context.Context, r *Record) error
	// RecordList returns an interaction's history in order.
	RecordList(ctx context.Context, interactionID string) ([]Record, error)
	// RecordFind lists the records whose own Tenant and Queue (as at the
	// change) match p, in append (Seq) order; the Queue Manager replays them
	// at start to rebuild its statistics.
	RecordFind(ctx context.Context, p *RecordFindParams) ([]Record, error)

	// QueueModeGet returns the manual operation mode stored for a queue, or
	// ErrNotFound. The store has no clock: an override past its Until is
	// still returned; the domain decides whether it is in force.
	QueueModeGet(ctx context.Context, q QueueKey) (*ModeOverride, error)
	// QueueModeList returns every stored manual operation mode, ordered by
	// tenant then queue (byte-wise).
	QueueModeList(ctx context.Context) ([]ModeOverride, error)
	// QueueModeSet sets (or replaces) the manual operation mode of o.Tenant/o.Queue.
	QueueModeSet(ctx context.Context, o *ModeOverride) error
	// QueueModeClear removes a queue's manual operation mode; clearing none is not an error.
	QueueModeClear(ctx context.Context, q QueueKey) error

	// LaunchInsert stores every field of a new launch as given (no lease,
	// Deliveries 0, no AckedAt); a Key already stored is ErrConflict (a launch
	// is issued once per attempt); an unknown interaction is ErrNotFound.
	LaunchInsert(ctx context.Context, l *Launch) error
	// LaunchClaim leases up to p.Max launches of p.Tenant (and p.Queue when
	// set) that are not acknowledged and whose lease is unset (zero) or
	// expired (LeaseExpires not after p.Now), oldest first (CreatedAt, then
	// Key): it sets their LeaseOwner and LeaseExpires (p.Now + p.Lease),
	// increments Deliveries, and returns them. Parameters p.Validate refuses
	// are an error.
	LaunchClaim(ctx context.Context, p *LaunchClaimParams) ([]Launch, error)
	// LaunchAck marks launch p.Key acknowledged at p.At, whatever its lease,
	// and returns it; an unknown key is ErrNotFound; acknowledging twice keeps
	// the first time. Parameters p.Validate refuses are an error.
	LaunchAck(ctx context.Context, p *LaunchAckParams) (*Launch, error)
	// LaunchFind lists launches matching p, oldest first.
	LaunchFind(ctx context.Context, p *LaunchFindParams) ([]Launch, error)

	// OutboxInsert stores a new outbox message with every field as given but
	// ID, which the store assigns (increasing in insertion order) and sets on
	// m. A (Tenant, Destination, Key) already stored is ErrConflict: a
	// message is written once per destination.
	OutboxInsert(ctx context.Context, m *OutboxMessage) error
	// OutboxClaim leases up to p.Max pending messages that are due (NextAt
	// not after p.Now) and whose lease is unset (zero) or expired
	// (LeaseExpires not after p.Now), earliest due first (NextAt, then ID):
	// it sets their LeaseOwner and LeaseExpires (p.Now + p.Lease),
	// increments Attempts, and returns them in that order. Parameters
	// p.Validate refuses are an error.
	OutboxClaim(ctx context.Context, p *OutboxClaimParams) ([]OutboxMessage, error)
	// OutboxDelivered marks message p.ID delivered at p.At, whatever its
	// state (a receiver's 2xx is a fact), clears its lease and returns it; a
	// message already delivered keeps its first SettledAt. An unknown id is
	// ErrNotFound; parameters p.Validate refuses are an error.
	OutboxDelivered(ctx context.Context, p *OutboxDeliveredParams) (*OutboxMessage, error)
	// OutboxRetry puts a pending message back for another attempt at
	// p.NextAt with p.Error as its LastError and no lease, if it is still
	// pending and its Attempts is p.Attempts (the claim the caller answers);
	// otherwise ErrConflict (ErrNotFound when unknown).
	OutboxRetry(ctx context.Context, p *OutboxRetryParams) (*OutboxMessage, error)
	// OutboxDiscard ends a pending message without delivering it: State
	// p.State, SettledAt p.At, LastError p.Error, no lease; with the same
	// guard as OutboxRetry. Parameters p.Validate refuses are an error.
	OutboxDiscard(ctx context.Context, p *OutboxDiscardParams) (*OutboxMessage, error)
	// OutboxFind lists the messages matching p, in ID order.
	OutboxFind(ctx context.Context, p *OutboxFindParams) ([]OutboxMessage, error)

	// SequenceNext returns the next value (starting at 1) of the named
	// sequence. It is transactional: rolled back with the transaction, so
	// committed values have no gaps.
	SequenceNext(ctx context.Context, name string) (int64, error)
}

// QueueKey names one queue of one tenant.
type QueueKey struct {
	Tenant string
	Queue  string
}

// ExternalID names an interaction by its tenant and the external tracking
// id an ACD gave its call.
type ExternalID struct {
	Tenant string
	ID     string
}

// InteractionFindParams filters InteractionFind. Empty fields (and empty
// slices) do not filter; a stored zero CreatedAt matches neither
// CreatedBefore nor CreatedSince.
type InteractionFindParams struct {
	Tenant  string
	Segment string
	Queue   string
	Contact string
	// States keeps only interactions in one of these states.
	States []State
	// Types keeps only interactions of one of these types.
	Types []InteractionType
	// SourceApplications keeps only interactions created by one of these
	// source applications (exact, case-sensitive).
	SourceApplications []string
	// CreatedBefore keeps only interactions created before this time.
	CreatedBefore time.Time
	// CreatedSince keeps only interactions created at or after this time.
	CreatedSince time.Time
	// Limit caps the number of results; 0 means no cap.
	Limit int
	// ByPlace orders the results by place in the virtual queue — QueuedAt,
	// or CreatedAt when QueuedAt is zero; then CreatedAt; then ID — instead
	// of by CreatedAt and ID. An engine answers it from an index, so that
	// the first of a long queue cost no more than those of a short one.
	ByPlace bool
	// After, with ByPlace, keeps only the interactions placed after it (a
	// page's last), for reading a queue page by page.
	After *Interaction
	// Before, with ByPlace, keeps only the interactions placed before it:
	// with InteractionCount, how many are ahead of it in its queue.
	Before *Interaction
	// AppointmentBy keeps only interactions booked at or before this time
	// (those with no appointment never match): the scheduled callbacks due
	// to be launched, read from an index however many are booked later.
	AppointmentBy time.Time
}

// RecordFindParams filter RecordFind. Empty fields do not filter.
type RecordFindParams struct {
	Tenant string
	Queue  string
	// Since keeps only records at or after this time (a zero At never matches).
	Since time.Time
	// AfterSeq keeps only records appended after the record with this Seq.
	AfterSeq int64
	// Limit caps the number of results; 0 means no cap.
	Limit int
}

// ModeOverride is an operation mode set by hand on a queue (the console or
// the mode API, like the original's EyeQueue). It is durable: a restart
// keeps it.
type ModeOverride struct {
	Tenant string
	Queue  string
	Mode   Mode
	// SetAt is when it was set.
	SetAt time.Time
	// Until is when it ends by itself; zero means until cleared or until the
	// next scheduled mode change.
	Until time.Time
	// By says who set it (a user or token name, for the history).
	By string
}

// Launch is the durable order to place one outbound attempt of a callback:
// written in the same transaction as the interaction's Launch transition,
// then delivered to a dialer at least once (claimed under a lease, offered
// again when the lease expires, until acknowledged).
type Launch struct {
	// Key is the idempotency key: interaction id + "/" + attempt number.
	Key           string
	InteractionID string
	Attempt       int
	Tenant        string
	Queue         string
	// FirstParty is who is called first: "customer" (Predictive) or "agent" (AgentPriority).
	FirstParty string
	// CreatedAt is when the launch was issued.
	CreatedAt time.Time
	// LeaseOwner and LeaseExpires describe the current claim; empty/zero when unclaimed.
	LeaseOwner   string
	LeaseExpires time.Time
	// Deliveries counts how many times the launch was claimed.
	Deliveries int
	// AckedAt is when a dialer acknowledged it; zero while not acknowledged.
	AckedAt time.Time
}

// LaunchClaimParams select and lease launches for a dialer.
type LaunchClaimParams struct {
	Tenant string
	// Queue, when set, limits the claim to one queue.
	Queue string
	// Max is the largest number of launches to lease (at least 1).
	Max int
	// Owner names the claiming dialer.
	Owner string
	// Now is the claim time and Lease its length.
	Now   time.Time
	Lease time.Duration
}

// Validate refuses claim parameters that cannot lease anything sensibly:
// they are a caller's bug, not an empty queue.
func (p *LaunchClaimParams) Validate() error {
	if p == nil {
		return errors.New("launch claim: no parameters")
	}
	return validLease("launch claim", p.Max, p.Owner, p.Now, p.Lease)
}

// LaunchAckParams acknowledge one launch.
type LaunchAckParams struct {
	Key string
	// At is when it was acknowledged.
	At time.Time
}

// Validate refuses an acknowledgement without a time (an unknown key,
// the empty one included, is not found, not invalid).
func (p *LaunchAckParams) Validate() error {
	switch {
	case p == nil:
		return errors.New("launch ack: no parameters")
	case p.At.IsZero():
		return fmt.Errorf("launch ack %s: no acknowledgement time", p.Key)
	}
	return nil
}

// validLease refuses the parameters of a leasing claim (launches, outbox)
// that cannot lease anything sensibly.
func validLease(what string, maxRows int, owner string, now time.Time, lease time.Duration) error {
	switch {
	case maxRows < 1:
		return fmt.Errorf("%s: max %d is less than 1", what, maxRows)
	case owner == "":
		return fmt.Errorf("%s: no owner", what)
	case lease <= 0:
		return fmt.Errorf("%s: lease %s is not positive", what, lease)
	case now.IsZero():
		return fmt.Errorf("%s: no claim time", what)
	}
	return nil
}

// LaunchFindParams filter LaunchFind. Empty fields do not filter.
type LaunchFindParams struct {
	Tenant        string
	Queue         string
	InteractionID string
	// Unacked keeps only launches not yet acknowledged.
	Unacked bool
}

// OutboxState is where an outbox message is in its delivery.
type OutboxState string

// The outbox states. Pending is the only one that is ever left.
const (
	// OutboxPending waits for a delivery (or a retry) to succeed.
	OutboxPending OutboxState = "pending"
	// OutboxDelivered was acknowledged by its receiver (HTTP 2xx).
	OutboxDelivered OutboxState = "delivered"
	// OutboxExpired was not acknowledged before ExpiresAt.
	OutboxExpired OutboxState = "expired"
	// OutboxCancelled became pointless before it was delivered (a reminder
	// for a callback that was cancelled, a launch whose attempt is over).
	OutboxCancelled OutboxState = "cancelled"
)

// OutboxStates lists every outbox state.
var OutboxStates = []OutboxState{OutboxPending, OutboxDelivered, OutboxExpired, OutboxCancelled}

// OutboxMessage is one message for one destination (a dialer, a webhook, the
// SMS gateway), written in the transaction of the change that causes it and
// delivered at least once from there: claimed under a lease, retried until
// its receiver acknowledges it or it expires.
type OutboxMessage struct {
	// ID is assigned by the store, increasing in insertion order.
	ID int64
	// Tenant is the tenant the message belongs to.
	Tenant string
	// Destination names where it goes: "dialer/QUEUE", "webhook/NAME", "sms".
	Destination string
	// Key is the idempotency key, the same on every attempt; unique per
	// tenant and destination.
	Key string
	// Type is what the message says ("callback.completed", "launch").
	Type EventType
	// InteractionID is the interaction the message is about; empty for queue events.
	InteractionID string
	// Precondition is the domain's note of when the message is still worth
	// sending (the interaction's state, attempt or appointment); empty:
	// always. Opaque to the store.
	Precondition string
	// Payload is the JSON body.
	Payload []byte
	// CreatedAt is when the message was written.
	CreatedAt time.Time
	// NextAt is when it is due (first, or next after a failed attempt).
	NextAt time.Time
	// ExpiresAt is when delivery is given up.
	ExpiresAt time.Time
	State     OutboxState
	// Attempts counts the claims (delivery attempts) so far.
	Attempts int
	// LeaseOwner and LeaseExpires describe the current claim; empty/zero when unclaimed.
	LeaseOwner   string
	LeaseExpires time.Time
	// LastError says why the latest attempt failed.
	LastError string
	// SettledAt is when the message was delivered, expired or cancelled.
	SettledAt time.Time
}

// OutboxClaimParams select and lease due outbox messages for a delivery worker.
type OutboxClaimParams struct {
	// Max is the largest number of messages to lease (at least 1).
	Max int
	// Owner names the claiming worker.
	Owner string
	// Now is the claim time and Lease its length.
	Now   time.Time
	Lease time.Duration
}

// Validate refuses claim parameters that cannot lease anything sensibly:
// they are a caller's bug, not an empty outbox.
func (p *OutboxClaimParams) Validate() error {
	if p == nil {
		return errors.New("outbox claim: no parameters")
	}
	return validLease("outbox claim", p.Max, p.Owner, p.Now, p.Lease)
}

// OutboxDeliveredParams record that a message's receiver acknowledged it.
type OutboxDeliveredParams struct {
	ID int64
	// At is when the receiver acknowledged it.
	At time.Time
}

// Validate refuses a delivery without a time.
func (p *OutboxDeliveredParams) Validate() error {
	switch {
	case p == nil:
		return errors.New("outbox delivered: no parameters")
	case p.At.IsZero():
		return fmt.Errorf("outbox delivered %d: no delivery time", p.ID)
	}
	return nil
}

// OutboxRetryParams reschedule a message after a failed attempt.
type OutboxRetryParams struct {
	ID int64
	// Attempts is the message's Attempts as claimed: a stale answer conflicts.
	Attempts int
	NextAt   time.Time
	Error    string
}

// OutboxDiscardParams end a message without delivery.
type OutboxDiscardParams struct {
	ID int64
	// Attempts is the message's Attempts as claimed: a stale answer conflicts.
	Attempts int
	// State is OutboxExpired or OutboxCancelled.
	State OutboxState
	At    time.Time
	Error string
}

// Validate refuses an ending that is not one (a state other than expired
// or cancelled) or has no time.
func (p *OutboxDiscardParams) Validate() error {
	switch {
	case p == nil:
		return errors.New("outbox discard: no parameters")
	case p.State != OutboxExpired && p.State != OutboxCancelled:
		return fmt.Errorf("outbox discard %d: state %q is neither %s nor %s", p.ID, p.State, OutboxExpired, OutboxCancelled)
	case p.At.IsZero():
		return fmt.Errorf("outbox discard %d: no time", p.ID)
	}
	return nil
}

// OutboxFindParams filter OutboxFind. Empty fields (and slices) do not filter.
type OutboxFindParams struct {
	Tenant        string
	Destination   string
	Key           string
	InteractionID string
	// States keeps only messages in one of these states.
	States []OutboxState
	// AfterID keeps only messages with a greater ID.
	AfterID int64
	// Limit caps the number of results; 0 means no cap.
	Limit int
}

// Errors every store engine returns for the same conditions.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule or a version guard refused the write.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable means the store cannot do the work now but may later,
	// with no change of the request: it cannot write (disk full, I/O error,
	// read-only file system), cannot be reached (a database server down, a
	// file that cannot be opened), or another process held the lock past the
	// wait. Nothing of the transaction was committed. The platform answers it
	// with 109004 PlatformUnavailable and turns not ready until a write
	// succeeds. Engines map their transient failures to it (SQLite: FULL,
	// IOERR, CANTOPEN, READONLY, BUSY; PostgreSQL: connection errors); a
	// fault that needs an operator, such as a corrupt database, is not
	// unavailability.
	ErrUnavailable = errors.New("store unavailable")
)
