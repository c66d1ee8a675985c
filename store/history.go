package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// The history of the operational-data goal (issue 13): one account with 90 days of 50,000
// visits a day and a million operation-log rows, to measure /stats and /logs on. It is
// written with SQL in one transaction (seeding it through the store, one visit at a time,
// would take an hour); the rows are the ones the counters and logOp write, so the readers
// cannot tell the difference. The store's benchmarks and `mpload -seed-big -big-history`
// use it.

// HistoryVisitors is how many people visit the account each day, each opening it 2 or 3
// times: 50,000 visits a day.
const HistoryVisitors = 20000

// HistoryLogRows is the size of the account's operation log.
const HistoryLogRows = 1_000_000

// SeedHistory gives the account the history above, ending at the store's now.
func (s *Store) SeedHistory(ctx context.Context, accountID int64) error {
	now := s.now()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var first int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(id), 0) + 1 FROM people`).Scan(&first); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		if err := fillVisits(ctx, tx, accountID, now, first); err != nil {
			return err
		}
		return fillLog(ctx, tx, accountID, now, HistoryLogRows, "history_")
	})
}

// fillVisits gives account 90 days ending today of 50,000 visits a day by 20,000 people
// (a tenth in trial, a tenth in develop), new people arriving every day, and a dozen kinds
// of API call a day: the rows the counters would have written. The visitors are new people
// from firstPerson on.
func fillVisits(ctx context.Context, tx *sql.Tx, account int64, now time.Time, firstPerson int64) error {
	days := `WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 89)`
	for _, q := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
			INSERT INTO people (id, wechat_id, nickname, password_hash, created_at) SELECT ?4 + i, 'history_visitor' || (?4 + i), 'v', 'x', ?1 FROM n`,
		days + `, n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
			INSERT INTO daily_visitors (account_id, day, env, person_id, visits)
			SELECT ?3, date(?1, '-' || d.i || ' days'), CASE n.i % 10 WHEN 0 THEN 'trial' WHEN 1 THEN 'develop' ELSE 'release' END, ?4 + n.i, 2 + n.i % 2
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
		if _, err := tx.ExecContext(ctx, q, PlatformDay(now), HistoryVisitors, account, firstPerson-1); err != nil {
			return fmt.Errorf("fill visits: %w", err)
		}
	}
	return nil
}

// fillLog gives account an operation log of rows rows over two years up to now: five
// members, three robots, the platform and the login take turns, every action of OpActions
// in turn, a row about every minute. The members' WeChat IDs
// start with prefix.
func fillLog(ctx context.Context, tx *sql.Tx, account int64, now time.Time, rows int, prefix string) error {
	var people []string
	for i := 1; i <= 5; i++ {
		res, err := tx.ExecContext(ctx, `INSERT INTO people (wechat_id, nickname, password_hash, created_at) VALUES (?, ?, 'x', ?)`,
			fmt.Sprintf("%smember_%d", prefix, i), fmt.Sprintf("成员%d", i), fmtTime(now))
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
	if _, err := tx.ExecContext(ctx, q, account, now.UTC().Format(time.DateTime), rows); err != nil {
		return fmt.Errorf("fill log: %w", err)
	}
	return nil
}
