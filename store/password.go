package store

import (
	"context"
	"database/sql"
	"fmt"
)

// PasswordChange is the account-password form.
type PasswordChange struct {
	Current, New, Confirm string
}

// ChangeAccountPassword replaces the account's login password after checking the current
// one, and moves the account's session epoch on, which ends every other console session of
// the account (SPEC §6). It returns the new epoch, for the session that made the change.
func (s *Store) ChangeAccountPassword(ctx context.Context, accountID, personID int64, pc PasswordChange) (int64, error) {
	p := Problems{}
	if !CheckPassword(pc.New) {
		p.Add("password", "password_weak")
	} else if pc.New != pc.Confirm {
		p.Add("password_confirm", "password_mismatch")
	}
	var epoch int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var hash string
		if err := tx.QueryRowContext(ctx, `SELECT password_hash, session_epoch FROM accounts WHERE id = ?`, accountID).Scan(&hash, &epoch); err != nil {
			return fmt.Errorf("load account %d: %w", accountID, err)
		}
		if !passwordMatches(hash, pc.Current) {
			p.Add("current_password", "password_wrong")
		}
		if err := p.Err(); err != nil {
			return err
		}
		newHash, err := hashPassword(pc.New)
		if err != nil {
			return err
		}
		epoch++
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = ?, session_epoch = ? WHERE id = ?`, newHash, epoch, accountID); err != nil {
			return fmt.Errorf("change password of %d: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opPasswordChanged, "", "")
	})
	return epoch, err
}
