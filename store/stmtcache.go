package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"sync/atomic"

	"modernc.org/sqlite"
)

// stmtCacheSize bounds the statements kept per connection. The store's SQL is a few
// hundred fixed texts; the bound only matters for texts built with a variable number of
// placeholders, which then run unprepared once it is reached.
const stmtCacheSize = 512

// openDB opens path through a connector whose connections keep every statement they
// prepare, keyed by its text, and reuse it on the next call with the same text. Parsing
// and planning was a fifth to a quarter of the server's CPU (BENCHMARKS.md, issue 9)
// because the driver prepares anew on every ExecContext and QueryContext; with the cache
// every call site of the store gets the saving without preparing anything itself.
func openDB(dsn string) *sql.DB {
	return sql.OpenDB(cachingConnector{dsn: dsn})
}

type cachingConnector struct{ dsn string }

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	conn, err := c.Driver().Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{inner: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (cachingConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// The driver connection's optional interfaces the cache forwards to.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is one SQLite connection with its prepared statements. database/sql uses a
// connection from one goroutine at a time, so the map needs no lock; a statement's busy
// flag is atomic because open rows may be closed from the goroutine that watches a
// cancelled context.
type cachingConn struct {
	inner driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy atomic.Bool // rows of it are open: a second use would reset them under the reader
}

func (c *cachingConn) conn() innerConn { return c.inner.(innerConn) }

// stmt is the prepared statement of query, prepared now on its first use; nil when the
// cache is full or the statement is in use by open rows (a nested query of the same text).
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy.Load() {
			return nil, nil
		}
		return cs, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		return nil, nil
	}
	st, err := c.conn().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{st: st}
	c.stmts[query] = cs
	return cs, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil || cs == nil {
		return c.conn().ExecContext(ctx, query, args)
	}
	return cs.st.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil || cs == nil {
		return c.conn().QueryContext(ctx, query, args)
	}
	r, err := cs.st.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy.Store(true)
	return &cachedRows{Rows: r, stmt: cs}, nil
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.inner.Prepare(query) }
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.conn().PrepareContext(ctx, query)
}
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.conn().BeginTx(context.Background(), driver.TxOptions{})
}
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.conn().BeginTx(ctx, opts)
}
func (c *cachingConn) Ping(ctx context.Context) error         { return c.conn().Ping(ctx) }
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.conn().ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.conn().IsValid() }
func (c *cachingConn) closeAll() {
	for q, cs := range c.stmts {
		cs.st.Close()
		delete(c.stmts, q)
	}
}

// Close finalizes the statements first: SQLite keeps a connection with unfinalized
// statements open.
func (c *cachingConn) Close() error {
	c.closeAll()
	return c.inner.Close()
}

// cachedRows gives the statement back to the cache when the rows are closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy.Store(false)
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	return r.Rows.(driver.RowsColumnTypeDatabaseTypeName).ColumnTypeDatabaseTypeName(i)
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	return r.Rows.(driver.RowsColumnTypeScanType).ColumnTypeScanType(i)
}
