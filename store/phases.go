package store

import (
	"context"
	"database/sql"
	"fmt"
)

// SetPhasePercent raises the share of a running or paused phased release; 100 completes it.
// Errors: percent_invalid, percent_must_rise; ErrConflict when no phased release is in progress.
func (s *Store) SetPhasePercent(ctx context.Context, accountID, personID int64, percent int) error {
	if percent < 1 || percent > 100 {
		return invalid("percent", "percent_invalid")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActRelease); err != nil {
			return err
		}
		cur, ok, err := s.settleTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !ok || !cur.InProgress() {
			return ErrConflict
		}
		if percent <= cur.Percent {
			return invalid("percent", "percent_must_rise")
		}
		phase := cur.Phase
		if percent == 100 {
			phase = PhaseDone
		}
		if _, err := tx.ExecContext(ctx, `UPDATE releases SET percent = ?, phase = ?, phase_changed_at = ? WHERE id = ?`,
			percent, phase, fmtTime(s.nowFor(accountID)), cur.ID); err != nil {
			return fmt.Errorf("set percent of release %d: %w", cur.ID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opPhasePercentSet, cur.Version.Version,
			change(fmt.Sprintf("%d%%", cur.Percent), fmt.Sprintf("%d%%", percent)))
	})
}

// The changes of a phased release's state (POST /versions/online/phase/{action}).
const (
	PhasePause  = "pause"  // running → paused: the share stays where it is
	PhaseResume = "resume" // paused → running
	PhaseFull   = "full"   // running or paused → done: everyone gets the new version
	PhaseCancel = "cancel" // running or paused → cancelled: everyone returns to the previous version
)

// phaseMoves is each action's allowed starting states, target state and log action.
var phaseMoves = map[string]struct {
	from   []string
	to     string
	action OpAction
}{
	PhasePause:  {[]string{PhaseRunning}, PhasePaused, opPhasePaused},
	PhaseResume: {[]string{PhasePaused}, PhaseRunning, opPhaseResumed},
	PhaseFull:   {[]string{PhaseRunning, PhasePaused}, PhaseDone, opPhaseFull},
	PhaseCancel: {[]string{PhaseRunning, PhasePaused}, PhaseCancelled, opPhaseCancelled},
}

// ChangePhase pauses, resumes, completes or cancels the phased release in progress. An
// unknown action is ErrNotFound; one the current state does not allow (including a plan
// that has already turned full by itself) is ErrConflict.
func (s *Store) ChangePhase(ctx context.Context, accountID, personID int64, action string) error {
	move, ok := phaseMoves[action]
	if !ok {
		return ErrNotFound
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActRelease); err != nil {
			return err
		}
		cur, ok, err := s.settleTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		allowed := false
		for _, from := range move.from {
			allowed = allowed || ok && cur.Phase == from
		}
		if !allowed {
			return ErrConflict
		}
		percent := cur.Percent
		if move.to == PhaseDone {
			percent = 100
		}
		if _, err := tx.ExecContext(ctx, `UPDATE releases SET phase = ?, percent = ?, phase_changed_at = ? WHERE id = ?`,
			move.to, percent, fmtTime(s.nowFor(accountID)), cur.ID); err != nil {
			return fmt.Errorf("%s release %d: %w", action, cur.ID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, move.action, cur.Version.Version, change(cur.Phase, move.to))
	})
}
