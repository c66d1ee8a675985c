package store

import (
	"context"
	"database/sql"
	"fmt"
)

// decideCode applies an ops decision to a waiting code review; the log names the platform.
func (s *Store) decideCode(ctx context.Context, tx *sql.Tx, id int64, v verdict) (int64, error) {
	r, err := codeReviewTx(ctx, tx, `r.id = ?`, id)
	if err != nil {
		return 0, err
	}
	if r.Status != CodePending {
		return 0, ErrConflict
	}
	if err := v.check(); err != nil {
		return 0, err
	}
	status, action := CodeApproved, opCodeApproved
	if !v.approve {
		status, action = CodeRejected, opCodeRejected
	}
	if _, err := tx.ExecContext(ctx, `UPDATE code_reviews SET status = ?, reason = ?, decided_at = ? WHERE id = ?`,
		status, v.reason, fmtTime(s.nowFor(r.AccountID)), id); err != nil {
		return 0, fmt.Errorf("decide code review %d: %w", id, err)
	}
	return r.AccountID, s.logOp(ctx, tx, r.AccountID, 0, action, r.Version.Version, v.reason)
}

// codeQueueTx lists the waiting code reviews as queue items.
func codeQueueTx(ctx context.Context, tx *sql.Tx) ([]QueueItem, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM code_reviews WHERE status = 'pending' ORDER BY submitted_at, id`)
	if err != nil {
		return nil, fmt.Errorf("code review queue: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]QueueItem, 0, len(ids))
	for _, id := range ids {
		r, err := codeReviewTx(ctx, tx, `r.id = ?`, id)
		if err != nil {
			return nil, err
		}
		out = append(out, QueueItem{Kind: ReviewCode, ID: id, Since: r.SubmittedAt, Code: r, Account: Account{ID: r.AccountID}})
	}
	return out, nil
}
