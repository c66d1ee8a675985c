package store

import (
	"context"
	"database/sql"
	"fmt"
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
	now := s.nowFor(accountID)
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
