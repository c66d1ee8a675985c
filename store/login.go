package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Login lockout (SPEC §6): after LockoutFailures failed logins for one email within
// LockoutWindow, further attempts are refused for LockoutWindow.
const (
	LockoutFailures = 5
	LockoutWindow   = 15 * time.Minute
)

// CheckAccountPassword is step one of the console login. Wrong email and wrong password
// are the same code; failures are counted per email (existing or not) and the lockout is
// decided in the same transaction that records them.
func (s *Store) CheckAccountPassword(ctx context.Context, email, password string) (Account, error) {
	email = NormalizeEmail(email)
	var out Account
	var verdict error
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `SELECT at FROM login_failures WHERE email = ? AND at > ? ORDER BY at DESC LIMIT ?`,
			email, fmtTime(now.Add(-2*LockoutWindow)), LockoutFailures)
		if err != nil {
			return err
		}
		var recent []time.Time
		for rows.Next() {
			var at string
			if err := rows.Scan(&at); err != nil {
				rows.Close()
				return err
			}
			recent = append(recent, parseTime(at))
		}
		rows.Close()
		if len(recent) == LockoutFailures && recent[0].Sub(recent[LockoutFailures-1]) <= LockoutWindow && now.Before(recent[0].Add(LockoutWindow)) {
			verdict = invalid("", "login_locked")
			return nil
		}
		var hash string
		out, err = scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = ?`, email))
		if err == nil {
			err = tx.QueryRowContext(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, out.ID).Scan(&hash)
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("load account %s: %w", email, err)
		}
		if hash == "" {
			passwordMatches(dummyHash(), password)
		}
		if hash == "" || !passwordMatches(hash, password) {
			verdict = invalid("", "login_failed")
			_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (email, at) VALUES (?, ?)`, email, fmtTime(now))
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM login_failures WHERE email = ?`, email)
		return err
	})
	if err != nil {
		return Account{}, err
	}
	if verdict != nil {
		return Account{}, verdict
	}
	return out, nil
}
