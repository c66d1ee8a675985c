package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Secret rotation overlap (SPEC §18): a reset may keep the previous AppSecret working for
// up to 24 hours, so a team can roll the new one out to its servers before the old one
// stops; each secret's last successful call is shown on the credential page.
const (
	// MaxSecretOverlapHours is the longest overlap a reset may ask for.
	MaxSecretOverlapHours = 24
	// secretUseEvery is how stale a secret's "last used" may be: it is written at most
	// once a minute per secret, inside the call's own write, so a busy API adds no writes.
	secretUseEvery = time.Minute
)

// ReasonSecretPrevious is the journal's note on a call that passed with the previous
// AppSecret during its overlap, so a team sees which servers still use it.
const ReasonSecretPrevious = "secret_previous_used"

// SecretUsage is what the credential page tells of the secrets' use: when the current
// one was last used, and while an overlap runs, until when the previous one works and
// when it was last used. Zero times are "never".
type SecretUsage struct {
	LastUsed         time.Time
	PreviousUntil    time.Time // zero when no previous secret works
	PreviousLastUsed time.Time
}

// SecretUsageOf reads the account's SecretUsage on the account's clock.
func (s *Store) SecretUsageOf(ctx context.Context, accountID int64) (SecretUsage, error) {
	var used, until, prevUsed sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT last_used_at, previous_until, previous_last_used_at FROM app_secrets WHERE account_id = ?`,
		accountID).Scan(&used, &until, &prevUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return SecretUsage{}, nil
	} else if err != nil {
		return SecretUsage{}, fmt.Errorf("secret usage of %d: %w", accountID, err)
	}
	out := SecretUsage{LastUsed: parseTime(used.String)}
	if u := parseTime(until.String); s.nowFor(accountID).Before(u) {
		out.PreviousUntil, out.PreviousLastUsed = u, parseTime(prevUsed.String)
	}
	return out, nil
}

// ParseOverlapHours reads the reset form's overlap_hours: a whole number of hours from 0
// to 24, "" meaning 0 (overlap_hours_invalid otherwise).
func ParseOverlapHours(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	h, err := strconv.Atoi(v)
	if err != nil || h < 0 || h > MaxSecretOverlapHours {
		return 0, invalid("overlap_hours", "overlap_hours_invalid")
	}
	return h, nil
}

// StartSecretRotation is StartSecretReset with an overlap: after the reset the previous
// secret keeps working for hours (ParseOverlapHours), kept on the scan it creates.
func (s *Store) StartSecretRotation(ctx context.Context, accountID int64, hours string, req Requester) (string, error) {
	h, err := ParseOverlapHours(hours)
	if err != nil {
		return "", err
	}
	return s.startSecretReset(ctx, accountID, h, req)
}

// rotateSecretTx runs after the reset of scan scanID replaced oldHash ("" when the secret
// was generated for the first time): the new secret has
// not been used yet; the old one's last use moves to the previous secret, which works for
// the scan's overlap on the account's clock (none: it failed at once, as before).
func (s *Store) rotateSecretTx(ctx context.Context, tx *sql.Tx, accountID, scanID int64, oldHash string) error {
	var hours int
	if err := tx.QueryRowContext(ctx, `SELECT secret_overlap_hours FROM scans WHERE id = ?`, scanID).Scan(&hours); err != nil {
		return fmt.Errorf("overlap of scan %d: %w", scanID, err)
	}
	var prev, until any
	if hours > 0 && oldHash != "" {
		prev, until = oldHash, fmtTime(s.nowFor(accountID).Add(time.Duration(hours)*time.Hour))
	}
	_, err := tx.ExecContext(ctx, `UPDATE app_secrets SET previous_hash = ?, previous_until = ?,
		previous_last_used_at = CASE WHEN ? IS NULL THEN NULL ELSE last_used_at END, last_used_at = NULL WHERE account_id = ?`,
		prev, until, prev, accountID)
	if err != nil {
		return fmt.Errorf("keep previous secret of %d: %w", accountID, err)
	}
	return nil
}

// secretUse is which of the account's secrets a call presented.
type secretUse struct {
	previous bool
	lastUsed string // the stored last use of that secret
}

// previousSecretWorks tells whether secret is the previous AppSecret within its overlap.
func (s *Store) previousSecretWorks(key []byte, accountID int64, hash, until sql.NullString, secret string) bool {
	return hash.Valid && s.nowFor(accountID).Before(parseTime(until.String)) && appSecretMatches(key, hash.String, secret)
}

// noteSecretUse records a successful call's use of a secret, at most once a minute per
// secret (secretUseEvery); it is rolled back with the call if the call is refused later.
func (s *Store) noteSecretUse(ctx context.Context, tx *sql.Tx, accountID int64, u secretUse) error {
	now := s.nowFor(accountID)
	last := parseTime(u.lastUsed)
	if u.lastUsed != "" && now.Sub(last) < secretUseEvery && !now.Before(last) {
		return nil
	}
	col := "last_used_at"
	if u.previous {
		col = "previous_last_used_at"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE app_secrets SET `+col+` = ? WHERE account_id = ?`, fmtTime(now), accountID); err != nil {
		return fmt.Errorf("note use of secret of %d: %w", accountID, err)
	}
	return nil
}
