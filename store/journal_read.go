package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Reading the request journal (SPEC §18): the sandbox page's search, the automation API's
// and rid/get. Its writing is journal.go's.

// JournalQuery narrows a search of the journal; zero fields do not narrow.
type JournalQuery struct {
	Rid, Endpoint string
	ErrCode       *int
	From, To      time.Time
}

// JournalLimit is how many entries one search shows, newest first.
const JournalLimit = 100

const journalColumns = `rid, COALESCE(account_id, 0), at, method, endpoint, client_ip, cost_ms, status, errcode,
	request_url, request_body, response_body, reason, reason_args, COALESCE(fault_rule, 0), clock_offset_ms`

func scanJournal(sc interface{ Scan(...any) error }) (JournalEntry, error) {
	var e JournalEntry
	var at, args string
	var offset int64
	err := sc.Scan(&e.Rid, &e.AccountID, &at, &e.Method, &e.Endpoint, &e.ClientIP, &e.CostMS, &e.Status, &e.ErrCode,
		&e.RequestURL, &e.RequestBody, &e.ResponseBody, &e.Reason, &args, &e.FaultRule, &offset)
	e.At, e.ClockOffset = parseTime(at), time.Duration(offset)*time.Millisecond
	json.Unmarshal([]byte(args), &e.ReasonArgs)
	return e, err
}

// SearchJournal lists the account's entries that match q, newest first, at most
// JournalLimit.
func (s *Store) SearchJournal(ctx context.Context, accountID int64, q JournalQuery) ([]JournalEntry, error) {
	code, hasCode := 0, q.ErrCode != nil
	if hasCode {
		code = *q.ErrCode
	}
	to := ""
	if !q.To.IsZero() {
		to = fmtTime(q.To)
	}
	rows, err := s.jread.QueryContext(ctx, `SELECT `+journalColumns+` FROM api_journal WHERE account_id = ?1
		AND (?2 = '' OR rid = ?2) AND (?3 = '' OR endpoint = ?3) AND (NOT ?4 OR errcode = ?5)
		AND at >= ?6 AND (?7 = '' OR at < ?7) ORDER BY at DESC, id DESC LIMIT ?8`,
		accountID, q.Rid, q.Endpoint, hasCode, code, fmtTime(q.From), to, JournalLimit)
	if err != nil {
		return nil, fmt.Errorf("search journal of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		e, err := scanJournal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// JournalEntryOf is the entry of rid: ErrNotFound when there is none or it is older than
// JournalKeep (not yet pruned), ErrForbidden when it is another account's.
func (s *Store) JournalEntryOf(ctx context.Context, accountID int64, rid string) (JournalEntry, error) {
	e, err := scanJournal(s.jread.QueryRowContext(ctx, `SELECT `+journalColumns+` FROM api_journal WHERE rid = ?`, rid))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return JournalEntry{}, ErrNotFound
	case err != nil:
		return JournalEntry{}, fmt.Errorf("journal %s: %w", rid, err)
	case e.AccountID != accountID:
		return JournalEntry{}, ErrForbidden
	case e.At.Before(s.now().Add(-JournalKeep)):
		return JournalEntry{}, ErrNotFound
	}
	return e, nil
}
