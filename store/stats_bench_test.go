package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// The /stats and /logs benchmarks of BENCHMARKS.md: the store's reads for one account with
// a lot of history next to the same reads for an account without any. The big history is
// written with SQL in one transaction (seeding it through the store, one visit at a time,
// would take an hour); the readers cannot tell the difference.

// benchNow is the benchmarks' clock: 17:00 on 10 March 2026 in Beijing.
var benchNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// benchAccounts opens a store with two finished accounts, "big" and "empty", and fills big
// with fill (in one transaction).
func benchAccounts(b *testing.B, fill func(tx *sql.Tx, account int64) error) (st *Store, big, empty int64) {
	b.Helper()
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err == nil {
		err = st.UseMasterKey(ctx, testMasterKey)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	st.Now = func() time.Time { return benchNow }
	err = st.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO people (wechat_id, nickname, password_hash, created_at) VALUES ('bench_admin', 'admin', 'x', ?)`, fmtTime(benchNow))
		if err != nil {
			return err
		}
		admin, _ := res.LastInsertId()
		ids := make([]int64, 2)
		for i, name := range []string{"big", "empty"} {
			res, err := tx.Exec(`INSERT INTO accounts (email, password_hash, step, admin_person_id, appid, name, created_at)
				VALUES (?, 'x', 'done', ?, ?, ?, ?)`, name+"@example.com", admin, fmt.Sprintf("wx%016x", i+1), name, fmtTime(benchNow))
			if err != nil {
				return err
			}
			ids[i], _ = res.LastInsertId()
		}
		big, empty = ids[0], ids[1]
		return fill(tx, big)
	})
	if err != nil {
		b.Fatal(err)
	}
	return st, big, empty
}

// Visitors per day of the big account: each opens it 2 or 3 times, 50,000 visits a day.
const benchVisitors = 20000

// fillVisits gives account 90 days ending today of 50,000 visits a day by 20,000 people
// (a tenth in trial, a tenth in develop), new people arriving every day, and a dozen kinds
// of API call a day: the rows the counters would have written.
func fillVisits(tx *sql.Tx, account int64) error {
	days := `WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 89)`
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
			INSERT INTO people (id, wechat_id, nickname, password_hash, created_at) SELECT 1000 + i, 'visitor' || i, 'v', 'x', ?1 FROM n`,
		days + `, n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
			INSERT INTO daily_visitors (account_id, day, env, person_id, visits)
			SELECT ?3, date(?1, '-' || d.i || ' days'), CASE n.i % 10 WHEN 0 THEN 'trial' WHEN 1 THEN 'develop' ELSE 'release' END, 1000 + n.i, 2 + n.i % 2
			FROM d, n`,
		`INSERT INTO daily_visits (account_id, day, env, visits, visitors, new_visitors)
			SELECT account_id, day, env, sum(visits), count(*), count(*) / 90 FROM daily_visitors WHERE account_id = ?3 GROUP BY day, env`,
		`INSERT INTO daily_counts (account_id, day, token_calls, visitors)
			SELECT account_id, day, 24, count(*) FROM daily_visitors WHERE account_id = ?3 GROUP BY day`,
		days + `, k(endpoint, outcome) AS (VALUES ('/cgi-bin/token', 'ok'), ('/cgi-bin/token', '40125'), ('/cgi-bin/token', '40164'),
			('/cgi-bin/stable_token', 'ok'), ('/cgi-bin/stable_token', '45009'), ('/sns/jscode2session', 'ok'), ('/sns/jscode2session', '40029'),
			('/sns/jscode2session', '45011'), ('/datacube/getweanalysisappiddailyvisittrend', 'ok'),
			('/datacube/getweanalysisappiddailyvisittrend', '61501'), ('/datacube/getweanalysisappiddailysummarytrend', 'ok'), ('other', 'ok'))
			INSERT INTO api_call_counts (account_id, day, endpoint, outcome, calls) SELECT ?3, date(?1, '-' || d.i || ' days'), endpoint, outcome,
			CASE outcome WHEN 'ok' THEN 40000 ELSE 300 END FROM d, k`,
	} {
		if _, err := tx.Exec(q, PlatformDay(benchNow), benchVisitors, account); err != nil {
			return fmt.Errorf("fill visits: %w", err)
		}
	}
	return nil
}

// Stats for 90 days (the /stats page's data) on an account with 90 days × 50,000 visits a
// day next to one without traffic; and counting one more visit on each.
func BenchmarkStats(b *testing.B) {
	st, big, empty := benchAccounts(b, fillVisits)
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		account int64
	}{{"big", big}, {"empty", empty}} {
		b.Run("90days/"+c.name, func(b *testing.B) {
			for b.Loop() {
				s, err := st.Stats(ctx, c.account, 90)
				if err != nil || len(s.Days) != 90 || c.name == "big" && s.Days[0].Visits.Total != 50000 {
					b.Fatalf("%v: %+v", err, s.Days[0])
				}
			}
		})
		b.Run("visit/"+c.name, func(b *testing.B) {
			person := int64(1000)
			for b.Loop() {
				person = 1000 + (person-999)%benchVisitors
				if err := st.withTx(ctx, func(tx *sql.Tx) error { return st.countVisit(ctx, tx, c.account, person, EnvRelease) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
