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

// Stats for 90 days (the /stats page's data) on an account with 90 days × 50,000 visits a
// day next to one without traffic; and counting one more visit on each.
func BenchmarkStats(b *testing.B) {
	st, big, empty := benchAccounts(b, func(tx *sql.Tx, account int64) error {
		return fillVisits(context.Background(), tx, account, benchNow, 1001)
	})
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
				person = 1000 + (person-999)%HistoryVisitors
				if err := st.withTx(ctx, func(tx *sql.Tx) error { return st.countVisit(ctx, tx, c.account, person, EnvRelease) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
