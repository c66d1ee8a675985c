package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
)

// StatsPeriods are the lengths of /stats in platform days (SPEC §16: ?days=7|30|90).
var StatsPeriods = []int{7, 30, 90}

// Envs are the environments visits are split by, in the order /stats shows them.
var Envs = []string{EnvRelease, EnvTrial, EnvDevelop}

// EnvCounts is one number of a day, in total and per environment.
type EnvCounts struct {
	Total                   int // visits and new visitors: the sum; visitors: each person once
	Release, Trial, Develop int
}

// Of is the count of env (one of Envs); 0 for anything else.
func (c EnvCounts) Of(env string) int {
	switch env {
	case EnvRelease:
		return c.Release
	case EnvTrial:
		return c.Trial
	case EnvDevelop:
		return c.Develop
	}
	return 0
}

func (c *EnvCounts) add(env string, n int) {
	switch env {
	case EnvRelease:
		c.Release += n
	case EnvTrial:
		c.Trial += n
	case EnvDevelop:
		c.Develop += n
	}
}

// CallCount is how many calls of one endpoint ended with one outcome on a day.
type CallCount struct {
	Endpoint string // the path, e.g. /cgi-bin/token (EndpointOther for old uncounted kinds)
	Outcome  string // OutcomeOK or the errcode
	Calls    int
}

// DayStats is one platform day of /stats.
type DayStats struct {
	Day         string    // YYYY-MM-DD, China time
	Visits      EnvCounts // times the mini program was opened
	Visitors    EnvCounts // distinct people who opened it; Total counts a person in two envs once
	NewVisitors EnvCounts // people who opened it for the first time ever, under that open's env
	Calls       []CallCount
}

// CallsTo is the day's calls of endpoint, whatever their outcome.
func (d DayStats) CallsTo(endpoint string) int {
	n := 0
	for _, c := range d.Calls {
		if c.Endpoint == endpoint {
			n += c.Calls
		}
	}
	return n
}

// CallsWith is the day's calls that ended with outcome, whatever their endpoint.
func (d DayStats) CallsWith(outcome string) int {
	n := 0
	for _, c := range d.Calls {
		if c.Outcome == outcome {
			n += c.Calls
		}
	}
	return n
}

// TotalCalls is all of the day's API calls.
func (d DayStats) TotalCalls() int {
	n := 0
	for _, c := range d.Calls {
		n += c.Calls
	}
	return n
}

// Stats is the account's operational data for consecutive platform days.
type Stats struct {
	Days      []DayStats // oldest first, one per day, days without traffic as zeros
	Endpoints []string   // every endpoint called in the period, sorted
	Outcomes  []string   // every outcome in the period: ok first, then errcodes ascending
}

// Stats reads the last days platform days ending today (China time) for /stats: visits,
// visitors and new visitors per environment, and API calls by endpoint and outcome. It is
// one query per block over day totals kept by every visit and call, so its cost does not
// grow with the traffic. days must be one of StatsPeriods (days_invalid).
func (s *Store) Stats(ctx context.Context, accountID int64, days int) (Stats, error) {
	if !slices.Contains(StatsPeriods, days) {
		return Stats{}, invalid("days", "days_invalid")
	}
	today := dayStart(s.nowFor(accountID))
	out := Stats{Days: make([]DayStats, days)}
	index := map[string]int{}
	for i := range out.Days {
		day := PlatformDay(today.AddDate(0, 0, i-days+1))
		out.Days[i].Day, index[day] = day, i
	}
	from, to := out.Days[0].Day, out.Days[days-1].Day
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		if err := visitStats(ctx, tx, accountID, from, to, func(day, env string, visits, visitors, fresh int) {
			d := &out.Days[index[day]]
			if env == "" {
				d.Visitors.Total = visitors
				return
			}
			d.Visits.add(env, visits)
			d.Visits.Total += visits
			d.Visitors.add(env, visitors)
			d.NewVisitors.add(env, fresh)
			d.NewVisitors.Total += fresh
		}); err != nil {
			return err
		}
		return callStats(ctx, tx, accountID, from, to, func(day string, c CallCount) {
			d := &out.Days[index[day]]
			d.Calls = append(d.Calls, c)
			if !slices.Contains(out.Endpoints, c.Endpoint) {
				out.Endpoints = append(out.Endpoints, c.Endpoint)
			}
			if !slices.Contains(out.Outcomes, c.Outcome) {
				out.Outcomes = append(out.Outcomes, c.Outcome)
			}
		})
	})
	slices.Sort(out.Endpoints)
	slices.SortFunc(out.Outcomes, compareOutcomes)
	return out, err
}

// compareOutcomes puts ok first, then the errcodes in numeric order.
func compareOutcomes(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == OutcomeOK:
		return -1
	case b == OutcomeOK:
		return 1
	}
	x, _ := strconv.Atoi(a)
	y, _ := strconv.Atoi(b)
	return cmp.Compare(x, y)
}

// visitStats reads the visit block of days from..to: a row per day and environment, and a
// row per day with env "" holding the distinct visitors across environments.
func visitStats(ctx context.Context, tx *sql.Tx, accountID int64, from, to string, fn func(day, env string, visits, visitors, fresh int)) error {
	rows, err := tx.QueryContext(ctx, `SELECT day, env, visits, visitors, new_visitors FROM daily_visits WHERE account_id = ?1 AND day BETWEEN ?2 AND ?3
		UNION ALL SELECT day, '', 0, visitors, 0 FROM daily_counts WHERE account_id = ?1 AND day BETWEEN ?2 AND ?3`, accountID, from, to)
	if err != nil {
		return fmt.Errorf("visits of %d: %w", accountID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, env string
		var visits, visitors, fresh int
		if err := rows.Scan(&day, &env, &visits, &visitors, &fresh); err != nil {
			return err
		}
		fn(day, env, visits, visitors, fresh)
	}
	return rows.Err()
}

// callStats reads the API-call block of days from..to, by day, endpoint and outcome.
func callStats(ctx context.Context, tx *sql.Tx, accountID int64, from, to string, fn func(day string, c CallCount)) error {
	rows, err := tx.QueryContext(ctx, `SELECT day, endpoint, outcome, calls FROM api_call_counts
		WHERE account_id = ? AND day BETWEEN ? AND ? ORDER BY day, endpoint, outcome`, accountID, from, to)
	if err != nil {
		return fmt.Errorf("api calls of %d: %w", accountID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		var c CallCount
		if err := rows.Scan(&day, &c.Endpoint, &c.Outcome, &c.Calls); err != nil {
			return err
		}
		fn(day, c)
	}
	return rows.Err()
}
