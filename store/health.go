package store

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
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

// PoolCollectors are Prometheus collectors of the write connection's and the read pool's
// statistics (open, in use, idle, waits), labelled db_name "write" and "read", and of the
// request journal's two ("journal_write", "journal_read"), for the server's metrics: the
// pools themselves stay inside the store.
func (s *Store) PoolCollectors() []prometheus.Collector {
	return []prometheus.Collector{collectors.NewDBStatsCollector(s.write, "write"), collectors.NewDBStatsCollector(s.read, "read"),
		collectors.NewDBStatsCollector(s.jwrite, "journal_write"), collectors.NewDBStatsCollector(s.jread, "journal_read")}
}
