package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The request journal lives in a SQLite file of its own beside the database (JournalPath),
// with its own write connection, write lock and WAL: its batches of up to 256 rows then
// run beside the API's writes instead of inside their transactions, and its checkpoints
// never hold the API's writer. It holds nothing the product's rules read, so it needs no
// foreign key into the database: a call's account is resolved before its row is written.

// JournalPath is the request journal's file for the database at db.
func JournalPath(db string) string { return db + ".requests" }

// journalSchema is the journal file's whole schema; it is applied on every open, so a
// missing or deleted journal file is simply started again. account_id is NULL for a call
// that named no known account (rid/get answers 76003 for it). Requests and answers are
// stored masked; reason is a catalog key with its values (JSON) saying in words why a
// refusal happened. The hourly prune walks the oldest rows by id, so there is no index on
// the time alone (every insert would pay for it).
const journalSchema = `
CREATE TABLE IF NOT EXISTS api_journal (
	id            INTEGER PRIMARY KEY,
	rid           TEXT NOT NULL UNIQUE,
	account_id    INTEGER,
	at            TEXT NOT NULL,
	method        TEXT NOT NULL,
	endpoint      TEXT NOT NULL,
	client_ip     TEXT NOT NULL,
	cost_ms       INTEGER NOT NULL,
	status        INTEGER NOT NULL,
	errcode       INTEGER NOT NULL,
	request_url   TEXT NOT NULL,
	request_body  TEXT NOT NULL,
	response_body TEXT NOT NULL,
	reason        TEXT NOT NULL DEFAULT '',
	reason_args   TEXT NOT NULL DEFAULT '{}',
	fault_rule    INTEGER,
	clock_offset_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS api_journal_account_at ON api_journal (account_id, at);`

// journalPragmas are the journal connections' own settings, after the database's:
//   - a page cache of 256 KiB (SQLite's default is 2 MiB): rows are only appended and a
//     search reads one account's newest hundred, so a large cache holds nothing worth
//     keeping and only adds to the server's memory;
//   - synchronous OFF: SQLite never waits for the disk on this file. Its syncs at each
//     checkpoint flushed the file system's journal under the API's own writes and cost the
//     token call about a tenth of its speed (BENCHMARKS.md, "The request journal"). A
//     server that crashes loses only the entries still in memory (the last batch), as
//     before; a machine that loses power may lose the journal's last seconds or damage the
//     file, which the next start sets aside (openJournal). The product's data, in the
//     database, keeps its own settings.
const journalPragmas = "&_pragma=cache_size(-256)&_pragma=synchronous(OFF)"

// journalReaders is the journal's read pool: the sandbox page's search and rid/get.
const journalReaders = 4

// openJournal opens (creating if needed) the journal file of the database at path. A file
// that is not a database, or a damaged one, is renamed with the suffix ".broken" (the
// last one kept) and a new journal started: losing a week of debugging records must not
// keep the server from starting.
func openJournal(ctx context.Context, path string) (write, read *sql.DB, err error) {
	file := JournalPath(path)
	write, err = openJournalWriter(ctx, file)
	if brokenFile(err) {
		if rerr := os.Rename(file, file+".broken"); rerr != nil {
			return nil, nil, errors.Join(err, rerr)
		}
		for _, side := range []string{"-wal", "-shm"} {
			if rerr := os.Remove(file + side); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
				return nil, nil, errors.Join(err, rerr)
			}
		}
		write, err = openJournalWriter(ctx, file)
	}
	if err != nil {
		return nil, nil, err
	}
	read = openDB(dsn(file, false) + journalPragmas)
	read.SetMaxOpenConns(journalReaders)
	read.SetMaxIdleConns(journalReaders)
	return write, read, nil
}

func openJournalWriter(ctx context.Context, file string) (*sql.DB, error) {
	write := openDB(dsn(file, true) + journalPragmas)
	write.SetMaxOpenConns(1)
	if _, err := write.ExecContext(ctx, journalSchema); err != nil {
		write.Close()
		return nil, fmt.Errorf("request journal %s: %w", file, err)
	}
	return write, nil
}

// brokenFile tells an error of a file that is not, or no longer, a database.
func brokenFile(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff // the primary code of an extended one
	return code == sqlite3.SQLITE_NOTADB || code == sqlite3.SQLITE_CORRUPT
}

// journalMovedColumns are the columns the journal had in the database (moveJournalOut);
// journalColumnList is every column of a journal row but its id, in the schema's order.
const (
	journalMovedColumns = `rid, account_id, at, method, endpoint, client_ip, cost_ms, status, errcode,
	request_url, request_body, response_body, reason, reason_args, fault_rule`
	journalColumnList = journalMovedColumns + `, clock_offset_ms`
)

// moveJournalOut moves the rows of the api_journal table that databases kept before the
// journal had a file of its own (migrations 0012–0016) into that file, and drops the
// table, in one transaction of the database: a crash before its commit leaves the rows
// where they were, and INSERT OR IGNORE (rid is unique) makes the next start's move of
// the same rows harmless. A database that has no such table is left as it is.
func moveJournalOut(ctx context.Context, db *sql.DB, path string) error {
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'api_journal'`).Scan(&n); err != nil {
		return fmt.Errorf("look for the old request journal: %w", err)
	}
	if n == 0 {
		return nil
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS requests`, JournalPath(path)); err != nil {
		return fmt.Errorf("attach the request journal: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH DATABASE requests`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO requests.api_journal (`+journalMovedColumns+`)
		SELECT `+journalMovedColumns+` FROM main.api_journal ORDER BY id`); err != nil {
		return fmt.Errorf("move the request journal: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE main.api_journal`); err != nil {
		return fmt.Errorf("drop the old request journal: %w", err)
	}
	return tx.Commit()
}
