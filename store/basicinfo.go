package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CalendarZone is China Standard Time. The platform counts "per calendar month / year"
// quotas on Beijing's calendar, so a change at 17:00 UTC on 31 December already counts
// for the new year.
var CalendarZone = time.FixedZone("CST", 8*3600)

// Change quotas and limits of the basic info (SPEC §7, real).
const (
	NameChangesBeforeRelease = 2 // after the free first setting, until the first release
	NameChangesPerYear       = 2 // after the first release, personal subjects only
	IconChangesPerYear       = 5
	IntroChangesPerMonth     = 5
	MaxCategories            = 5
)

// Quota periods, as the page explains them.
const (
	PeriodRelease        = "release"        // until the first release
	PeriodYear           = "year"           // this calendar year
	PeriodMonth          = "month"          // this calendar month
	PeriodAuthentication = "authentication" // only through WeChat authentication
)

// Quota is what is left of one item's change allowance right now.
type Quota struct {
	First     bool   // nothing set yet: the first setting is free and always allowed
	Remaining int    // changes left in Period (when not First)
	Period    string // PeriodRelease, PeriodYear, PeriodMonth or PeriodAuthentication
}

// Allowed tells whether one more setting fits.
func (q Quota) Allowed() bool { return q.First || q.Remaining > 0 }

// BasicInfo is everything /settings/basic and /home show about an account, read as one
// consistent snapshot.
type BasicInfo struct {
	Account          Account
	Intro            string
	Icon             IconMeta
	Categories       []AccountCategory
	NameQuota        Quota
	IconQuota        Quota
	IntroQuota       Quota
	Filing           Filing
	Auth             Authentication // the latest request (Status "none" when there was none)
	SubjectRejection string         // the reviewer's reason when the subject was rejected
	Now              time.Time      // the store clock when this was read
}

// BasicInfoOf reads an account's basic info, quotas, filing and authentication.
func (s *Store) BasicInfoOf(ctx context.Context, accountID int64) (BasicInfo, error) {
	var b BasicInfo
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		now := s.now()
		b.Now = now
		if b.Account, err = accountTx(ctx, tx, accountID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT intro FROM accounts WHERE id = ?`, accountID).Scan(&b.Intro); err != nil {
			return fmt.Errorf("intro of %d: %w", accountID, err)
		}
		if b.Icon, err = iconMetaTx(ctx, tx, accountID); err != nil {
			return err
		}
		if b.Categories, err = categoriesTx(ctx, tx, accountID); err != nil {
			return err
		}
		if b.NameQuota, err = nameQuota(ctx, tx, b.Account, now); err != nil {
			return err
		}
		if b.IconQuota, err = iconQuota(ctx, tx, accountID, b.Icon.ETag != "", now); err != nil {
			return err
		}
		if b.IntroQuota, err = introQuota(ctx, tx, accountID, b.Intro != "", now); err != nil {
			return err
		}
		if b.Filing, err = filingTx(ctx, tx, accountID); err != nil {
			return err
		}
		if b.Auth, err = latestAuthTx(ctx, tx, accountID); err != nil {
			return err
		}
		b.SubjectRejection, err = subjectRejectionTx(ctx, tx, b.Account)
		return err
	})
	return b, err
}

// readTx runs fn in one read-only transaction, so several queries see one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// periodKeys are the calendar year and month (China time) that a change at t counts for.
func periodKeys(t time.Time) (year, month string) {
	c := t.In(CalendarZone)
	return c.Format("2006"), c.Format("2006-01")
}

// countChanges counts an item's changes of one kind, optionally within a year or month.
func countChanges(ctx context.Context, tx *sql.Tx, accountID int64, item, kind, year, month string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM basic_changes WHERE account_id = ? AND item = ? AND kind = ?
		AND (?4 = '' OR year = ?4) AND (?5 = '' OR month = ?5)`, accountID, item, kind, year, month).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s changes of %d: %w", item, accountID, err)
	}
	return n, nil
}

// recordChange notes one change for the quotas, in the transaction that makes it.
func (s *Store) recordChange(ctx context.Context, tx *sql.Tx, accountID, personID int64, item, kind, value string) error {
	now := s.now()
	year, month := periodKeys(now)
	_, err := tx.ExecContext(ctx, `INSERT INTO basic_changes (account_id, item, kind, year, month, value, person_id, at)
		VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?)`, accountID, item, kind, year, month, value, personID, fmtTime(now))
	if err != nil {
		return fmt.Errorf("record %s change of %d: %w", item, accountID, err)
	}
	return nil
}

// nameQuota: the first setting is free; then 2 changes before the first release; after
// it, 2 per calendar year for personal subjects, and for the others none (they rename
// through WeChat authentication).
func nameQuota(ctx context.Context, tx *sql.Tx, a Account, now time.Time) (Quota, error) {
	if a.Name == "" {
		return Quota{First: true}, nil
	}
	year, _ := periodKeys(now)
	switch {
	case !a.Released():
		n, err := countChanges(ctx, tx, a.ID, "name", "before_release", "", "")
		return Quota{Remaining: max(0, NameChangesBeforeRelease-n), Period: PeriodRelease}, err
	case a.Subject.Personal():
		n, err := countChanges(ctx, tx, a.ID, "name", "after_release", year, "")
		return Quota{Remaining: max(0, NameChangesPerYear-n), Period: PeriodYear}, err
	}
	return Quota{Period: PeriodAuthentication}, nil
}

