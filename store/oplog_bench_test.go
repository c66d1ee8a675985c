package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchLogRows is the size of the big account's operation log.
const benchLogRows = 1_000_000

// fillLog gives account an operation log of a million rows over two years up to now: five
// members, three robots, the platform and the login take turns, every action of OpActions
// in turn, a row about every minute.
func fillLog(tx *sql.Tx, account int64) error {
	var people []string
	for i := 1; i <= 5; i++ {
		res, err := tx.Exec(`INSERT INTO people (wechat_id, nickname, password_hash, created_at) VALUES (?, ?, 'x', ?)`,
			fmt.Sprintf("member_%d", i), fmt.Sprintf("成员%d", i), fmtTime(benchNow))
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		people = append(people, fmt.Sprintf("(%d, NULL, 'person %d')", id, id))
	}
	actors := append(people, "(NULL, 1, 'robot 1')", "(NULL, 2, 'robot 2')", "(NULL, 3, 'robot 3')", "(NULL, NULL, 'platform')", "(NULL, NULL, 'login')")
	actions := make([]string, len(OpActions()))
	for i, a := range OpActions() {
		actions[i] = fmt.Sprintf("(%d, '%s')", i, a)
	}
	q := `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?3 - 1),
		a(k, person, robot, actor) AS (SELECT row_number() OVER () - 1, * FROM (VALUES ` + strings.Join(actors, ", ") + `)),
		c(k, code) AS (VALUES ` + strings.Join(actions, ", ") + `)
		INSERT INTO oplog (account_id, person_id, robot, actor, action, target, summary, client_ip, at)
		SELECT ?1, a.person, a.robot, a.actor, c.code, 'target ' || n.i, 'before → after', '203.0.113.7',
			strftime('%Y-%m-%dT%H:%M:%S.000000000Z', ?2, '-' || ((?3 - n.i) * 63) || ' seconds')
		FROM n JOIN a ON a.k = n.i % ` + fmt.Sprint(len(actors)) + ` JOIN c ON c.k = n.i % ` + fmt.Sprint(len(actions)) + ` ORDER BY n.i`
	if _, err := tx.Exec(q, account, benchNow.Format(time.DateTime), benchLogRows); err != nil {
		return fmt.Errorf("fill log: %w", err)
	}
	return nil
}

// Page 1 of /logs and filtered pages, on an account with a million log rows next to one
// with none.
func BenchmarkOpLog(b *testing.B) {
	st, big, empty := benchAccounts(b, fillLog)
	ctx := context.Background()
	var middle int64
	if err := st.read.QueryRow(`SELECT id FROM oplog WHERE account_id = ? ORDER BY at, id LIMIT 1 OFFSET ?`, big, benchLogRows/2).Scan(&middle); err != nil {
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
