package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
)

// The committer's statements run on the driver's connection itself, below
// database/sql. The committer is the only user of the writer's connection
// while a batch runs, and every registration's statements run one after the
// other on it: database/sql's per-statement work — a Stmt bound to the
// transaction, a Rows with its locks and a goroutine watching the
// transaction's context, the conversions of Scan — cost as much as SQLite's
// own work for the short statements of a request. Here a statement is
// compiled once per connection and kept, its arguments converted as
// database/sql converts them, and its columns assigned by the few rules the
// store's reads need.

// runner is what a transaction's statements run on: database/sql for the
// readers (uncancelled, commit.go), the driver for the committer (rawTx).
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (rowSet, error)
	QueryRowContext(ctx context.Context, query string, args ...any) scanner
}

// rowSet is what a *sql.Rows and a rawRows have in common.
type rowSet interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// rawConn is the writer's driver connection and the statements compiled on
// it. Only the committer uses it, inside sql.Conn.Raw.
type rawConn struct {
	conn  driver.Conn
	stmts map[string]driver.Stmt
	// args is reused by every statement: the committer runs one at a time.
	args []driver.NamedValue
	// seqs are the sequences' values as the committer knows them, and a
	// batch's (sequence.go).
	seqs  seqState
	batch batchSeqs
}

// newRawConn checks that dc is a connection the raw path can drive.
func newRawConn(dc any) (*rawConn, error) {
	c, ok := dc.(driver.Conn)
	if !ok {
		return nil, fmt.Errorf("sqlitestore: the driver's connection is a %T, not a driver.Conn", dc)
	}
	if _, ok := dc.(driver.ConnBeginTx); !ok {
		return nil, fmt.Errorf("sqlitestore: the driver's connection %T cannot begin a transaction with options", dc)
	}
	rc := &rawConn{conn: c, stmts: map[string]driver.Stmt{}, seqs: seqState{committed: map[string]int64{}, dataVersion: -1}}
	rc.batch = batchSeqs{state: &rc.seqs, values: map[string]int64{}, undo: map[string]int64{}}
	return rc, nil
}

// begin starts the batch's transaction (BEGIN IMMEDIATE: the writer's
// connection is opened with _txlock=immediate).
func (c *rawConn) begin() (driver.Tx, error) {
	return c.conn.(driver.ConnBeginTx).BeginTx(context.Background(), driver.TxOptions{})
}

// stmt returns query compiled on the connection, compiling it the first
// time; keep is false when the statement is not kept (the cache is full) and
// the caller must close it.
func (c *rawConn) stmt(query string) (st driver.Stmt, keep bool, err error) {
	if st, ok := c.stmts[query]; ok {
		return st, true, nil
	}
	st, err = c.conn.Prepare(query)
	if err != nil {
		return nil, false, err
	}
	if len(c.stmts) >= maxStmts {
		return st, false, nil
	}
	c.stmts[query] = st
	return st, true, nil
}

// close finalizes the kept statements.
func (c *rawConn) close() {
	for q, st := range c.stmts {
		_ = st.Close()
		delete(c.stmts, q)
	}
}

// namedArgs converts args as database/sql does for a driver without a
// NamedValueChecker: driver.Valuer first, then the default conversions.
func (c *rawConn) namedArgs(args []any) ([]driver.NamedValue, error) {
	nv := c.args[:0]
	for i, a := range args {
		v, err := driver.DefaultParameterConverter.ConvertValue(a)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: argument %d: %w", i+1, err)
		}
		nv = append(nv, driver.NamedValue{Ordinal: i + 1, Value: v})
	}
	c.args = nv
	return nv, nil
}

// rawTx runs one batch's statements on c. Like uncancelled, it ignores its
// callers' cancellation: the batch's statements are short and bounded, and
// an interrupted write would abandon the whole batch.
type rawTx struct {
	c    *rawConn
	seqs *batchSeqs
}

var _ runner = rawTx{}

func (t rawTx) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	st, keep, err := t.c.stmt(query)
	if err != nil {
		return nil, err
	}
	if !keep {
		defer func() { _ = st.Close() }()
	}
	nv, err := t.c.namedArgs(args)
	if err != nil {
		return nil, err
	}
	return st.(driver.StmtExecContext).ExecContext(context.Background(), nv)
}

func (t rawTx) QueryContext(_ context.Context, query string, args ...any) (rowSet, error) {
	st, keep, err := t.c.stmt(query)
	if err != nil {
		return nil, err
	}
	nv, err := t.c.namedArgs(args)
	if err != nil {
		if !keep {
			_ = st.Close()
		}
		return nil, err
	}
	rows, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), nv)
	if err != nil {
		if !keep {
			_ = st.Close()
		}
		return nil, err
	}
	r := &rawRows{rows: rows, vals: make([]driver.Value, len(rows.Columns()))}
	if !keep {
		r.stmt = st
	}
	return r, nil
}

