package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// The AppSecret states of SPEC §10.
const (
	SecretNone   = "none"
	SecretActive = "active"
	SecretFrozen = "frozen"
)

// AppSecret is what the credential page shows of an account's secret: never the secret.
type AppSecret struct {
	State     string    // none, active or frozen, as in effect now
	CreatedAt time.Time // when the current secret was generated
	// Pending is "frozen" or "active" while a freeze or unfreeze waits for ChangesAt.
	Pending   string
	ChangesAt time.Time
}

type secretRow struct {
	hash      string
	created   time.Time
	frozen    bool // the requested state
	changesAt time.Time
}

// frozenAt tells whether the requested state is in effect at now (it takes effect at
// changesAt; before that the opposite state holds).
func (r secretRow) frozenAt(now time.Time) bool {
	if now.Before(r.changesAt) {
		return !r.frozen
	}
	return r.frozen
}

func (r secretRow) view(now time.Time) AppSecret {
	out := AppSecret{State: SecretActive, CreatedAt: r.created}
	if r.frozenAt(now) {
		out.State = SecretFrozen
	}
	if now.Before(r.changesAt) {
		out.Pending, out.ChangesAt = SecretActive, r.changesAt
		if r.frozen {
			out.Pending = SecretFrozen
		}
	}
	return out
}

func secretRowTx(ctx context.Context, q querier, accountID int64) (secretRow, bool, error) {
	var r secretRow
	var created string
	var changes sql.NullString
	err := q.QueryRowContext(ctx, `SELECT secret_hash, created_at, frozen, frozen_changed_at FROM app_secrets WHERE account_id = ?`,
		accountID).Scan(&r.hash, &created, &r.frozen, &changes)
	if errors.Is(err, sql.ErrNoRows) {
		return secretRow{}, false, nil
	} else if err != nil {
		return secretRow{}, false, fmt.Errorf("secret of %d: %w", accountID, err)
	}
	r.created, r.changesAt = parseTime(created), parseTime(changes.String)
	return r, true, nil
}

// AppSecretOf tells the state of the account's AppSecret.
func (s *Store) AppSecretOf(ctx context.Context, accountID int64) (AppSecret, error) {
	r, ok, err := secretRowTx(ctx, s.read, accountID)
	if err != nil || !ok {
		return AppSecret{State: SecretNone}, err
	}
	return r.view(s.nowFor(accountID)), nil
}

// hashAppSecret is what is stored for an AppSecret: HMAC-SHA-256 under a server key, so a
// copy of the hashes alone cannot be checked against guesses.
func hashAppSecret(key []byte, secret string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil))
}

// appSecretMatches compares in constant time.
func appSecretMatches(key []byte, stored, secret string) bool {
	return subtle.ConstantTimeCompare([]byte(hashAppSecret(key, secret)), []byte(stored)) == 1
}

// StartSecretReset asks for the reset_secret scan that generating or resetting the
// AppSecret needs; a frozen secret must be unfrozen first.
func (s *Store) StartSecretReset(ctx context.Context, accountID int64, req Requester) (string, error) {
	return s.startSecretReset(ctx, accountID, 0, req)
}