// nameChangeKind is how a name change under q is recorded.
func nameChangeKind(q Quota) string {
	switch {
	case q.First:
		return "first"
	case q.Period == PeriodRelease:
		return "before_release"
	}
	return "after_release"
}

func iconQuota(ctx context.Context, tx *sql.Tx, accountID int64, set bool, now time.Time) (Quota, error) {
	if !set {
		return Quota{First: true}, nil
	}
	year, _ := periodKeys(now)
	n, err := countChanges(ctx, tx, accountID, "icon", "change", year, "")
	return Quota{Remaining: max(0, IconChangesPerYear-n), Period: PeriodYear}, err
}

func introQuota(ctx context.Context, tx *sql.Tx, accountID int64, set bool, now time.Time) (Quota, error) {
	if !set {
		return Quota{First: true}, nil
	}
	_, month := periodKeys(now)
	n, err := countChanges(ctx, tx, accountID, "intro", "change", "", month)
	return Quota{Remaining: max(0, IntroChangesPerMonth-n), Period: PeriodMonth}, err
}

// CheckName applies the name rules that need no database: 4–30 units, the allowed
// characters, and not the reserved word 小程序.
func CheckName(name string) error {
	if u := NameUnits(name); u < NameMinUnits || u > NameMaxUnits || !CheckNameChars(name) {
		return invalid("name", "name_invalid")
	}
	if strings.Contains(name, "小程序") {
		return invalid("name", "name_reserved_word")
	}
	return nil
}

// subjectKey says who a subject is, for name sharing: a person by ID number, an
// organisation by credit code.
func subjectKey(sub Subject) string {
	if sub.Personal() {
		return "id:" + sub.AdminIDNumber
	}
	return "cc:" + sub.CreditCode
}

// nameTakenTx tells whether another subject's account uses name (case-insensitively).
// Accounts of the same subject may share a name (real).
func nameTakenTx(ctx context.Context, tx *sql.Tx, a Account, name string) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT subject_type, admin_id_number, credit_code FROM accounts
		WHERE id <> ? AND step = 'done' AND name = ? COLLATE NOCASE`, a.ID, name)
	if err != nil {
		return false, fmt.Errorf("find name %q: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var other Subject
		if err := rows.Scan(&other.Type, &other.AdminIDNumber, &other.CreditCode); err != nil {
			return false, err
		}
		if subjectKey(other) != subjectKey(a.Subject) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// doneAccountTx loads an account that finished registration; basic info of an
// unfinished one cannot be edited.
func doneAccountTx(ctx context.Context, tx *sql.Tx, accountID int64) (Account, error) {
	a, err := accountTx(ctx, tx, accountID)
	if err != nil {
		return Account{}, err
	}
	if a.Step != StepDone {
		return Account{}, ErrConflict
	}
	return a, nil
}

// SetName renames the account. The rules, the uniqueness across subjects and the change
// quota are all checked in the write transaction that renames; an unchanged name is a
// no-op that uses no quota.
func (s *Store) SetName(ctx context.Context, accountID, personID int64, name string) error {
	name = strings.TrimSpace(name)
	if err := CheckName(name); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil || a.Name == name {
			return err
		}
		q, err := nameQuota(ctx, tx, a, s.now())
		if err != nil {
			return err
		}
		if !q.Allowed() {
			return invalid("name", "name_change_quota")
		}
		if taken, err := nameTakenTx(ctx, tx, a, name); err != nil {
			return err
		} else if taken {
			return invalid("name", "name_taken")
		}
		if err := s.renameTx(ctx, tx, accountID, personID, name, nameChangeKind(q)); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, "name_set", name)
	})
}

// renameTx writes a new name and counts the change.
func (s *Store) renameTx(ctx context.Context, tx *sql.Tx, accountID, personID int64, name, kind string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET name = ? WHERE id = ?`, name, accountID); err != nil {
		return fmt.Errorf("rename %d: %w", accountID, err)
	}
	return s.recordChange(ctx, tx, accountID, personID, "name", kind, name)
}

// SetIntro changes the introduction: 4–120 characters, 5 changes per calendar month
// after the free first setting, counted in the write transaction.
func (s *Store) SetIntro(ctx context.Context, accountID, personID int64, intro string) error {
	intro = strings.TrimSpace(intro)
	if !CheckIntro(intro) {
		return invalid("intro", "intro_invalid")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := doneAccountTx(ctx, tx, accountID); err != nil {
			return err
		}
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT intro FROM accounts WHERE id = ?`, accountID).Scan(&current); err != nil {
			return fmt.Errorf("intro of %d: %w", accountID, err)
		}
		if current == intro {
			return nil
		}
		q, err := introQuota(ctx, tx, accountID, current != "", s.now())
		if err != nil {
			return err
		}
		if !q.Allowed() {
			return invalid("intro", "intro_change_quota")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET intro = ? WHERE id = ?`, intro, accountID); err != nil {
			return fmt.Errorf("set intro of %d: %w", accountID, err)
		}
		kind := "change"
		if q.First {
			kind = "first"
		}
		if err := s.recordChange(ctx, tx, accountID, personID, "intro", kind, intro); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, "intro_set", intro)
	})
}

// scanNullTime parses an optional timestamp column.
func scanNullTime(v sql.NullString) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return parseTime(v.String)
}

// notFound maps sql.ErrNoRows to ErrNotFound and wraps other errors with what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
