package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Release modes and phased-release states (SPEC §12; real: grayrelease).
const (
	ModeFull     = "full"
	ModePhased   = "phased"
	ModeRollback = "rollback"

	PhaseRunning   = "running"
	PhasePaused    = "paused"
	PhaseDone      = "done"
	PhaseCancelled = "cancelled"
)

// PhaseAutoFull is how long a phased release may run: the platform then releases it in full
// (real: "the platform releases the new version in full on the 15th day").
const PhaseAutoFull = 15 * 24 * time.Hour

// PhasePlan is a phased release's share and options.
type PhasePlan struct {
	Percent      int  // 1–100: the share of people (by the hash rule) who get the new version
	MembersFirst bool // the administrator and project members get it at once
	TestersFirst bool // experience members get it at once
}

// Release is one release of a version. The account's online release is its newest release
// that was not cancelled; a phased one gives Previous to everyone outside its share.
type Release struct {
	ID      int64
	Version Version
	Mode    string // full, phased or rollback
	Phase   string // phased only: running, paused, done or cancelled, as in effect now
	PhasePlan
	Previous       *Version // phased: the version everyone else keeps (nil before the first release)
	ReleasedBy     string   // WeChat ID
	At             time.Time
	PhaseChangedAt time.Time
	previousID     int64
}

// InProgress tells whether a phased release is still running or paused: new releases and
// rollbacks wait for it (phase_running).
func (r Release) InProgress() bool { return r.Phase == PhaseRunning || r.Phase == PhasePaused }

// AutoFullAt is when a phased release becomes full by itself.
func (r Release) AutoFullAt() time.Time { return r.At.Add(PhaseAutoFull) }

// at is the release as in effect at now: a plan that has run 15 days is full. Every reader
// goes through it, so all see the same answer before any write records it.
func (r Release) at(now time.Time) Release {
	if r.InProgress() && !now.Before(r.AutoFullAt()) {
		r.Phase, r.Percent, r.PhaseChangedAt = PhaseDone, 100, r.AutoFullAt()
	}
	return r
}