// startSecretReset creates the reset_secret scan with the overlap the reset asks for
// (hours, 0 for none) kept on it, in one transaction.
func (s *Store) startSecretReset(ctx context.Context, accountID int64, hours int, req Requester) (string, error) {
	r, ok, err := secretRowTx(ctx, s.read, accountID)
	if err != nil {
		return "", err
	}
	if ok && r.frozenAt(s.nowFor(accountID)) {
		return "", invalid("", "secret_frozen")
	}
	token := NewToken()
	return token, s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertScan(ctx, tx, token, PurposeResetSecret, accountID, 0, req); err != nil || hours == 0 {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE scans SET secret_overlap_hours = ? WHERE token_hash = ?`, hours, HashToken(token))
		return err
	})
}

// CompleteSecretReset spends the confirmed reset_secret scan and generates a new AppSecret
// (32 lowercase hex from crypto/rand). The old one fails from this moment, or once the
// overlap the reset asked for has passed (StartSecretRotation). Only its keyed
// hash is stored for good; the secret itself waits, sealed, for its one view on the page of
// the scan's token (TakeOneTime with OneTimeAppSecret).
func (s *Store) CompleteSecretReset(ctx context.Context, token string, accountID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		sc, err := s.consumeScan(ctx, tx, token, PurposeResetSecret, accountID)
		if err != nil {
			return err
		}
		roles, err := rolesOf(ctx, tx, accountID, sc.PersonID)
		if err != nil {
			return err
		}
		if !roles.Has(RoleAdmin) {
			return invalid("", "not_admin")
		}
		old, _, err := secretRowTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		secret, err := s.newSecretTx(ctx, tx, accountID, sc.PersonID)
		if err != nil {
			return err
		}
		if err := s.rotateSecretTx(ctx, tx, accountID, sc.ID, old.hash); err != nil {
			return err
		}
		return s.putOneTime(ctx, tx, OneTimeAppSecret, token, accountID, secret)
	})
}

// newSecretTx generates the account's AppSecret for the administrator personID, replacing
// any earlier one unless it is frozen.
func (s *Store) newSecretTx(ctx context.Context, tx *sql.Tx, accountID, personID int64) (string, error) {
	old, had, err := secretRowTx(ctx, tx, accountID)
	if err != nil {
		return "", err
	}
	if had && old.frozenAt(s.nowFor(accountID)) {
		return "", invalid("", "secret_frozen")
	}
	key, err := s.serverKey(keyAppSecret)
	if err != nil {
		return "", err
	}
	secret := randomHex(32)
	if had {
		if _, err := tx.ExecContext(ctx, `INSERT INTO secret_history (account_id, secret_hash, replaced_at) VALUES (?, ?, ?)`,
			accountID, old.hash, fmtTime(s.nowFor(accountID))); err != nil {
			return "", fmt.Errorf("keep replaced secret of %d: %w", accountID, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO app_secrets (account_id, secret_hash, created_at) VALUES (?, ?, ?)
		ON CONFLICT (account_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
		accountID, hashAppSecret(key, secret), fmtTime(s.nowFor(accountID))); err != nil {
		return "", fmt.Errorf("store secret of %d: %w", accountID, err)
	}
	action := opSecretGenerated
	if had {
		action = opSecretReset
	}
	return secret, s.logOp(ctx, tx, accountID, personID, action, "", "")
}

// StartSecretFreeze asks for the freeze_secret scan that freezing (freeze) or unfreezing
// the AppSecret needs (SPEC §10); a secret already in the asked state is refused at once,
// before anyone scans.
func (s *Store) StartSecretFreeze(ctx context.Context, accountID int64, freeze bool, req Requester) (string, error) {
	r, ok, err := secretRowTx(ctx, s.read, accountID)
	if err != nil {
		return "", err
	}
	if err := freezeRefusal(r, ok, freeze); err != nil {
		return "", err
	}
	return s.CreateScan(ctx, PurposeFreezeSecret, accountID, 0, req)
}

// CompleteSecretFreeze spends the confirmed freeze_secret scan and freezes or unfreezes
// the AppSecret. Only the administrator's confirmation counts, and the state is checked
// again: it may have changed while the code waited.
func (s *Store) CompleteSecretFreeze(ctx context.Context, token string, accountID int64, freeze bool, delay time.Duration) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		sc, err := s.consumeScan(ctx, tx, token, PurposeFreezeSecret, accountID)
		if err != nil {
			return err
		}
		roles, err := rolesOf(ctx, tx, accountID, sc.PersonID)
		if err != nil {
			return err
		}
		if !roles.Has(RoleAdmin) {
			return invalid("", "not_admin")
		}
		return s.setSecretFrozen(ctx, tx, accountID, sc.PersonID, freeze, delay)
	})
}

// freezeRefusal is why the secret cannot be put in the asked state, or nil.
func freezeRefusal(r secretRow, ok, freeze bool) error {
	switch {
	case !ok:
		return invalid("", "secret_missing")
	case freeze && r.frozen:
		return invalid("", "secret_frozen")
	case !freeze && !r.frozen:
		return invalid("", "secret_not_frozen")
	}
	return nil
}

// setSecretFrozen freezes or unfreezes the AppSecret: a frozen secret answers 40243 to
// every API call. The change takes effect after delay (0: at once; the real platform waits
// 10 minutes); undoing a change that has not taken effect yet cancels it at once.
func (s *Store) setSecretFrozen(ctx context.Context, tx *sql.Tx, accountID, personID int64, freeze bool, delay time.Duration) error {
	r, ok, err := secretRowTx(ctx, tx, accountID)
	if err != nil {
		return err
	}
	if err := freezeRefusal(r, ok, freeze); err != nil {
		return err
	}
	now := s.nowFor(accountID)
	at := now.Add(delay)
	if now.Before(r.changesAt) {
		at = now
	}
	if _, err := tx.ExecContext(ctx, `UPDATE app_secrets SET frozen = ?, frozen_changed_at = ? WHERE account_id = ?`,
		freeze, fmtTime(at), accountID); err != nil {
		return fmt.Errorf("freeze secret of %d: %w", accountID, err)
	}
	action, summary := opSecretUnfrozen, change(SecretFrozen, SecretActive)
	if freeze {
		action, summary = opSecretFrozen, change(SecretActive, SecretFrozen)
	}
	return s.logOp(ctx, tx, accountID, personID, action, "", summary)
}
