package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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

// The endpoints whose calls are counted, named by their path as /stats shows them. A call
// path added later counts under its own path the same way.
const (
	EndpointToken           = "/cgi-bin/token"
	EndpointStableToken     = "/cgi-bin/stable_token"
	EndpointCode2Session    = "/sns/jscode2session"
	EndpointDailySummary    = "/datacube/getweanalysisappiddailysummarytrend"
	EndpointDailyVisitTrend = "/datacube/getweanalysisappiddailyvisittrend"
	EndpointPhoneNumber     = "/wxa/business/getuserphonenumber"
	EndpointSubscribeSend   = "/cgi-bin/message/subscribe/send"
	EndpointGetTemplates    = "/wxaapi/newtmpl/gettemplate"
	EndpointAddTemplate     = "/wxaapi/newtmpl/addtemplate"
	EndpointDeleteTemplate  = "/wxaapi/newtmpl/deltemplate"
	EndpointMsgSecCheck     = "/wxa/msg_sec_check"
	// EndpointOther holds the successful calls counted before endpoints were recorded.
	EndpointOther = "other"
)

// OutcomeOK is the outcome of a call answered with a result; a refused call's outcome is
// its errcode in decimal ("40125").
const OutcomeOK = "ok"

// Outcome names how a call ended, as it is counted: "ok" for nil, the errcode of an
// APIError, and "-1" (the API's system error) for anything else.
func Outcome(err error) string {
	var code APIError
	switch {
	case err == nil:
		return OutcomeOK
	case errors.As(err, &code):
		return strconv.Itoa(int(code))
	}
	return "-1"
}

// The counters' statements run on every API call and every visit; they are prepared once
// on the write connection (parsing is most of a short statement's cost in SQLite).
const (
	sqlCountCall = `INSERT INTO api_call_counts (account_id, day, endpoint, outcome, calls) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET calls = calls + excluded.calls`
	sqlCountToken = `INSERT INTO daily_counts (account_id, day, token_calls) VALUES (?, ?, ?)
		ON CONFLICT (account_id, day) DO UPDATE SET token_calls = token_calls + excluded.token_calls`
	sqlRecordVisitor = `INSERT INTO daily_visitors (account_id, day, env, person_id) VALUES (?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET visits = visits + 1 RETURNING visits`
	sqlEarlierVisits = `SELECT
		EXISTS (SELECT 1 FROM daily_visitors WHERE account_id = ?1 AND person_id = ?2 AND day < ?3),
		EXISTS (SELECT 1 FROM daily_visitors WHERE account_id = ?1 AND person_id = ?2 AND day = ?3 AND env <> ?4)`
	sqlCountVisit = `INSERT INTO daily_visits (account_id, day, env, visits, visitors, new_visitors) VALUES (?, ?, ?, 1, ?, ?)
		ON CONFLICT DO UPDATE SET visits = visits + 1, visitors = visitors + excluded.visitors, new_visitors = new_visitors + excluded.new_visitors`
	sqlCountVisitor = `INSERT INTO daily_counts (account_id, day, visitors) VALUES (?, ?, 1)
		ON CONFLICT (account_id, day) DO UPDATE SET visitors = visitors + 1`
)

// counterStmts are the counters' prepared statements; a transaction uses them through
// tx.StmtContext, which reuses the preparation on the one write connection.
type counterStmts struct {
	countCall, countToken, recordVisitor, earlierVisits, countVisit, countVisitor *sql.Stmt
}

func prepareCounters(ctx context.Context, db *sql.DB) (*counterStmts, error) {
	c := &counterStmts{}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{{&c.countCall, sqlCountCall}, {&c.countToken, sqlCountToken}, {&c.recordVisitor, sqlRecordVisitor},
		{&c.earlierVisits, sqlEarlierVisits}, {&c.countVisit, sqlCountVisit}, {&c.countVisitor, sqlCountVisitor}} {
		st, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			c.close()
			return nil, fmt.Errorf("prepare counters: %w", err)
		}
		*p.dst = st
	}
	return c, nil
}

func (c *counterStmts) close() {
	for _, st := range []*sql.Stmt{c.countCall, c.countToken, c.recordVisitor, c.earlierVisits, c.countVisit, c.countVisitor} {
		if st != nil {
			st.Close()
		}
	}
}

// countAPICall is the one place an API call is counted: under the account, today's
// platform day, endpoint and outcome. A successful /cgi-bin/token call also counts against
// that endpoint's daily quota (45009). In a batch of the group writer the count is kept in
// memory and written with the batch (one upsert per counter and batch instead of one per
// call), and dropped with the call if it is rolled back; tokenCallsToday adds it back, so
// concurrent calls still cannot overshoot the quota.
func (s *Store) countAPICall(ctx context.Context, tx *sql.Tx, accountID int64, endpoint, outcome string) error {
	k := callKey{account: accountID, day: PlatformDay(s.nowFor(accountID)), endpoint: endpoint, outcome: outcome}
	if b := s.wr.cur.Load(); b != nil && b.tx == tx {
		b.staged[k]++
		return nil
	}
	return s.counters.write(ctx, tx, k, 1)
}

// callKey names one API-call counter.
type callKey struct {
	account                int64
	day, endpoint, outcome string
}

