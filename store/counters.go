package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PlatformDay is the platform day t falls on, as stored in the counters (YYYY-MM-DD):
// daily quotas reset and statistics are cut at midnight Beijing time (CalendarZone).
func PlatformDay(t time.Time) string { return t.In(CalendarZone).Format(time.DateOnly) }

// dayStart is the instant the platform day of t began.
func dayStart(t time.Time) time.Time {
	y, m, d := t.In(CalendarZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, CalendarZone)
}

// DayCount is one account's activity on one platform day (SPEC §12's /stats).
type DayCount struct {
	Day         string
	APICalls    int // API calls answered with a result
	Visits      int // times a person opened the mini program
	Visitors    int // distinct people who opened it
	NewVisitors int // of those, people who never opened it before
}

// countAPICall adds one answered API call to today's counter; tokenCall also counts it
// against the /cgi-bin/token daily quota.
func (s *Store) countAPICall(ctx context.Context, tx *sql.Tx, accountID int64, tokenCall bool) error {
	token := 0
	if tokenCall {
		token = 1
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO daily_counts (account_id, day, api_calls, token_calls) VALUES (?, ?, 1, ?)
		ON CONFLICT (account_id, day) DO UPDATE SET api_calls = api_calls + 1, token_calls = token_calls + excluded.token_calls`,
		accountID, PlatformDay(s.now()), token)
	if err != nil {
		return fmt.Errorf("count api call of %d: %w", accountID, err)
	}
	return nil
}

// countVisit records that person opened the account's mini program today in env (release,
// trial or develop), so visits and visitors can be split by version (SPEC §16).
func (s *Store) countVisit(ctx context.Context, tx *sql.Tx, accountID, personID int64, env string) error {
	day := PlatformDay(s.now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO daily_counts (account_id, day, visits) VALUES (?, ?, 1)
		ON CONFLICT (account_id, day) DO UPDATE SET visits = visits + 1`, accountID, day); err != nil {
		return fmt.Errorf("count visit of %d: %w", accountID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO daily_visitors (account_id, day, env, person_id) VALUES (?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET visits = visits + 1`, accountID, day, env, personID); err != nil {
		return fmt.Errorf("record visitor of %d: %w", accountID, err)
	}
	return nil
}

// tokenCallsToday is how much of the /cgi-bin/token daily quota the account has used.
func (s *Store) tokenCallsToday(ctx context.Context, tx *sql.Tx, accountID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT token_calls FROM daily_counts WHERE account_id = ? AND day = ?), 0)`,
		accountID, PlatformDay(s.now())).Scan(&n)
	return n, err
}

// DailyCounts lists the account's activity for each platform day from..to (inclusive,
// YYYY-MM-DD), oldest first; days without activity are absent.
func (s *Store) DailyCounts(ctx context.Context, accountID int64, from, to string) ([]DayCount, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.day, c.api_calls, c.visits,
		(SELECT count(DISTINCT v.person_id) FROM daily_visitors v WHERE v.account_id = c.account_id AND v.day = c.day),
		(SELECT count(DISTINCT v.person_id) FROM daily_visitors v WHERE v.account_id = c.account_id AND v.day = c.day
			AND NOT EXISTS (SELECT 1 FROM daily_visitors o WHERE o.account_id = v.account_id AND o.person_id = v.person_id AND o.day < v.day))
		FROM daily_counts c WHERE c.account_id = ? AND c.day BETWEEN ? AND ? ORDER BY c.day`, accountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("daily counts of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []DayCount
	for rows.Next() {
		var d DayCount
		if err := rows.Scan(&d.Day, &d.APICalls, &d.Visits, &d.Visitors, &d.NewVisitors); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
