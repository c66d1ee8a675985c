package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Review kinds: what POST /ops/{kind}/{id} decides (SPEC §3).
const (
	ReviewSubject  = "subject"        // a non-personal subject's verification (id: the account)
	ReviewFiling   = "filing"         // a filing in platform or authority review
	ReviewAuth     = "authentication" // a WeChat authentication request
	ReviewCategory = "category"       // a category that needs a qualification
	ReviewCode     = "code"           // a version submitted for code review (SPEC §12)
)

// MaxReasonRunes caps a reviewer's reason.
const MaxReasonRunes = 500

// QueueItem is one thing waiting for a reviewer.
type QueueItem struct {
	Kind     string
	ID       int64
	Stage    string    // the filing state being reviewed; "" for the other kinds
	Since    time.Time // when it started waiting
	Account  Account
	Filing   Filing          // kind filing
	Auth     Authentication  // kind authentication
	Category AccountCategory // kind category
	Code     CodeReview      // kind code: the version with its package's files, and the page groups
}

// ReviewQueue lists everything waiting for a decision, oldest first: subject
// verifications, filings at each ops-driven state, authentications, categories and code.
func (s *Store) ReviewQueue(ctx context.Context) ([]QueueItem, error) {
	var out []QueueItem
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queueRows(ctx, tx, `SELECT `+accountColumns+` FROM accounts WHERE step = 'done' AND subject_verification = 'pending'`,
			func(r *sql.Rows) (QueueItem, error) {
				a, err := scanAccount(r)
				return QueueItem{Kind: ReviewSubject, ID: a.ID, Since: a.RegisteredAt, Account: a}, err
			})
		if err != nil {
			return err
		}
		more, err := queueRows(ctx, tx, `SELECT `+filingColumns+` FROM filings WHERE status IN ('platform_review', 'authority_review')`,
			func(r *sql.Rows) (QueueItem, error) {
				f, err := scanFiling(r)
				return QueueItem{Kind: ReviewFiling, ID: f.ID, Stage: f.Status, Since: f.UpdatedAt, Filing: f, Account: Account{ID: f.AccountID}}, err
			})
		if err != nil {
			return err
		}
		out = append(out, more...)
		more, err = queueRows(ctx, tx, `SELECT `+authColumns+` FROM authentications WHERE status = 'pending'`,
			func(r *sql.Rows) (QueueItem, error) {
				a, err := scanAuth(r)
				return QueueItem{Kind: ReviewAuth, ID: a.ID, Since: a.SubmittedAt, Auth: a, Account: Account{ID: a.AccountID}}, err
			})
		if err != nil {
			return err
		}
		out = append(out, more...)
		more, err = queueRows(ctx, tx, `SELECT `+accountCategoryColumns+` FROM account_categories WHERE status = 'reviewing'`,
			func(r *sql.Rows) (QueueItem, error) {
				c, err := scanAccountCategory(r)
				return QueueItem{Kind: ReviewCategory, ID: c.ID, Since: c.CreatedAt, Category: c, Account: Account{ID: c.AccountID}}, err
			})
		if err != nil {
			return err
		}
		out = append(out, more...)
		if more, err = codeQueueTx(ctx, tx); err != nil {
			return err
		}
		out = append(out, more...)
		for i := range out {
			if out[i].Kind != ReviewSubject {
				if out[i].Account, err = accountTx(ctx, tx, out[i].Account.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Since.Equal(out[j].Since) {
			return out[i].Since.Before(out[j].Since)
		}
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].ID < out[j].ID
	})
	return out, err
}

func queueRows(ctx context.Context, tx *sql.Tx, query string, scan func(*sql.Rows) (QueueItem, error)) ([]QueueItem, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("review queue: %w", err)
	}
	defer rows.Close()
	var out []QueueItem
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// verdict is an operator's decision on one item.
type verdict struct {
	approve bool
	reason  string
}

// check applies the reason rules. Each kind calls it once the item is known to be
// waiting, so a decision on a gone or decided item answers 404 / 409, not a form error.
func (v verdict) check() error {
	if !v.approve && v.reason == "" {
		return invalid("reason", "reason_required")
	}
	if utf8.RuneCountInString(v.reason) > MaxReasonRunes {
		return invalid("reason", "reason_invalid")
	}
	return nil
}

