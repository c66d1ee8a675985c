package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// OneTimeTTL is how long a value shown once waits for its one view.
const OneTimeTTL = time.Hour

// Kinds of one-time values.
const (
	OneTimeAppSecret = "app_secret"
	OneTimeUploadKey = "upload_key"
)

// oneTimeAD binds a sealed value to its row, so it cannot be moved to another.
func oneTimeAD(kind, token string, accountID int64) []byte {
	return []byte(kind + "|" + HashToken(token) + "|" + strconv.FormatInt(accountID, 10))
}

// putOneTime keeps value for one view under (kind, token) of account, sealed with a key
// derived from the master key, inside the caller's transaction. Nothing of it goes into a
// cookie; expired values are pruned here.
func (s *Store) putOneTime(ctx context.Context, tx *sql.Tx, kind, token string, accountID int64, value string) error {
	ring := s.ring.Load()
	if ring == nil {
		return ErrNoMasterKey
	}
	now := s.now()
	if _, err := tx.ExecContext(ctx, `DELETE FROM one_time_values WHERE expires_at <= ?`, fmtTime(now)); err != nil {
		return fmt.Errorf("prune one-time values: %w", err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO one_time_values (kind, token_hash, account_id, sealed, expires_at) VALUES (?, ?, ?, ?, ?)`,
		kind, HashToken(token), accountID, seal(ring.seal, oneTimeAD(kind, token, accountID), []byte(value)), fmtTime(now.Add(OneTimeTTL)))
	if err != nil {
		return fmt.Errorf("keep one-time %s: %w", kind, err)
	}
	return nil
}

// TakeOneTime returns the value kept under (kind, token) of account and deletes it in the
// same transaction, so it is shown once: a second call, an expired value or one that
// never was answer ErrGone.
func (s *Store) TakeOneTime(ctx context.Context, kind, token string, accountID int64) (string, error) {
	ring := s.ring.Load()
	if ring == nil {
		return "", ErrNoMasterKey
	}
	var out string
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var sealed []byte
		var expires string
		err := tx.QueryRowContext(ctx, `DELETE FROM one_time_values WHERE kind = ? AND token_hash = ? AND account_id = ? RETURNING sealed, expires_at`,
			kind, HashToken(token), accountID).Scan(&sealed, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrGone
		} else if err != nil {
			return fmt.Errorf("take one-time %s: %w", kind, err)
		}
		if !s.now().Before(parseTime(expires)) {
			return nil // deleted; the commit keeps it deleted
		}
		plain, err := openSealed(ring.seal, oneTimeAD(kind, token, accountID), sealed)
		if err != nil {
			return nil // sealed under another master key (rekey): as good as expired
		}
		out = string(plain)
		return nil
	})
	if err == nil && out == "" {
		return "", ErrGone
	}
	return out, err
}
