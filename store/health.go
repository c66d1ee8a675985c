package store

import (
	"context"
	"database/sql"
	"time"
)

// pingTimeout bounds Ping: a probe that waits longer has failed anyway (Kubernetes gives
// a probe one second by default), and a stuck pool must not pile up waiting probes.
const pingTimeout = time.Second

// Ping tells whether the database answers a read, for GET /healthz. It reads the schema
// table on the read pool, so a closed store, an unreadable file or a pool whose
// connections are all stuck fails it, while the write connection is never taken.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	var one int
	return s.read.QueryRowContext(ctx, `SELECT 1 FROM sqlite_schema LIMIT 1`).Scan(&one)
}

// Pool reads one connection pool's statistics (open, in use, idle, waits), for the
// server's metrics; it gives no other access to the pool.
type Pool struct{ db *sql.DB }

// Stats is database/sql's statistics of the pool.
func (p Pool) Stats() sql.DBStats { return p.db.Stats() }

// Pools are the write connection and the read pool.
func (s *Store) Pools() (write, read Pool) { return Pool{s.write}, Pool{s.read} }
