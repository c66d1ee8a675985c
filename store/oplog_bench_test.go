package store

import (
	"context"
	"database/sql"
	"testing"
)

// Page 1 of /logs and filtered pages, on an account with a million log rows next to one
// with none.
func BenchmarkOpLog(b *testing.B) {
	st, big, empty := benchAccounts(b, func(tx *sql.Tx, account int64) error {
		return fillLog(context.Background(), tx, account, benchNow, HistoryLogRows, "")
	})
	ctx := context.Background()
	var middle int64
	if err := st.read.QueryRow(`SELECT id FROM oplog WHERE account_id = ? ORDER BY at, id LIMIT 1 OFFSET ?`, big, HistoryLogRows/2).Scan(&middle); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		f      LogFilter
		before int64
	}{
		{"page1", LogFilter{}, 0},
		{"page1/action", LogFilter{Action: "name_set"}, 0},
		{"page1/actor", LogFilter{Actor: "member_3"}, 0},
		{"page1/robot+action", LogFilter{Actor: "robot 2", Action: OpActions()[6]}, 0}, // robot 2 is actor 6
		{"page1/week", LogFilter{From: "2025-06-01", To: "2025-06-07"}, 0},
		{"middle", LogFilter{}, middle},
	} {
		for _, acct := range []struct {
			name string
			id   int64
		}{{"big", big}, {"empty", empty}} {
			before := c.before
			if acct.name == "empty" && before != 0 {
				continue
			}
			b.Run(c.name+"/"+acct.name, func(b *testing.B) {
				for b.Loop() {
					p, err := st.OpLog(ctx, acct.id, c.f, before)
					if err != nil || acct.name == "big" && len(p.Entries) != LogPageSize {
						b.Fatalf("%v: %d rows", err, len(p.Entries))
					}
				}
			})
		}
	}
}
