package store

import (
	"context"
	"strings"
	"time"
)

// Login lockout (SPEC §6): after LockoutFailures failed logins for one email (console) or
// one WeChat ID (simulator) within LockoutWindow, further attempts are refused for
// LockoutWindow.
const (
	LockoutFailures = 5
	LockoutWindow   = 15 * time.Minute
)

// CheckAccountPassword is step one of the console login. Wrong email and wrong password
// are the same code; failures are counted per email (existing or not).
func (s *Store) CheckAccountPassword(ctx context.Context, email, password string) (Account, error) {
	email = NormalizeEmail(email)
	err := s.checkLogin(ctx, SurfaceConsole, email, password, func(q querier) (string, error) {
		return passwordHash(q, ctx, `SELECT password_hash FROM accounts WHERE email = ?`, email)
	})
	if err != nil {
		return Account{}, err
	}
	a, err := scanAccount(s.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE email = ?`, email))
	if err == nil && a.Abandoned(s.now()) {
		return Account{}, invalid("", "login_failed")
	}
	return a, err
}

// AuthenticatePerson checks a simulator sign-in; any mismatch is the one code login_failed,
// and failures are counted per WeChat ID with the same lockout as the console.
func (s *Store) AuthenticatePerson(ctx context.Context, wechatID, password string) (Person, error) {
	login := strings.ToLower(strings.TrimSpace(wechatID))
	err := s.checkLogin(ctx, SurfaceWx, login, password, func(q querier) (string, error) {
		return passwordHash(q, ctx, `SELECT password_hash FROM people WHERE wechat_id = ?`, login)
	})
	if err != nil {
		return Person{}, err
	}
	return scanPerson(s.read.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE wechat_id = ?`, login))
}
