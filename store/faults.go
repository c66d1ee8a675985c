package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The kinds of fault rule (SPEC §18): an errcode answered as the real API would, or a
// broken answer.
const (
	FaultErrcode       = "errcode"
	FaultHTML502       = "html_502"
	FaultTruncatedJSON = "truncated_json"
	FaultTimeout       = "timeout"
)

// FaultKinds lists the kinds in the order the page offers them.
var FaultKinds = []string{FaultErrcode, FaultHTML502, FaultTruncatedJSON, FaultTimeout}

// FaultMaxLatency is the most latency a rule may add (SPEC §18: up to 10 s).
const FaultMaxLatency = 10 * time.Second

// FaultRule answers some calls of one endpoint of an account with a fault: the next
// calls while Remaining lasts (Count > 0 marks such a rule), or each call with
// Probability (Count 0).
type FaultRule struct {
	ID          int64
	Endpoint    string // the path, e.g. /cgi-bin/token
	Kind        string
	ErrCode     int // for FaultErrcode
	Count       int // the next N calls; 0 for a rule by probability
	Remaining   int // of Count, still to answer
	Probability float64
	Latency     time.Duration
	CreatedAt   time.Time
}

// Active tells whether the rule may still answer a call.
func (r FaultRule) Active() bool { return r.Count == 0 || r.Remaining > 0 }

// FaultForm is the page's form of a new rule, as typed.
type FaultForm struct {
	Endpoint, Kind, ErrCode, Count, Probability, LatencyMS string
}

// parseFault checks a new rule's fields: an endpoint path, a kind, a non-zero errcode for
// the errcode kind, exactly one of a count (1–1,000,000) and a probability (over 0, at
// most 1), and a latency of 0–10,000 ms.
func parseFault(f FaultForm) (FaultRule, error) {
	p := Problems{}
	r := FaultRule{Endpoint: strings.TrimSpace(f.Endpoint), Kind: f.Kind}
	if !strings.HasPrefix(r.Endpoint, "/") || strings.ContainsAny(r.Endpoint, " ?#") || len(r.Endpoint) > 200 {
		p.Add("endpoint", "fault_endpoint")
	}
	if !slices.Contains(FaultKinds, r.Kind) {
		p.Add("kind", "fault_kind")
	}
	if r.Kind == FaultErrcode {
		code, err := strconv.Atoi(strings.TrimSpace(f.ErrCode))
		if err != nil || code == 0 {
			p.Add("errcode", "fault_errcode")
		}
		r.ErrCode = code
	}
	count, prob := strings.TrimSpace(f.Count), strings.TrimSpace(f.Probability)
	switch {
	case (count == "") == (prob == ""):
		p.Add("count", "fault_count_or_probability")
	case count != "":
		n, err := strconv.Atoi(count)
		if err != nil || n < 1 || n > 1_000_000 {
			p.Add("count", "fault_count")
		}
		r.Count, r.Remaining = n, n
	default:
		v, err := strconv.ParseFloat(prob, 64)
		if err != nil || !(v > 0 && v <= 1) {
			p.Add("probability", "fault_probability")
		}
		r.Probability = v
	}
	if ms := strings.TrimSpace(f.LatencyMS); ms != "" {
		n, err := strconv.Atoi(ms)
		if err != nil || n < 0 || time.Duration(n)*time.Millisecond > FaultMaxLatency {
			p.Add("latency_ms", "fault_latency")
		}
		r.Latency = time.Duration(n) * time.Millisecond
	}
	return r, p.Err()
}

