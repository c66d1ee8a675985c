package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// PasswordChange is the account-password form.
type PasswordChange struct {
	Current, New, Confirm string
}

// ChangeAccountPassword replaces the account's login password after checking the current
// one, and ends every other console session of the account (SPEC §6): keep is the cookie id
// of the session that made the change. bcrypt runs outside the write transaction; the
// transaction only replaces the hash if it is still the one that was checked.
func (s *Store) ChangeAccountPassword(ctx context.Context, accountID, personID int64, keep string, pc PasswordChange) error {
	p := Problems{}
	if !CheckPassword(pc.New) {
		p.Add("password", "password_weak")
	} else if pc.New != pc.Confirm {
		p.Add("password_confirm", "password_mismatch")
	}
	var hash string
	if err := s.read.QueryRowContext(ctx, `SELECT password_hash FROM accounts WHERE id = ?`, accountID).Scan(&hash); err != nil {
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
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, accountID, hash)
		if err != nil {
			return fmt.Errorf("change password of %d: %w", accountID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return invalid("current_password", "password_wrong") // changed by someone else meanwhile
		}
		if err := endConsoleSessions(ctx, tx, accountID, 0, keep, SessionEndPassword); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opPasswordChanged, "", "")
	})
}

// errLocked is what a locked login answers (SPEC §6): the web layer makes it a 429.
var errLocked = invalid("", "login_locked")

// lockedOut tells whether login on surface is locked: its last LockoutFailures failures
// fell within LockoutWindow, and the last of them is less than LockoutWindow ago.
func (s *Store) lockedOut(ctx context.Context, q querier, surface, login string) (bool, error) {
	now := s.now()
	var n int
	var first, last string
	err := q.QueryRowContext(ctx, `SELECT count(*), COALESCE(min(at), ''), COALESCE(max(at), '') FROM (SELECT at FROM login_failures
		WHERE surface = ? AND login = ? AND at > ? ORDER BY at DESC LIMIT ?)`,
		surface, login, fmtTime(now.Add(-2*LockoutWindow)), LockoutFailures).Scan(&n, &first, &last)
	if err != nil {
		return false, fmt.Errorf("count failed logins: %w", err)
	}
	return n == LockoutFailures && parseTime(last).Sub(parseTime(first)) <= LockoutWindow && now.Before(parseTime(last).Add(LockoutWindow)), nil
}

// checkLogin is the shape of both password logins: the lockout and the stored hash are read
// first, bcrypt compares outside any transaction, and a short write transaction then checks
// the lockout again (failures of concurrent attempts count), records a failure or clears the
// failures, and confirms that the hash compared is still the stored one. hashOf reads the
// hash ("" when there is no such login).
func (s *Store) checkLogin(ctx context.Context, surface, login, password string, hashOf func(q querier) (string, error)) error {
	if locked, err := s.lockedOut(ctx, s.read, surface, login); err != nil {
		return err
	} else if locked {
		return errLocked
	}
	hash, err := hashOf(s.read)
	if err != nil {
		return err
	}
	ok := hash != "" && passwordMatches(hash, password)
	if hash == "" {
		passwordMatches(dummyHash(), password) // same work as a real check, so timing tells nothing
	}
	var verdict error
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		locked, err := s.lockedOut(ctx, tx, surface, login)
		if err != nil {
			return err
		}
		if ok && !locked {
			now, err := hashOf(tx)
			if err != nil {
				return err
			}
			ok = now == hash
		}
		switch {
		case locked:
			verdict = errLocked
		case !ok:
			verdict = invalid("", "login_failed")
			_, err = tx.ExecContext(ctx, `INSERT INTO login_failures (surface, login, at) VALUES (?, ?, ?)`, surface, login, fmtTime(s.now()))
		default:
			_, err = tx.ExecContext(ctx, `DELETE FROM login_failures WHERE surface = ? AND login = ?`, surface, login)
		}
		return err
	})
	if err != nil {
		return err
	}
	return verdict
}

// passwordHash reads one password_hash column; no row is "".
func passwordHash(q querier, ctx context.Context, query string, args ...any) (string, error) {
	var hash string
	err := q.QueryRowContext(ctx, query, args...).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return hash, err
}
