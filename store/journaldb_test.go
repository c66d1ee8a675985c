package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"testing"
	"time"
)

// A database from before the journal had a file of its own keeps its journal: on the
// next start the rows move into the journal's file, the old table is gone, and the
// sandbox finds them as before. A row already in the file is not written twice.
func TestJournalMovesToItsOwnFile(t *testing.T) {
	ctx := context.Background()
	st, err := openTestStore(t, "old.db")
	must(t, err)
	path := mustDBPath(t, st)
	_, err = st.jwrite.Exec(`INSERT INTO api_journal (rid, account_id, at, method, endpoint, client_ip, cost_ms, status, errcode,
		request_url, request_body, response_body) VALUES ('00000003-aaaaaaaa-aaaaaaaa', 7, '2026-03-10T08:00:00.000000000Z', 'GET',
		'/cgi-bin/token', '127.0.0.1', 1, 200, 0, '', '', '')`)
	must(t, err)
	must(t, st.Close())

	old, err := sql.Open("sqlite", "file:"+path)
	must(t, err)
	_, err = old.Exec(`CREATE TABLE api_journal (id INTEGER PRIMARY KEY, rid TEXT NOT NULL UNIQUE,
		account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE, at TEXT NOT NULL, method TEXT NOT NULL, endpoint TEXT NOT NULL,
		client_ip TEXT NOT NULL, cost_ms INTEGER NOT NULL, status INTEGER NOT NULL, errcode INTEGER NOT NULL, request_url TEXT NOT NULL,
		request_body TEXT NOT NULL, response_body TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', reason_args TEXT NOT NULL DEFAULT '{}',
		fault_rule INTEGER);
		CREATE INDEX api_journal_account_at ON api_journal (account_id, at);
		INSERT INTO api_journal (rid, account_id, at, method, endpoint, client_ip, cost_ms, status, errcode, request_url, request_body,
			response_body, reason, reason_args) VALUES
		('00000001-aaaaaaaa-aaaaaaaa', 7, '2026-03-10T08:59:00.000000000Z', 'GET', '/cgi-bin/token', '10.0.0.9', 3, 200, 40164,
			'appid=wx1', '', '{"errcode":40164}', 'ip_not_whitelisted', '{"ip":"10.0.0.9"}'),
		('00000002-aaaaaaaa-aaaaaaaa', NULL, '2026-03-10T08:59:30.000000000Z', 'GET', '/cgi-bin/nope', '10.0.0.9', 1, 404, 40066,
			'', '', '{"errcode":40066}', '', '{}'),
		('00000003-aaaaaaaa-aaaaaaaa', 7, '2026-03-10T08:00:00.000000000Z', 'GET', '/cgi-bin/token', '127.0.0.1', 1, 200, 0, '', '', '', '', '{}');`)
	must(t, err)
	must(t, old.Close())

	st, err = Open(ctx, path)
	must(t, err)
	defer st.Close()
	st.Now = func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }
	var tables int
	must(t, st.read.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'api_journal'`).Scan(&tables))
	if tables != 0 {
		t.Errorf("the database still has the api_journal table after the move")
	}
	var rows int
	must(t, st.jread.QueryRow(`SELECT count(*) FROM api_journal`).Scan(&rows))
	if rows != 3 {
		t.Errorf("%d rows in the journal's file, want the 3 distinct rids", rows)
	}
	e, err := st.JournalEntryOf(ctx, 7, "00000001-aaaaaaaa-aaaaaaaa")
	must(t, err)
	if e.ErrCode != 40164 || e.Reason != "ip_not_whitelisted" || e.ReasonArgs["ip"] != "10.0.0.9" || e.ClientIP != "10.0.0.9" {
		t.Errorf("moved entry = %+v", e)
	}
	if _, err := st.JournalEntryOf(ctx, 7, "00000002-aaaaaaaa-aaaaaaaa"); !errors.Is(err, ErrForbidden) {
		t.Errorf("the moved entry of no account: %v, want ErrForbidden", err)
	}
}

func mustDBPath(t *testing.T, st *Store) string {
	t.Helper()
	var file string
	must(t, st.read.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file))
	return file
}

// The journal is written to its own file, and an entry that named only an AppID is
// stored under that AppID's account (an unknown AppID under none).
func TestJournalOwnFileAndAccountOfAppID(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	byAppID := e.journalEntry("00000001-dddddddd-dddddddd", "/cgi-bin/token", 40125)
	byAppID.AccountID, byAppID.AppID = 0, e.acct.AppID
	unknown := e.journalEntry("00000002-dddddddd-dddddddd", "/cgi-bin/token", 40013)
	unknown.AccountID, unknown.AppID = 0, "wx00000000000000aa"
	e.st.Journal(byAppID)
	e.st.Journal(unknown)
	e.st.FlushJournal()
	if got, err := e.st.JournalEntryOf(ctx, e.acct.ID, byAppID.Rid); err != nil || got.ErrCode != 40125 {
		t.Errorf("entry named by AppID: %+v, %v; want errcode 40125 under the account", got, err)
	}
	var n int
	must(t, e.st.jread.QueryRow(`SELECT count(*) FROM api_journal WHERE rid = ? AND account_id IS NULL`, unknown.Rid).Scan(&n))
	if n != 1 {
		t.Errorf("entry of an unknown AppID: %d rows without an account, want 1", n)
	}
	for name, db := range map[string]*sql.DB{"write": e.st.jwrite, "read": e.st.jread} {
		var cache int
		must(t, db.QueryRow(`PRAGMA cache_size`).Scan(&cache))
		if cache != -256 {
			t.Errorf("journal %s connection's cache_size = %d, want -256 (256 KiB; the server's memory budget)", name, cache)
		}
		var sync int
		must(t, db.QueryRow(`PRAGMA synchronous`).Scan(&sync))
		if sync != 0 {
			t.Errorf("journal %s connection's synchronous = %d, want 0 (OFF: its syncs slowed the API's writes)", name, sync)
		}
	}
	must(t, e.st.read.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'api_journal'`).Scan(&n))
	if n != 0 {
		t.Errorf("the database has an api_journal table; the journal belongs in %s", JournalPath("…"))
	}
}

// A journal file damaged beyond reading (a power cut with synchronous OFF) does not keep
// the server from starting: it is set aside as .broken and a new journal begins.
func TestBrokenJournalFileSetAside(t *testing.T) {
	st, err := openTestStore(t, "broken.db")
	must(t, err)
	path := mustDBPath(t, st)
	must(t, st.Close())
	garbage := []byte("this is not a SQLite database, only what a power cut left behind")
	must(t, os.WriteFile(JournalPath(path), garbage, 0o600))

	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatalf("start with a broken journal file: %v", err)
	}
	defer st.Close()
	kept, err := os.ReadFile(JournalPath(path) + ".broken")
	if err != nil || string(kept) != string(garbage) {
		t.Errorf("the broken file set aside: %q, %v", kept, err)
	}
	st.Journal(JournalEntry{Rid: "00000001-eeeeeeee-eeeeeeee", At: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), Method: "GET",
		Endpoint: "/cgi-bin/token", ClientIP: "127.0.0.1", Status: 200})
	st.FlushJournal()
	var n int
	must(t, st.jread.QueryRow(`SELECT count(*) FROM api_journal`).Scan(&n))
	if n != 1 {
		t.Errorf("%d rows in the new journal, want 1", n)
	}
}
