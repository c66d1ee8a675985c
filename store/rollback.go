package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ReleaseHistory is how many releases the history shows and rollback may go back to (real:
// the last 5 versions).
const ReleaseHistory = 5

// rollbackOptionsTx works out where the account may roll back to at now: the versions of
// its last 5 releases other than the online one; or why it may not — phase_running (the
// real 87011) while a phased release is in progress, rollback_unavailable (the real 87012)
// with nothing to go back to, right after a rollback, or when the release before the online
// one was a cancelled phased release (real). history is the last 5 releases, newest first;
// cancelled ones are left out, as everyone returned from them.
func rollbackOptionsTx(ctx context.Context, tx *sql.Tx, accountID int64, now time.Time) (history []Release, targets []Version, refusal string, err error) {
	history, err = releasesTx(ctx, tx, accountID, notCancelled, ReleaseHistory, now)
	if err != nil {
		return nil, nil, "", err
	}
	if len(history) == 0 {
		return history, nil, "rollback_unavailable", nil
	}
	cur := history[0]
	if cur.InProgress() {
		return history, nil, "phase_running", nil
	}
	var lastPhase string
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(phase, '') FROM releases WHERE account_id = ? ORDER BY id DESC LIMIT 1`,
		accountID).Scan(&lastPhase); err != nil {
		return nil, nil, "", fmt.Errorf("latest release of %d: %w", accountID, err)
	}
	if cur.Mode == ModeRollback || lastPhase == PhaseCancelled {
		return history, nil, "rollback_unavailable", nil
	}
	for _, r := range history[1:] {
		if r.Version.ID != cur.Version.ID && !slices.ContainsFunc(targets, func(v Version) bool { return v.ID == r.Version.ID }) {
			targets = append(targets, r.Version)
		}
	}
	if len(targets) == 0 {
		return history, nil, "rollback_unavailable", nil
	}
	return history, targets, "", nil
}

// Rollback puts one of the last 5 released versions online again, for everyone at once.
// Errors (page level): phase_running, rollback_unavailable (also for a version that is not
// among the choices); ErrForbidden unless person may release.
func (s *Store) Rollback(ctx context.Context, accountID, personID, versionID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActRelease); err != nil {
			return err
		}
		if _, _, err := s.settleTx(ctx, tx, accountID); err != nil {
			return err
		}
		now := s.nowFor(accountID)
		history, targets, refusal, err := rollbackOptionsTx(ctx, tx, accountID, now)
		if err != nil {
			return err
		}
		if refusal != "" {
			return invalid("", refusal)
		}
		i := slices.IndexFunc(targets, func(v Version) bool { return v.ID == versionID })
		if i < 0 {
			return invalid("", "rollback_unavailable")
		}
		cur := history[0]
		if _, err := tx.ExecContext(ctx, `INSERT INTO releases (account_id, version_id, previous_id, mode, person_id, released_at)
			VALUES (?, ?, ?, 'rollback', ?, ?)`, accountID, versionID, cur.ID, personID, fmtTime(now)); err != nil {
			return fmt.Errorf("roll back to version %d: %w", versionID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opVersionRolledBack, targets[i].Version, change(cur.Version.Version, targets[i].Version))
	})
}

// VersionsPage is everything /versions shows, read as one snapshot (SPEC §12).
type VersionsPage struct {
	Online          *Release    // nil before the first release
	Review          *CodeReview // the review slot: pending, approved or rejected; nil when empty
	Trial           *Version
	Dev             []Version // one per uploader, newest first
	History         []Release // the last 5 releases, newest first (the online one first)
	RollbackTargets []Version // the versions rollback may go back to now
	RollbackRefusal string    // why rollback is not possible now ("" when it is)
	WithdrawsLeft   int       // withdrawals today's and this month's quotas still allow
	Now             time.Time // the account's clock when this was read
}

// VersionsOf reads the account's versions page.
func (s *Store) VersionsOf(ctx context.Context, accountID int64) (VersionsPage, error) {
	var p VersionsPage
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		p.Now = s.nowFor(accountID)
		if _, err := accountTx(ctx, tx, accountID); err != nil {
			return err
		}
		var err error
		if p.History, p.RollbackTargets, p.RollbackRefusal, err = rollbackOptionsTx(ctx, tx, accountID, p.Now); err != nil {
			return err
		}
		if len(p.History) > 0 {
			p.Online = &p.History[0]
		}
		switch r, err := reviewSlotTx(ctx, tx, accountID); {
		case err == nil:
			p.Review = &r
		case !errors.Is(err, ErrNotFound):
			return err
		}
		trial, err := versionsWhere(ctx, tx, accountID, `v.trial = 1`)
		if err != nil {
			return err
		}
		if len(trial) > 0 {
			p.Trial = &trial[0]
		}
		if p.Dev, err = versionsWhere(ctx, tx, accountID, `v.dev = 1`); err != nil {
			return err
		}
		p.WithdrawsLeft, err = s.withdrawsLeftTx(ctx, tx, accountID)
		return err
	})
	return p, err
}
