package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pressly/goose/v3"
)

// A database of the schema before operational data keeps its counts and its log: token
// calls and the other successful calls become per-endpoint counts, visitors become day
// totals per environment with the new visitors of each day, and log rows get the key of
// their actor, their detail as the summary. The step back and forth again works.
func TestMigrationCarriesStatsAndLog(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, true))
	must(t, err)
	sub, err := fs.Sub(migrations, "migrations")
	must(t, err)
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	must(t, err)
	_, err = p.UpTo(ctx, 8)
	must(t, err)
	for _, q := range []string{
		`INSERT INTO people (id, wechat_id, nickname, password_hash, created_at) VALUES (1, 'old_one', 'P', 'x', 'x'), (2, 'old_two', 'Q', 'x', 'x')`,
		`INSERT INTO accounts (id, email, password_hash, step, created_at) VALUES (1, 'old@example.com', 'x', 'done', 'x')`,
		`INSERT INTO daily_counts (account_id, day, api_calls, token_calls, visits) VALUES (1, '2026-01-01', 5, 2, 4), (1, '2026-01-02', 1, 1, 3)`,
		`INSERT INTO daily_visitors (account_id, day, env, person_id, visits) VALUES (1, '2026-01-01', 'release', 1, 1), (1, '2026-01-01', 'release', 2, 1),
			(1, '2026-01-02', 'trial', 1, 1), (1, '2026-01-02', 'release', 1, 2)`,
		`INSERT INTO oplog (account_id, person_id, robot, action, detail, at) VALUES (1, 1, NULL, 'name_set', '旧名字', 'x'),
			(1, NULL, 3, 'version_uploaded', '1.0.0', 'y'), (1, NULL, NULL, 'code_approved', '1.0.0', 'z')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	rows := func(q string) []string {
		t.Helper()
		r, err := db.QueryContext(ctx, q)
		must(t, err)
		defer r.Close()
		var out []string
		for r.Next() {
			var s string
			must(t, r.Scan(&s))
			out = append(out, s)
		}
		return out
	}
	check := func() {
		t.Helper()
		for q, want := range map[string][]string{
			`SELECT day || ' ' || endpoint || ' ' || outcome || ' ' || calls FROM api_call_counts ORDER BY 1`: {
				"2026-01-01 /cgi-bin/token ok 2", "2026-01-01 other ok 3", "2026-01-02 /cgi-bin/token ok 1"},
			`SELECT day || ' ' || env || ' ' || visits || ' ' || visitors || ' ' || new_visitors FROM daily_visits ORDER BY 1`: {
				"2026-01-01 release 4 2 2", "2026-01-02 release 2 1 0", "2026-01-02 trial 1 1 0"},
			`SELECT day || ' ' || token_calls || ' ' || visitors FROM daily_counts ORDER BY 1`: {"2026-01-01 2 2", "2026-01-02 1 1"},
			`SELECT actor || ' ' || action || ' ' || target || '|' || summary || '|' || client_ip FROM oplog ORDER BY id`: {
				"person 1 name_set |旧名字|", "robot 3 version_uploaded |1.0.0|", "platform code_approved |1.0.0|"},
		} {
			if got := rows(q); !slices.Equal(got, want) {
				t.Errorf("%s:\n%q\nwant\n%q", q, got, want)
			}
		}
	}
	_, err = p.UpTo(ctx, 9)
	must(t, err)
	check()
	_, err = p.Down(ctx)
	must(t, err)
	if got := rows(`SELECT day || ' ' || api_calls || ' ' || token_calls || ' ' || visits || ' ' || (SELECT group_concat(detail) FROM oplog)
		FROM daily_counts ORDER BY 1`); !slices.Equal(got, []string{"2026-01-01 5 2 4 旧名字,1.0.0,1.0.0", "2026-01-02 1 1 3 旧名字,1.0.0,1.0.0"}) {
		t.Errorf("after the step back: %q", got)
	}
	_, err = p.UpTo(ctx, 9)
	must(t, err)
	check()
	must(t, db.Close())
}