// AddFaultRule adds a rule to the account from the page's form.
func (s *Store) AddFaultRule(ctx context.Context, accountID int64, f FaultForm) (FaultRule, error) {
	r, err := parseFault(f)
	if err != nil {
		return FaultRule{}, err
	}
	r.CreatedAt = s.nowFor(accountID)
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		var remaining any
		if r.Count > 0 {
			remaining = r.Remaining
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO fault_rules (account_id, endpoint, kind, errcode, remaining, probability, latency_ms, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, accountID, r.Endpoint, r.Kind, r.ErrCode, remaining, r.Probability, r.Latency.Milliseconds(), fmtTime(r.CreatedAt))
		if err != nil {
			return fmt.Errorf("add fault rule to %d: %w", accountID, err)
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return FaultRule{}, err
	}
	return r, s.countFaultRules(ctx)
}

// DeleteFaultRule removes one of the account's rules (ErrNotFound for another's).
func (s *Store) DeleteFaultRule(ctx context.Context, accountID, id int64) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM fault_rules WHERE id = ? AND account_id = ?`, id, accountID)
		if err != nil {
			return fmt.Errorf("delete fault rule %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.countFaultRules(ctx)
}

const faultColumns = `id, endpoint, kind, errcode, COALESCE(remaining, -1), probability, latency_ms, created_at`

func scanFault(sc interface{ Scan(...any) error }) (FaultRule, error) {
	var r FaultRule
	var ms int64
	var created string
	err := sc.Scan(&r.ID, &r.Endpoint, &r.Kind, &r.ErrCode, &r.Remaining, &r.Probability, &ms, &created)
	r.Latency, r.CreatedAt = time.Duration(ms)*time.Millisecond, parseTime(created)
	if r.Remaining < 0 {
		r.Remaining = 0
	} else {
		r.Count = max(r.Remaining, 1)
	}
	return r, err
}

// FaultRules lists the account's rules in the order they are tried.
func (s *Store) FaultRules(ctx context.Context, accountID int64) ([]FaultRule, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+faultColumns+` FROM fault_rules WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("fault rules of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []FaultRule
	for rows.Next() {
		r, err := scanFault(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// FaultsActive tells whether any account has a rule that may still answer: when none
// does, the API does not look further (a call costs nothing more).
func (s *Store) FaultsActive() bool { return s.activeFaults.Load() > 0 }

// countFaultRules refreshes the count FaultsActive reads.
func (s *Store) countFaultRules(ctx context.Context) error {
	var n int64
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM fault_rules WHERE remaining IS NULL OR remaining > 0`).Scan(&n); err != nil {
		return fmt.Errorf("count fault rules: %w", err)
	}
	s.activeFaults.Store(n)
	return nil
}

// TakeFault is the rule that answers this call of endpoint by the account, if any: the
// first rule (in the order they were made) with calls left, which uses one of them, or
// else the first rule by probability whose probability exceeds roll (a uniform number in
// [0, 1) drawn per call).
func (s *Store) TakeFault(ctx context.Context, accountID int64, endpoint string, roll float64) (FaultRule, bool, error) {
	var out FaultRule
	found := false
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		r, err := scanFault(tx.QueryRowContext(ctx, `UPDATE fault_rules SET remaining = remaining - 1
			WHERE id = (SELECT id FROM fault_rules WHERE account_id = ? AND endpoint = ? AND remaining > 0 ORDER BY id LIMIT 1)
			RETURNING `+faultColumns, accountID, endpoint))
		if err == nil {
			out, found = r, true
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("take fault rule: %w", err)
		}
		r, err = scanFault(tx.QueryRowContext(ctx, `SELECT `+faultColumns+` FROM fault_rules
			WHERE account_id = ? AND endpoint = ? AND remaining IS NULL AND probability > ? ORDER BY id LIMIT 1`, accountID, endpoint, roll))
		if err == nil {
			out, found = r, true
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("fault rule by probability: %w", err)
		}
		return nil
	})
	if err != nil || !found {
		return FaultRule{}, false, err
	}
	if out.Count > 0 && out.Remaining == 0 {
		err = s.countFaultRules(ctx)
	}
	return out, true, err
}

// FaultRefusal is the refusal an errcode rule answers, for the journal's reason.
func FaultRefusal(r FaultRule) *Refusal {
	return refuse(APIError(r.ErrCode), ReasonFault, "Rule", strconv.FormatInt(r.ID, 10), "Code", strconv.Itoa(r.ErrCode))
}
