package store

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// A database of the schema before versions keeps its login codes and visitors: codes of
// the online version become release codes, earlier visitors release visitors.
func TestMigrationCarriesCodesAndVisits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, true))
	must(t, err)
	sub, err := fs.Sub(migrations, "migrations")
	must(t, err)
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	must(t, err)
	_, err = p.UpTo(ctx, 5)
	must(t, err)
	for _, q := range []string{
		`INSERT INTO people (id, wechat_id, nickname, password_hash, created_at) VALUES (1, 'old_person', 'P', 'x', '2026-01-01')`,
		`INSERT INTO accounts (id, email, password_hash, step, created_at) VALUES (1, 'old@example.com', 'x', 'done', '2026-01-01')`,
		`INSERT INTO js_codes (code_hash, account_id, person_id, version, created_at, expires_at) VALUES ('a', 1, 1, 'online', 'x', 'y'), ('b', 1, 1, 'trial', 'x', 'y')`,
		`INSERT INTO daily_visitors (account_id, day, person_id) VALUES (1, '2026-01-01', 1)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(t, db.Close())
	st, err := Open(ctx, path)
	must(t, err)
	defer st.Close()
	var envs string
	must(t, st.read.QueryRowContext(ctx, `SELECT group_concat(env, ' ') FROM (SELECT env FROM js_codes ORDER BY code_hash)`).Scan(&envs))
	var visitor string
	must(t, st.read.QueryRowContext(ctx, `SELECT env || ' ' || visits FROM daily_visitors`).Scan(&visitor))
	if envs != "release trial" || visitor != "release 1" {
		t.Fatalf("codes %q, visitor %q", envs, visitor)
	}
}
