// Package store is the only package that speaks SQL. It also holds the domain types, the
// rules of the product contract and the sentinel errors the web layer maps to statuses.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store wraps one SQLite file: a single write connection (SQLite has one writer anyway, and a
// pool of one makes BEGIN IMMEDIATE queue in Go instead of failing with SQLITE_BUSY) and a
// read pool for everything that only looks.
type Store struct {
	write *sql.DB
	read  *sql.DB
	// ring holds the data keys once UseMasterKey has unlocked them.
	ring atomic.Pointer[keyring]
	// counters are the prepared statements of the API-call and visit counters.
	counters *counterStmts
	// wr commits the write transactions in batches (writer.go).
	wr *groupWriter
	// journal writes the sandbox's request journal in batches (journal.go) into a file of
	// its own (journaldb.go), through jwrite; jread reads it.
	journal       *journalWriter
	jwrite, jread *sql.DB
	// clocks holds the moved sandbox clocks of accounts (clock.go).
	clocks *clocks
	// tokenSeq counts the plain access tokens issued (newAccessToken). It starts at the
	// start's time in nanoseconds, so the counts of a later start follow those of earlier ones.
	tokenSeq atomic.Uint64
	// tokenPrunes is when each account's expired tokens were last deleted (insertToken).
	tokenPrunes prunes
	// activeFaults counts the fault rules that may still answer a call (faults.go).
	activeFaults atomic.Int64
	// Now is the clock for every rule that depends on time (quotas, expiry); tests and the
	// sandbox replace it, so no code in the product calls time.Now directly.
	Now func() time.Time
}

// dsn sets every pragma in the connection string, so each pooled connection gets them.
func dsn(path string, write bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if write {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	w := openDB(dsn(path, true))
	w.SetMaxOpenConns(1)
	if err := renumberLegacy(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	jw, jr, err := openJournal(ctx, path)
	if err != nil {
		w.Close()
		return nil, err
	}
	if err := moveJournalOut(ctx, w, path); err != nil {
		w.Close()
		jw.Close()
		jr.Close()
		return nil, err
	}
	r := openDB(dsn(path, false))
	// All 8 stay open when idle: database/sql keeps 2 by default, so under load the
	// others were closed and opened again (pragmas, schema, an empty statement cache).
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	counters, err := prepareCounters(ctx, w)
	if err != nil {
		w.Close()
		r.Close()
		jw.Close()
		jr.Close()
		return nil, err
	}
	s := &Store{write: w, read: r, jwrite: jw, jread: jr, counters: counters, wr: newGroupWriter(w, counters),
		clocks: &clocks{m: map[int64]time.Duration{}}, Now: time.Now}
	s.tokenSeq.Store(uint64(s.now().UnixNano()))
	if s.journal, err = newJournalWriter(ctx, s); err != nil {
		counters.close()
		w.Close()
		r.Close()
		jw.Close()
		jr.Close()
		return nil, err
	}
	if err := s.loadClocks(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.countFaultRules(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Close writes the journal's last batch and closes every pool.
func (s *Store) Close() error {
	s.journal.close()
	s.counters.close()
	return errors.Join(s.write.Close(), s.read.Close(), s.jwrite.Close(), s.jread.Close())
}

// Backup writes a consistent copy of the live database to path (VACUUM INTO works while
// the server keeps writing). The request journal, a week of API calls kept for debugging
// in a file of its own, is not part of it.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := s.read.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// now is the store clock in UTC, formatted the way every timestamp column is stored.
func (s *Store) now() time.Time { return s.Now().UTC() }

// timeFormat is a fixed-width UTC timestamp: unlike RFC 3339 with trimmed fractions it
// sorts as text, so times can be compared in SQL.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(v string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}
