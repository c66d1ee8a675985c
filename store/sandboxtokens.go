package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The automation API's bearer tokens (SPEC §18): made on /dev/sandbox by an administrator
// or developer, one account each, shown once and stored as a SHA-256 hash only. A token
// has 256 random bits, so an unsalted hash is as good as a password hash here and lets a
// call find its token with one indexed lookup.

// SandboxTokenPrefix starts every token, so a leaked one is recognisable (secret scanners,
// logs) and cannot be mistaken for an AppSecret or an access token.
const SandboxTokenPrefix = "mpsb_"

// OneTimeSandboxToken is the one-time value kind of a new token.
const OneTimeSandboxToken = "sandbox_token"

// SandboxTokenNameMax is the longest token name, in characters.
const SandboxTokenNameMax = 40

// ErrSandboxToken is a bearer token that is not (or no longer) a token of any account.
var ErrSandboxToken = errors.New("invalid sandbox token")

// The oplog actions of the tokens and of a restored snapshot.
var (
	opSandboxTokenCreated = op("sandbox_token_created")
	opSandboxTokenRevoked = op("sandbox_token_revoked")
	opSandboxRestored     = op("sandbox_restored")
)

// SandboxToken is what the page lists of a token: never the token.
type SandboxToken struct {
	ID         int64
	Name       string
	CreatedBy  string // the creator's nickname; "" once that person is gone
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
}

// newSandboxToken is SandboxTokenPrefix and 32 random bytes in base64url.
func newSandboxToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return SandboxTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
}

// CreateSandboxToken makes a token named name for the account, by person (who must have
// ActSandbox). It returns the key of the one-time value that holds the token: the page of
// that key shows it once (TakeOneTime with OneTimeSandboxToken), and only its hash stays.
// A name is 1–SandboxTokenNameMax characters (on "token_name": token_name_required, token_name_long).
func (s *Store) CreateSandboxToken(ctx context.Context, accountID, personID int64, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch n := len([]rune(name)); {
	case n == 0:
		return "", invalid("token_name", "token_name_required")
	case n > SandboxTokenNameMax:
		return "", invalid("token_name", "token_name_long")
	}
	token, key := newSandboxToken(), NewToken()
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActSandbox); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sandbox_tokens (account_id, name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			accountID, name, HashToken(token), personID, fmtTime(s.nowFor(accountID))); err != nil {
			return fmt.Errorf("insert sandbox token: %w", err)
		}
		if err := s.logOp(ctx, tx, accountID, personID, opSandboxTokenCreated, name, ""); err != nil {
			return err
		}
		return s.putOneTime(ctx, tx, OneTimeSandboxToken, key, accountID, token)
	})
	if err != nil {
		return "", err
	}
	return key, nil
}

// SandboxTokens lists the account's tokens, oldest first.
func (s *Store) SandboxTokens(ctx context.Context, accountID int64) ([]SandboxToken, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT t.id, t.name, COALESCE(p.nickname, ''), t.created_at, COALESCE(t.last_used_at, '')
		FROM sandbox_tokens t LEFT JOIN people p ON p.id = t.created_by WHERE t.account_id = ? ORDER BY t.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("sandbox tokens of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []SandboxToken
	for rows.Next() {
		var t SandboxToken
		var created, used string
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedBy, &created, &used); err != nil {
			return nil, err
		}
		t.CreatedAt = parseTime(created)
		if used != "" {
			t.LastUsedAt = parseTime(used)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SandboxTokenOf is one of the account's tokens (ErrNotFound for another's).
func (s *Store) SandboxTokenOf(ctx context.Context, accountID, id int64) (SandboxToken, error) {
	ts, err := s.SandboxTokens(ctx, accountID)
	if err != nil {
		return SandboxToken{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return SandboxToken{}, ErrNotFound
}

// RevokeSandboxToken deletes one of the account's tokens, by person: its next call is
// refused. ErrNotFound for another account's token.
func (s *Store) RevokeSandboxToken(ctx context.Context, accountID, personID, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActSandbox); err != nil {
			return err
		}
		var name string
		err := tx.QueryRowContext(ctx, `DELETE FROM sandbox_tokens WHERE id = ? AND account_id = ? RETURNING name`, id, accountID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("revoke sandbox token %d: %w", id, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opSandboxTokenRevoked, name, "")
	})
}

// CheckSandboxToken is the account a bearer token acts for and the token's name, noting
// the call as the token's last use; ErrSandboxToken for a token that is malformed, unknown
// or revoked. Like a secret's (secretUseEvery), the last use is written at most once a
// minute: a test suite driving the API does not queue a write transaction per call.
func (s *Store) CheckSandboxToken(ctx context.Context, token string) (int64, string, error) {
	if !strings.HasPrefix(token, SandboxTokenPrefix) {
		return 0, "", ErrSandboxToken
	}
	hash := HashToken(token)
	var accountID int64
	var name string
	var last sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT account_id, name, last_used_at FROM sandbox_tokens WHERE token_hash = ?`, hash).Scan(&accountID, &name, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrSandboxToken
	} else if err != nil {
		return 0, "", fmt.Errorf("sandbox token: %w", err)
	}
	now := s.now()
	if at := parseTime(last.String); last.Valid && now.Sub(at) < secretUseEvery && !now.Before(at) {
		return accountID, name, nil
	}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE sandbox_tokens SET last_used_at = ? WHERE token_hash = ? RETURNING account_id`,
			fmtTime(now), hash).Scan(&accountID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSandboxToken // revoked in between
		}
		return err
	})
	return accountID, name, err
}