func (t rawTx) QueryRowContext(ctx context.Context, query string, args ...any) scanner {
	rows, err := t.QueryContext(ctx, query, args...)
	return rawRow{rows: rows, err: err}
}

// rawRows reads a query's rows as *sql.Rows does.
type rawRows struct {
	rows   driver.Rows
	stmt   driver.Stmt // closed with the rows when not kept
	vals   []driver.Value
	err    error
	closed bool
}

// Next reads the next row; false at the end or on an error (Err says which).
func (r *rawRows) Next() bool {
	if r.closed {
		return false
	}
	if err := r.rows.Next(r.vals); err != nil {
		if !errors.Is(err, io.EOF) {
			r.err = err
		}
		if cerr := r.Close(); cerr != nil && r.err == nil {
			r.err = cerr
		}
		return false
	}
	return true
}

// Scan assigns the current row's columns to dest.
func (r *rawRows) Scan(dest ...any) error {
	if r.closed {
		return errors.New("sqlitestore: Scan after the rows were closed")
	}
	if len(dest) != len(r.vals) {
		return fmt.Errorf("sqlitestore: %d destinations for %d columns", len(dest), len(r.vals))
	}
	for i, v := range r.vals {
		if err := assign(dest[i], v); err != nil {
			return fmt.Errorf("sqlitestore: column %d: %w", i+1, err)
		}
	}
	return nil
}

// Err is the error that ended Next, if any.
func (r *rawRows) Err() error { return r.err }

// Close resets the statement (or finalizes one not kept); a second Close does
// nothing.
func (r *rawRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.rows.Close()
	if r.stmt != nil {
		if cerr := r.stmt.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// rawRow is a query's first row, as *sql.Row: sql.ErrNoRows when there is
// none, and the statement's error when it failed.
type rawRow struct {
	rows rowSet
	err  error
}

func (r rawRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer func() { _ = r.rows.Close() }()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// errNull is Scan's answer for a NULL column read into a type without one.
var errNull = errors.New("NULL into a type that cannot hold it")

// assign stores src, a value the driver read, in dest, by database/sql's
// rules for the types the store reads: integers, floats, strings, bytes and
// booleans (and types defined on them), sql.Scanner, and any.
func assign(dest any, src driver.Value) error {
	switch d := dest.(type) {
	case *string:
		switch s := src.(type) {
		case string:
			*d = s
			return nil
		case []byte:
			*d = string(s)
			return nil
		}
	case *int64:
		if n, ok := src.(int64); ok {
			*d = n
			return nil
		}
	case *int:
		if n, ok := src.(int64); ok {
			*d = int(n)
			return nil
		}
	case *[]byte:
		switch s := src.(type) {
		case nil:
			*d = nil
			return nil
		case []byte:
			*d = append([]byte(nil), s...)
			return nil
		case string:
			*d = []byte(s)
			return nil
		}
	case *any:
		if b, ok := src.([]byte); ok {
			src = append([]byte(nil), b...)
		}
		*d = src
		return nil
	case sql.Scanner:
		return d.Scan(src)
	}
	return assignReflect(dest, src)
}

// assignReflect is assign for the conversions between kinds: a number read
// as text, a defined type (type Mode string), a boolean stored as 0 or 1.
func assignReflect(dest any, src driver.Value) error {
	p := reflect.ValueOf(dest)
	if p.Kind() != reflect.Pointer || p.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dest)
	}
	if src == nil {
		return fmt.Errorf("%w (%T)", errNull, dest)
	}
	v := p.Elem()
	text := func() (string, bool) {
		switch s := src.(type) {
		case string:
			return s, true
		case []byte:
			return string(s), true
		case int64:
			return strconv.FormatInt(s, 10), true
		case float64:
			return strconv.FormatFloat(s, 'g', -1, 64), true
		}
		return "", false
	}
	switch v.Kind() {
	case reflect.String:
		if s, ok := text(); ok {
			v.SetString(s)
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s, _ := text()
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%v into %T: %w", src, dest, err)
		}
		v.SetInt(n)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s, _ := text()
		n, err := strconv.ParseUint(s, 10, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%v into %T: %w", src, dest, err)
		}
		v.SetUint(n)
		return nil
	case reflect.Float32, reflect.Float64:
		if f, ok := src.(float64); ok {
			v.SetFloat(f)
			return nil
		}
		s, _ := text()
		f, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil {
			return fmt.Errorf("%v into %T: %w", src, dest, err)
		}
		v.SetFloat(f)
		return nil
	case reflect.Bool:
		b, err := driver.Bool.ConvertValue(src)
		if err != nil {
			return fmt.Errorf("%v into %T: %w", src, dest, err)
		}
		v.SetBool(b.(bool))
		return nil
	}
	return fmt.Errorf("unsupported: %T into %T", src, dest)
}
