package store

import (
	"context"
	"database/sql"
	"fmt"
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
	fault_rule    INTEGER
);
CREATE INDEX IF NOT EXISTS api_journal_account_at ON api_journal (account_id, at);`

// journalCache caps each journal connection's page cache at 256 KiB (SQLite's default is
// 2 MiB): rows are only appended and a search reads one account's newest hundred, so a
// large cache holds nothing worth keeping and only adds to the server's memory.
const journalCache = "&_pragma=cache_size(-256)"

// journalReaders is the journal's read pool: the sandbox page's search and rid/get.
const journalReaders = 4

// openJournal opens (creating if needed) the journal file of the database at path.
func openJournal(ctx context.Context, path string) (write, read *sql.DB, err error) {
	write = openDB(dsn(JournalPath(path), true) + journalCache)
	write.SetMaxOpenConns(1)
	if _, err := write.ExecContext(ctx, journalSchema); err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("request journal %s: %w", JournalPath(path), err)
	}
	read = openDB(dsn(JournalPath(path), false) + journalCache)
	read.SetMaxOpenConns(journalReaders)
	read.SetMaxIdleConns(journalReaders)
	return write, read, nil
}

// journalColumnList is every column of a journal row but its id, in the schema's order.
const journalColumnList = `rid, account_id, at, method, endpoint, client_ip, cost_ms, status, errcode,
	request_url, request_body, response_body, reason, reason_args, fault_rule`

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
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO requests.api_journal (`+journalColumnList+`)
		SELECT `+journalColumnList+` FROM main.api_journal ORDER BY id`); err != nil {
		return fmt.Errorf("move the request journal: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE main.api_journal`); err != nil {
		return fmt.Errorf("drop the old request journal: %w", err)
	}
	return tx.Commit()
}
