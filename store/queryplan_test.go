package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// Every statement the store runs for the pages and the API, on a database whose planner
// statistics say it is big (a million rows a table, 10 rows per indexed value), reads its
// tables through an index: no plan has a SCAN of a table that grows with the platform
// (issue 9, item 4). The workload is the demo's month (its calls, visits, versions and
// operation log go through the store's own functions), the load account, and the reads of
// the console pages and the API; the statements are the ones the connections prepared.
func TestQueryPlansUseIndexes(t *testing.T) {
	f := newFixture(t)
	f.st.read.SetMaxOpenConns(1) // every read on one connection, so its cache holds them all
	bigStats(t, f.st)
	cachedSQL(t, true, f.st.write) // the migrations' statements are not the product's
	planWorkload(t, f)
	var bad []string
	queries := cachedSQL(t, false, f.st.write, f.st.read)
	t.Logf("%d statements", len(queries))
	for _, q := range queries {
		for _, scan := range fullScans(t, f.st.read, q) {
			bad = append(bad, fmt.Sprintf("%s\n    in %s", scan, strings.Join(strings.Fields(q), " ")))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%d full scans:\n%s", len(bad), strings.Join(bad, "\n"))
	}
}

// fullScans is the SCAN steps of q's plan that read a table without an index.
func fullScans(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	if strings.HasPrefix(q, "SAVEPOINT") || strings.HasPrefix(q, "RELEASE") || strings.HasPrefix(q, "ROLLBACK") {
		return nil
	}
	var out []string
	for _, detail := range planSteps(t, db, q) {
		f := strings.Fields(detail)
		if len(f) < 2 || f[0] != "SCAN" || strings.Contains(detail, "USING") || f[1] == "CONSTANT" {
			continue
		}
		out = append(out, detail)
	}
	return out
}

// planSteps is the detail of each step of q's plan. The parameters are NULL: the plan does
// not depend on their values. The driver tells how many there are only by refusing too few.
func planSteps(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	var args []any
	rows, err := db.Query(`EXPLAIN QUERY PLAN `+q, args...)
	for err != nil && strings.Contains(err.Error(), "missing") && len(args) < 100 {
		args = append(args, nil)
		rows, err = db.Query(`EXPLAIN QUERY PLAN `+q, args...)
	}
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// bigStats gives the planner the statistics of a big database: a million rows a table,
// every index prefix 10 rows per value (unique ones 1).
func bigStats(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	db := st.write
	must(t, exec(db, `ANALYZE`))
	must(t, exec(db, `DELETE FROM sqlite_stat1`))
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	must(t, err)
	var tables []string
	for rows.Next() {
		var n string
		must(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	rows.Close()
	for _, tbl := range tables {
		must(t, exec(db, `INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, NULL, '1000000')`, tbl))
		idx, err := db.QueryContext(ctx, `SELECT name, "unique" FROM pragma_index_list(?)`, tbl)
		must(t, err)
		type index struct {
			name   string
			unique bool
		}
		var list []index
		for idx.Next() {
			var i index
			must(t, idx.Scan(&i.name, &i.unique))
			list = append(list, i)
		}
		idx.Close()
		for _, i := range list {
			var cols int
			must(t, db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_index_info(?)`, i.name).Scan(&cols))
			stat := "1000000"
			for c := 1; c <= cols; c++ {
				per := "10"
				if i.unique && c == cols || c > 1 {
					per = "1"
				}
				stat += " " + per
			}
			must(t, exec(db, `INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)`, tbl, i.name, stat))
		}
	}
	must(t, exec(db, `ANALYZE sqlite_schema`))
	// The read connection loads the statistics when it opens.
	st.read.SetMaxIdleConns(0)
	st.read.SetMaxIdleConns(1)
}

func exec(db *sql.DB, q string, args ...any) error {
	_, err := db.Exec(q, args...)
	return err
}

// cachedSQL is every statement text the connections of dbs prepared.
// With forget, the caches are emptied.
func cachedSQL(t *testing.T, forget bool, dbs ...*sql.DB) []string {
	t.Helper()
	var out []string
	for _, db := range dbs {
		conn, err := db.Conn(context.Background())
		must(t, err)
		must(t, conn.Raw(func(dc any) error {
			c, ok := dc.(*cachingConn)
			if !ok {
				return fmt.Errorf("connection %T does not cache statements", dc)
			}
			for q := range c.stmts {
				out = append(out, q)
			}
			if forget {
				c.closeAll()
			}
			return nil
		}))
		conn.Close()
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// planWorkload runs what the pages and the API run: the demo's month, the load account,
// a token and a session, and the console's reads of an account.
func planWorkload(t *testing.T, f *fixture) {
	t.Helper()
	ctx := f.ctx
	st := f.st
	demo, err := st.SeedDemo(ctx)
	must(t, err)
	demoAcct, err := st.AccountByAppID(ctx, demo.AppID)
	must(t, err)
	_, err = st.SeedLoad(ctx)
	must(t, err)
	e := newAPIEnvIn(f, "_plan")
	acct := e.acct
	admin := e.admin
	secret := (&credEnv{t: t, st: st, clock: f.clock, admin: admin, acct: acct}).resetSecret()
	call := APICall{AppID: acct.AppID, Secret: secret, IP: netip.MustParseAddr("127.0.0.1")}
	tok, err := st.IssueAccessToken(ctx, call, 100)
	must(t, err)
	_, err = st.CheckAccessToken(ctx, tok.Token)
	must(t, err)
	_, err = st.StableAccessToken(ctx, call, false)
	must(t, err)
	_, err = st.StableAccessToken(ctx, call, true)
	must(t, err)
	code, err := st.OpenApp(ctx, admin.ID, acct.AppID, "")
	must(t, err)
	_, err = st.CodeToSession(ctx, call, code.Code)
	must(t, err)
	_, err = st.Members(ctx, acct.ID)
	must(t, err)
	_, err = st.AccessOf(ctx, acct.ID, admin.ID)
	must(t, err)
	_, err = st.Stats(ctx, acct.ID, 30)
	must(t, err)
	_, err = st.WxApps(ctx, admin.ID)
	must(t, err)
	_, err = st.ConsoleAccounts(ctx, admin.ID)
	must(t, err)
	_, err = st.VersionsOf(ctx, acct.ID)
	must(t, err)
	_, err = st.DevSettingsOf(ctx, acct.ID)
	must(t, err)
	_, err = st.BasicInfoOf(ctx, acct.ID)
	must(t, err)
	_, err = st.MessageTemplates(ctx, acct.ID)
	must(t, err)
	for _, read := range []func() error{
		func() error { _, err := st.OpLog(ctx, acct.ID, LogFilter{}, 0); return err },
		func() error { _, err := st.OpLog(ctx, demoAcct.ID, LogFilter{Action: "name_set"}, 0); return err },
		func() error { _, err := st.Invitations(ctx, admin.ID); return err },
		func() error { _, err := st.Mailbox(ctx, []int64{acct.ID}, 50); return err },
		func() error { _, err := st.Notices(ctx, admin.ID); return err },
		func() error { _, err := st.MemberSessions(ctx, acct.ID, admin.ID, ""); return err },
		func() error { _, err := st.AppSecretOf(ctx, acct.ID); return err },
		func() error { _, err := st.FilingOf(ctx, acct.ID); return err },
		func() error { _, err := st.UploadKeyOf(ctx, acct.ID); return err },
		func() error { _, err := st.AccountChoices(ctx, admin.ID); return err },
		func() error { _, err := st.Stats(ctx, demoAcct.ID, 90); return err },
		func() error { _, err := st.VersionsOf(ctx, demoAcct.ID); return err },
	} {
		must(t, read())
	}
}

// The members page's list comes out of an index in its order, not sorted again on every
// page (USE TEMP B-TREE FOR ORDER BY).
func TestMembersListNeedsNoSort(t *testing.T) {
	f := newFixture(t)
	bigStats(t, f.st)
	plan := strings.Join(planSteps(t, f.st.read, membersListSQL), "\n")
	if strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "members_account_added") {
		t.Fatalf("the members list is sorted or not read through members_account_added:\n%s", plan)
	}
}