// releasesTx lists the account's releases matching cond (a condition on r), newest first, as
// in effect at now, with their versions; limit 0 lists all.
func releasesTx(ctx context.Context, tx *sql.Tx, accountID int64, cond string, limit int, now time.Time) ([]Release, error) {
	q := `SELECT r.id, r.version_id, COALESCE(r.previous_id, 0), r.mode, COALESCE(r.phase, ''), r.percent, r.members_first,
		r.testers_first, COALESCE(p.wechat_id, ''), r.released_at, COALESCE(r.phase_changed_at, '')
		FROM releases r LEFT JOIN people p ON p.id = r.person_id WHERE r.account_id = ? AND ` + cond + ` ORDER BY r.id DESC`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := tx.QueryContext(ctx, q, accountID)
	if err != nil {
		return nil, fmt.Errorf("releases of %d: %w", accountID, err)
	}
	var out []Release
	var ids []int64
	for rows.Next() {
		var r Release
		var versionID int64
		var at, changed string
		if err := rows.Scan(&r.ID, &versionID, &r.previousID, &r.Mode, &r.Phase, &r.Percent, &r.MembersFirst, &r.TestersFirst,
			&r.ReleasedBy, &at, &changed); err != nil {
			rows.Close()
			return nil, err
		}
		r.At, r.PhaseChangedAt = parseTime(at), parseTime(changed)
		out, ids = append(out, r.at(now)), append(ids, versionID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Version, err = versionTx(ctx, tx, accountID, ids[i]); err != nil {
			return nil, err
		}
		if out[i].Mode == ModePhased && out[i].previousID != 0 {
			var prev int64
			if err := tx.QueryRowContext(ctx, `SELECT version_id FROM releases WHERE id = ?`, out[i].previousID).Scan(&prev); err != nil {
				return nil, fmt.Errorf("previous release of %d: %w", out[i].ID, err)
			}
			v, err := versionTx(ctx, tx, accountID, prev)
			if err != nil {
				return nil, err
			}
			out[i].Previous = &v
		}
	}
	return out, nil
}

// notCancelled is the condition for releases that count: everyone returned from a
// cancelled one to the release before it.
const notCancelled = `(r.phase IS NULL OR r.phase <> 'cancelled')`

// onlineTx is the account's online release as in effect at now (ok false before any).
func onlineTx(ctx context.Context, tx *sql.Tx, accountID int64, now time.Time) (Release, bool, error) {
	rs, err := releasesTx(ctx, tx, accountID, notCancelled, 1, now)
	if err != nil || len(rs) == 0 {
		return Release{}, false, err
	}
	return rs[0], true, nil
}

// settleTx reads the online release for a write and records an automatic full release that
// took effect since the last write, logged by the platform at the moment it took effect.
func (s *Store) settleTx(ctx context.Context, tx *sql.Tx, accountID int64) (Release, bool, error) {
	now := s.nowFor(accountID)
	cur, ok, err := onlineTx(ctx, tx, accountID, now)
	if err != nil || !ok {
		return cur, ok, err
	}
	if cur.Phase != PhaseDone {
		return cur, ok, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE releases SET phase = 'done', percent = 100, phase_changed_at = ?
		WHERE id = ? AND phase IN ('running', 'paused')`, fmtTime(cur.AutoFullAt()), cur.ID)
	if err != nil {
		return cur, ok, fmt.Errorf("settle release %d: %w", cur.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		err = s.logActor(ctx, tx, accountID, Actor{}, opPhaseAutoFull, cur.Version.Version, change(PhaseRunning, PhaseDone), cur.AutoFullAt())
	}
	return cur, ok, err
}

// Release puts the approved review version online (mode full or phased, with plan for
// phased). The checks and the release share one write transaction, so two people
// releasing at once release once. Errors: not_approved, phase_running, filing_required
// (the real 86369), verification_required (government, media and other organisations must
// be authenticated), first_release_full (the first release must be full, real),
// mode_invalid, percent_invalid; ErrForbidden unless person may release.
func (s *Store) Release(ctx context.Context, accountID, personID int64, mode string, plan PhasePlan) error {
	switch {
	case mode != ModeFull && mode != ModePhased:
		return invalid("mode", "mode_invalid")
	case mode == ModePhased && (plan.Percent < 1 || plan.Percent > 100):
		return invalid("percent", "percent_invalid")
	case mode == ModeFull:
		plan = PhasePlan{Percent: 100}
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActRelease); err != nil {
			return err
		}
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		cur, released, err := s.settleTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		review, err := reviewSlotTx(ctx, tx, accountID)
		if errors.Is(err, ErrNotFound) || err == nil && review.Status != CodeApproved {
			return invalid("", "not_approved")
		} else if err != nil {
			return err
		}
		f, err := filingTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		now := s.nowFor(accountID)
		switch {
		case released && cur.InProgress():
			return invalid("", "phase_running")
		case !f.Filed():
			return invalid("", "filing_required")
		case AuthRequired(a.Subject.Type) && !a.Authenticated(now):
			return invalid("", "verification_required")
		case mode == ModePhased && !released:
			return invalid("mode", "first_release_full")
		}
		var phase, previous any
		var before string
		after := review.Version.Version + " " + mode
		if mode == ModePhased {
			phase, after = PhaseRunning, after+" "+strconv.Itoa(plan.Percent)+"%"
			if plan.Percent == 100 {
				phase = PhaseDone
			}
		}
		if released {
			previous, before = cur.ID, cur.Version.Version
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO releases (account_id, version_id, previous_id, mode, phase, percent, members_first,
			testers_first, person_id, released_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, accountID, review.Version.ID, previous, mode, phase,
			plan.Percent, plan.MembersFirst, plan.TestersFirst, personID, fmtTime(now)); err != nil {
			return fmt.Errorf("release version %d: %w", review.Version.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE code_reviews SET status = 'released', closed_at = ? WHERE id = ?`, fmtTime(now), review.ID); err != nil {
			return fmt.Errorf("close review %d: %w", review.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET first_released_at = COALESCE(first_released_at, ?) WHERE id = ?`,
			fmtTime(now), accountID); err != nil {
			return fmt.Errorf("mark %d released: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opVersionReleased, review.Version.Version, change(before, after))
	})
}
