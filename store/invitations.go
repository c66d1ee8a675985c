package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Invitation is a pending project membership as the invited person's WeChat inbox shows it.
type Invitation struct {
	ID          int64 // the member row
	AccountID   int64
	AccountName string
	AppID       string
	Roles       Roles
	InvitedBy   string // WeChat ID
	At          time.Time
}

// Invitations lists the project invitations waiting for person's answer, newest first.
func (s *Store) Invitations(ctx context.Context, personID int64) ([]Invitation, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT m.id, a.id, a.name, COALESCE(a.appid, ''), m.roles, COALESCE(b.wechat_id, ''), m.added_at
		FROM members m JOIN accounts a ON a.id = m.account_id LEFT JOIN people b ON b.id = m.added_by
		WHERE m.person_id = ? AND m.kind = 'project' AND m.status = 'invited' ORDER BY m.added_at DESC, m.id DESC`, personID)
	if err != nil {
		return nil, fmt.Errorf("invitations of %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		var roles, at string
		if err := rows.Scan(&inv.ID, &inv.AccountID, &inv.AccountName, &inv.AppID, &roles, &inv.InvitedBy, &at); err != nil {
			return nil, err
		}
		inv.Roles, inv.At = ParseRoles(roles), parseTime(at)
		out = append(out, inv)
	}
	return out, rows.Err()
}

// DecideInvitation records person's answer to one of their pending invitations: accepted,
// they are an active project member from their next console request on; declined, they
// never get in. Anything but their own pending invitation is ErrNotFound.
func (s *Store) DecideInvitation(ctx context.Context, personID, memberID int64, accept bool) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var accountID int64
		var wechatID string
		err := tx.QueryRowContext(ctx, `SELECT m.account_id, p.wechat_id FROM members m JOIN people p ON p.id = m.person_id
			WHERE m.id = ? AND m.person_id = ? AND m.kind = 'project' AND m.status = 'invited'`, memberID, personID).Scan(&accountID, &wechatID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("find invitation %d: %w", memberID, err)
		}
		status, action := StatusDeclined, opInvitationDeclined
		if accept {
			status, action = StatusActive, opInvitationAccepted
		}
		if _, err := tx.ExecContext(ctx, `UPDATE members SET status = ? WHERE id = ?`, status, memberID); err != nil {
			return fmt.Errorf("answer invitation %d: %w", memberID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, action, wechatID, change(StatusInvited, status))
	})
}