// callCounts are API calls counted in memory, by counter.
type callCounts map[callKey]int

func (c callCounts) add(o callCounts) {
	for k, n := range o {
		c[k] += n
	}
}

// write adds n calls to counter k, and to the token quota's count for a successful
// /cgi-bin/token call.
func (c *counterStmts) write(ctx context.Context, tx *sql.Tx, k callKey, n int) error {
	if _, err := tx.StmtContext(ctx, c.countCall).ExecContext(ctx, k.account, k.day, k.endpoint, k.outcome, n); err != nil {
		return fmt.Errorf("count %s call of %d: %w", k.endpoint, k.account, err)
	}
	if k.endpoint != EndpointToken || k.outcome != OutcomeOK {
		return nil
	}
	if _, err := tx.StmtContext(ctx, c.countToken).ExecContext(ctx, k.account, k.day, n); err != nil {
		return fmt.Errorf("count token call of %d: %w", k.account, err)
	}
	return nil
}

// tokenAPITx runs one call of the server API behind an access token (SPEC §17) for the
// account its token named, in one write transaction, and counts it under endpoint: ok with
// fn's writes; refused (or failed), with its outcome in a transaction of its own, since
// the refused one rolls back.
func (s *Store) tokenAPITx(ctx context.Context, accountID int64, endpoint string, fn func(tx *sql.Tx) error) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return s.countAPICall(ctx, tx, accountID, endpoint, OutcomeOK)
	})
	if err == nil {
		return nil
	}
	if cerr := s.CountAPICall(ctx, accountID, endpoint, err); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}

// CountAPICall counts one call the web layer answered for a known account without a store
// call that counts itself (gettemplate, the analysis API), or refused after its token named
// the account (CheckAccessToken's 42001 and superseded 40001), with err the call's outcome
// (see Outcome). The calls that carry the AppSecret (IssueAccessToken, StableAccessToken,
// CodeToSession) and the server API's own store calls (PhoneNumberForCode,
// SendSubscribeMessage, AddMessageTemplate, DeleteMessageTemplate, CheckText,
// MiniProgramCode) count themselves, refusals included.
func (s *Store) CountAPICall(ctx context.Context, accountID int64, endpoint string, callErr error) error {
	return s.withTx(ctx, func(tx *sql.Tx) error { return s.countAPICall(ctx, tx, accountID, endpoint, Outcome(callErr)) })
}

// CountAppCall counts a call the web layer refused before asking the store (a missing
// secret, a wrong grant_type) against the account of appid; a call naming no known AppID
// is not counted, as the real platform cannot know whose it is.
func (s *Store) CountAppCall(ctx context.Context, appid, endpoint string, callErr error) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM accounts WHERE appid = ? AND step = 'done'`, appid).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("find appid: %w", err)
		}
		return s.countAPICall(ctx, tx, id, endpoint, Outcome(callErr))
	})
}

// tokenCallsToday is how much of the /cgi-bin/token daily quota the account has used.
func (s *Store) tokenCallsToday(ctx context.Context, tx *sql.Tx, accountID int64) (int, error) {
	var n int
	day := PlatformDay(s.nowFor(accountID))
	err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT token_calls FROM daily_counts WHERE account_id = ? AND day = ?), 0)`,
		accountID, day).Scan(&n)
	if b := s.wr.cur.Load(); b != nil && b.tx == tx {
		k := callKey{account: accountID, day: day, endpoint: EndpointToken, outcome: OutcomeOK}
		n += b.counts[k] + b.staged[k]
	}
	return n, err
}

// countVisit records that person opened the account's mini program today in env (release,
// trial or develop) and keeps the day's totals current: visits, distinct visitors per
// environment and across them, and new visitors (people who never opened it before, under
// the environment of that first open), so /stats reads totals instead of counting people.
// A repeated visit costs two statements; only a person's first visit of the day in an
// environment looks further back.
func (s *Store) countVisit(ctx context.Context, tx *sql.Tx, accountID, personID int64, env string) error {
	day := PlatformDay(s.nowFor(accountID))
	c := s.counters
	var visits int
	if err := tx.StmtContext(ctx, c.recordVisitor).QueryRowContext(ctx, accountID, day, env, personID).Scan(&visits); err != nil {
		return fmt.Errorf("record visitor of %d: %w", accountID, err)
	}
	firstInEnv := visits == 1
	var earlier, elsewhereToday bool
	if firstInEnv {
		if err := tx.StmtContext(ctx, c.earlierVisits).QueryRowContext(ctx, accountID, personID, day, env).Scan(&earlier, &elsewhereToday); err != nil {
			return fmt.Errorf("earlier visits of %d: %w", personID, err)
		}
	}
	if _, err := tx.StmtContext(ctx, c.countVisit).ExecContext(ctx, accountID, day, env, firstInEnv, firstInEnv && !earlier && !elsewhereToday); err != nil {
		return fmt.Errorf("count visit of %d: %w", accountID, err)
	}
	if !firstInEnv || elsewhereToday {
		return nil
	}
	if _, err := tx.StmtContext(ctx, c.countVisitor).ExecContext(ctx, accountID, day); err != nil {
		return fmt.Errorf("count visitor of %d: %w", accountID, err)
	}
	return nil
}