// Decide records an operator's decision on one waiting item and applies it, in one
// transaction. A rejection needs a reason; an unknown kind or id is ErrNotFound, an item
// no longer waiting ErrConflict, a person who is not an operator ErrForbidden.
func (s *Store) Decide(ctx context.Context, kind string, id, operatorID int64, approve bool, reason string) error {
	v := verdict{approve: approve, reason: strings.TrimSpace(reason)}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var operator bool
		err := tx.QueryRowContext(ctx, `SELECT is_operator FROM people WHERE id = ?`, operatorID).Scan(&operator)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !operator) {
			return ErrForbidden
		} else if err != nil {
			return fmt.Errorf("operator %d: %w", operatorID, err)
		}
		var accountID int64
		var stage string
		switch kind {
		case ReviewSubject:
			accountID, err = s.decideSubject(ctx, tx, id, v)
		case ReviewFiling:
			accountID, stage, err = s.decideFiling(ctx, tx, id, v)
		case ReviewAuth:
			accountID, err = s.decideAuth(ctx, tx, id, v)
		case ReviewCategory:
			accountID, err = s.decideCategory(ctx, tx, id, v)
		case ReviewCode:
			accountID, err = s.decideCode(ctx, tx, id, v)
		default:
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		decision := "reject"
		if approve {
			decision = "approve"
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO decisions (kind, item_id, account_id, stage, decision, reason, operator_id, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, kind, id, accountID, stage, decision, v.reason, operatorID, fmtTime(s.nowFor(accountID)))
		if err != nil {
			return fmt.Errorf("record decision on %s %d: %w", kind, id, err)
		}
		return nil
	})
}

// decideSubject completes (or refuses) the registration of a non-personal subject.
func (s *Store) decideSubject(ctx context.Context, tx *sql.Tx, accountID int64, v verdict) (int64, error) {
	a, err := accountTx(ctx, tx, accountID)
	if err != nil {
		return 0, err
	}
	if a.Step != StepDone || a.SubjectVerification != "pending" {
		return 0, ErrConflict
	}
	if err := v.check(); err != nil {
		return 0, err
	}
	state, action := "approved", opSubjectApproved
	if !v.approve {
		state, action = "rejected", opSubjectRejected
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET subject_verification = ? WHERE id = ?`, state, accountID); err != nil {
		return 0, fmt.Errorf("decide subject of %d: %w", accountID, err)
	}
	return accountID, s.logOp(ctx, tx, accountID, 0, action, a.Subject.OrgName, v.reason)
}

func subjectRejectionTx(ctx context.Context, tx *sql.Tx, a Account) (string, error) {
	if a.SubjectVerification != "rejected" {
		return "", nil
	}
	var reason string
	err := tx.QueryRowContext(ctx, `SELECT reason FROM decisions WHERE kind = 'subject' AND item_id = ? AND decision = 'reject'
		ORDER BY id DESC LIMIT 1`, a.ID).Scan(&reason)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return reason, err
}

// Decision is one recorded ops decision.
type Decision struct {
	ID       int64
	Kind     string
	ItemID   int64
	AppID    string
	Stage    string
	Decision string // approve or reject
	Reason   string
	Operator string // the operator's WeChat ID
	At       time.Time
}

// RecentDecisions lists the latest decisions, newest first, for the reviewers' record.
func (s *Store) RecentDecisions(ctx context.Context, limit int) ([]Decision, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT d.id, d.kind, d.item_id, COALESCE(a.appid, ''), d.stage, d.decision, d.reason, p.wechat_id, d.at
		FROM decisions d JOIN people p ON p.id = d.operator_id JOIN accounts a ON a.id = d.account_id ORDER BY d.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("recent decisions: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		var at string
		if err := rows.Scan(&d.ID, &d.Kind, &d.ItemID, &d.AppID, &d.Stage, &d.Decision, &d.Reason, &d.Operator, &at); err != nil {
			return nil, err
		}
		d.At = parseTime(at)
		out = append(out, d)
	}
	return out, rows.Err()
}
