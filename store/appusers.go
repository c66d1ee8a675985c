package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The people who opened a mini program, by the openid its server knows them under. Every
// open (OpenApp, OpenVersion) records one; the server API finds a person from an openid
// here, and what a person does "in the opened mini program" (share the phone number,
// subscribe) needs an open first.

// noteOpenTx records that person opened the account's mini program now.
func (s *Store) noteOpenTx(ctx context.Context, tx *sql.Tx, accountID int64, appid string, personID int64, now time.Time) error {
	key, err := s.serverKey(keyOpenID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO app_users (account_id, person_id, openid, first_open_at, last_open_at) VALUES (?, ?, ?, ?4, ?4)
		ON CONFLICT (account_id, person_id) DO UPDATE SET last_open_at = excluded.last_open_at`,
		accountID, personID, openID(key, appid, personID), fmtTime(now))
	if err != nil {
		return fmt.Errorf("note open of %s by %d: %w", appid, personID, err)
	}
	return nil
}

// openedByTx finds the account of appid for something person does inside the opened mini
// program: ErrNotFound for an unknown AppID, ErrForbidden when the person never opened it.
func openedByTx(ctx context.Context, q querier, appid string, personID int64) (int64, error) {
	var accountID int64
	var opened bool
	err := q.QueryRowContext(ctx, `SELECT a.id, EXISTS (SELECT 1 FROM app_users u WHERE u.account_id = a.id AND u.person_id = ?)
		FROM accounts a WHERE a.appid = ? AND a.step = 'done'`, personID, appid).Scan(&accountID, &opened)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	} else if err != nil {
		return 0, fmt.Errorf("find %s: %w", appid, err)
	}
	if !opened {
		return 0, ErrForbidden
	}
	return accountID, nil
}

// appUserTx finds who openid is in the account and when they last opened it: 40003 for an
// openid of nobody who opened this mini program (another app's included).
func appUserTx(ctx context.Context, q querier, accountID int64, openid string) (int64, time.Time, error) {
	var personID int64
	var last string
	err := q.QueryRowContext(ctx, `SELECT person_id, last_open_at FROM app_users WHERE openid = ? AND account_id = ?`,
		openid, accountID).Scan(&personID, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, APIInvalidOpenID
	} else if err != nil {
		return 0, time.Time{}, fmt.Errorf("find openid: %w", err)
	}
	return personID, parseTime(last), nil
}

// OpenID is person's openid in the mini program appid, as jscode2session answers it: for
// the simulator and the sandbox, which show it, and for tests that play the server.
func (s *Store) OpenID(ctx context.Context, appid string, personID int64) (string, error) {
	key, err := s.serverKey(keyOpenID)
	if err != nil {
		return "", err
	}
	return openID(key, appid, personID), nil
}
