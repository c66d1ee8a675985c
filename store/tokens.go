package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha512"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Token lifetimes and limits (SPEC §11, real).
const (
	AccessTokenTTL   = 7200 * time.Second
	TokenOverlap     = 5 * time.Minute // a superseded token still works this long
	StableForceDaily = 20              // force_refresh calls per day
	StableForceGap   = 30 * time.Second
	// tokenKeep is how long expired token rows stay: a day of force_refresh history.
	tokenKeep = 25 * time.Hour
	// tokenPruneEvery is how often an account's token rows older than that are deleted: a
	// statement less on nearly every /cgi-bin/token call.
	tokenPruneEvery = time.Minute
)

// AccessToken is an issued token with its remaining lifetime in seconds.
type AccessToken struct {
	Token     string
	ExpiresIn int
}

// newAccessToken is 64 bytes, base64url: 86 characters of [A-Za-z0-9_-]. The first 8 are
// the store's token count (tokenSeq), the other 56 random; see tokenKeys.
func (s *Store) newAccessToken() string {
	b := make([]byte, 64)
	binary.BigEndian.PutUint64(b, s.tokenSeq.Add(1))
	rand.Read(b[8:])
	return base64.RawURLEncoding.EncodeToString(b)
}

// tokenKeys are the keys an access token is stored and found under. ordered is a plain
// token's: its count (the first 8 bytes, in hex) before plain, the SHA-256 of the whole
// token. The keys of new tokens then sort after all others, so each insert extends the
// end of the key's index; a plain hash put every insert at a random page of it, and those
// pages were most of what a batch of /cgi-bin/token calls wrote at its commit
// (BENCHMARKS.md). Stable tokens, derived from their seed, keep plain, as do the rows of
// earlier versions; CheckAccessToken looks for both.
func tokenKeys(token string) (ordered, plain string) {
	plain = HashToken(token)
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != 64 {
		return plain, plain
	}
	return hex.EncodeToString(b[:8]) + plain, plain
}

// stableToken derives a stable token from its stored seed, so it can be answered again
// while valid although only its hash and the seed are stored.
func stableToken(key []byte, seed string) string {
	m := hmac.New(sha512.New, key)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// insertToken stores a new token of kind. Once a minute per account (by its clock) it also
// deletes the account's token rows of kind that expired more than tokenKeep ago.
func (s *Store) insertToken(ctx context.Context, tx *sql.Tx, accountID int64, kind, token, seed string, forced bool, now time.Time) error {
	key, plain := tokenKeys(token)
	if kind != "plain" {
		key = plain
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO access_tokens (account_id, kind, token_hash, seed, forced, created_at, expires_at)
		VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?)`, accountID, kind, key, seed, forced, fmtTime(now), fmtTime(now.Add(AccessTokenTTL)))
	if err != nil {
		return fmt.Errorf("insert %s token of %d: %w", kind, accountID, err)
	}
	if !s.tokenPrunes.due(tokenPrune{accountID, kind}, now) {
		return nil
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM access_tokens WHERE account_id = ? AND kind = ? AND expires_at < ?`,
		accountID, kind, fmtTime(now.Add(-tokenKeep)))
	return err
}

// tokenPrune names one account's token rows of one kind.
type tokenPrune struct {
	account int64
	kind    string
}

// prunes remembers when the expired token rows of each account and kind were last deleted.
// A delete whose transaction rolled back is taken for done: the rows stay a minute longer.
type prunes struct {
	mu   sync.Mutex
	last map[tokenPrune]time.Time
}

// due tells whether k's rows were last deleted tokenPruneEvery or more before now, or
// after now (the account's clock went back), or never; if so it notes now.
func (p *prunes) due(k tokenPrune, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	last, ok := p.last[k]
	if ok && now.Sub(last) < tokenPruneEvery && !now.Before(last) {
		return false
	}
	if p.last == nil {
		p.last = map[tokenPrune]time.Time{}
	}
	p.last[k] = now
	return true
}

// IssueAccessToken answers GET /cgi-bin/token: a new token valid 7200 s; the previous
// ones keep working for 5 more minutes at most. quota is the daily limit (45009). The
// call is counted, refused or not, once its AppID is known.
func (s *Store) IssueAccessToken(ctx context.Context, call APICall, quota int) (AccessToken, error) {
	token := s.newAccessToken()
	err := s.apiTx(ctx, EndpointToken, call, func(tx *sql.Tx, id int64) error {
		return s.issueTokenTx(ctx, tx, id, token, quota)
	})
	if err != nil {
		return AccessToken{}, err
	}
	return AccessToken{Token: token, ExpiresIn: int(AccessTokenTTL / time.Second)}, nil
}

// issueTokenTx stores token as the account's new plain access token, within the quota.
func (s *Store) issueTokenTx(ctx context.Context, tx *sql.Tx, id int64, token string, quota int) error {
	used, err := s.tokenCallsToday(ctx, tx, id)
	if err != nil {
		return err
	}
	if used >= quota {
		return refuse(APIDailyQuota, ReasonTokenQuota, "Used", strconv.Itoa(used), "Limit", strconv.Itoa(quota))
	}
	now := s.nowFor(id)
	overlap := fmtTime(now.Add(TokenOverlap))
	if _, err := tx.ExecContext(ctx, `UPDATE access_tokens SET expires_at = ?2
		WHERE account_id = ?1 AND kind = 'plain' AND expires_at > ?2`, id, overlap); err != nil {
		return fmt.Errorf("shorten tokens of %d: %w", id, err)
	}
	return s.insertToken(ctx, tx, id, "plain", token, "", false, now)
}

// StableAccessToken answers POST /cgi-bin/stable_token. Without force it returns the valid
// stable token with its remaining lifetime, renewing it in its last 5 minutes (the old one
// still runs out normally). force ends the current token at once and issues a new one, at
// most 20 times a day (45009); within 30 s of the previous forced refresh the current
// token is returned unchanged, as the real platform does ("otherwise it does not refresh").
// The call is counted, refused or not, once its AppID is known.
func (s *Store) StableAccessToken(ctx context.Context, call APICall, force bool) (AccessToken, error) {
	var out AccessToken
	err := s.apiTx(ctx, EndpointStableToken, call, func(tx *sql.Tx, id int64) (err error) {
		out, err = s.stableTokenTx(ctx, tx, id, force)
		return err
	})
	return out, err
}

func (s *Store) stableTokenTx(ctx context.Context, tx *sql.Tx, id int64, force bool) (AccessToken, error) {
	key, err := s.serverKey(keyStableToken)
	if err != nil {
		return AccessToken{}, err
	}
	now := s.nowFor(id)
	var seed, expires string
	err = tx.QueryRowContext(ctx, `SELECT seed, expires_at FROM access_tokens WHERE account_id = ? AND kind = 'stable' AND expires_at > ?
		ORDER BY id DESC LIMIT 1`, id, fmtTime(now)).Scan(&seed, &expires)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return AccessToken{}, fmt.Errorf("current stable token of %d: %w", id, err)
	}
	current := err == nil
	remaining := parseTime(expires).Sub(now)
	mint := !current || remaining <= TokenOverlap
	if force {
		var recent, today int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE created_at > ?2), count(*) FILTER (WHERE created_at >= ?3)
			FROM access_tokens WHERE account_id = ?1 AND kind = 'stable' AND forced`, id,
			fmtTime(now.Add(-StableForceGap)), fmtTime(dayStart(now))).Scan(&recent, &today); err != nil {
			return AccessToken{}, fmt.Errorf("forced refreshes of %d: %w", id, err)
		}
		switch {
		case recent > 0 && current:
			mint = false
		case today >= StableForceDaily:
			return AccessToken{}, refuse(APIDailyQuota, ReasonStableForceQuota, "Limit", strconv.Itoa(StableForceDaily))
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE access_tokens SET expires_at = ?2 WHERE account_id = ?1 AND kind = 'stable' AND expires_at > ?2`,
				id, fmtTime(now)); err != nil {
				return AccessToken{}, fmt.Errorf("end stable tokens of %d: %w", id, err)
			}
			mint = true
		}
	}
	if mint {
		seed = NewToken()
		remaining = AccessTokenTTL
		if err := s.insertToken(ctx, tx, id, "stable", stableToken(key, seed), seed, force, now); err != nil {
			return AccessToken{}, err
		}
	}
	return AccessToken{Token: stableToken(key, seed), ExpiresIn: int(remaining / time.Second)}, nil
}

// CheckAccessToken tells which account an access token belongs to: 40001 for an unknown or
// superseded token, 42001 for one that ran its full 7200 s. A superseded or expired token
// still names its account beside the error, so the refused call can be counted
// (CountAPICall); an unknown one names none.
func (s *Store) CheckAccessToken(ctx context.Context, token string) (int64, error) {
	var id int64
	var created, expires string
	ordered, plain := tokenKeys(token)
	err := s.read.QueryRowContext(ctx, `SELECT account_id, created_at, expires_at FROM access_tokens WHERE token_hash IN (?, ?)`,
		ordered, plain).Scan(&id, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, refuse(APIInvalidCredential, ReasonTokenUnknown)
	} else if err != nil {
		return 0, fmt.Errorf("check access token: %w", err)
	}
	now := s.nowFor(id)
	ends := parseTime(created).Add(AccessTokenTTL)
	switch {
	case now.Before(parseTime(expires)):
		return id, nil
	case !now.Before(ends):
		return id, refuse(APITokenExpired, ReasonTokenExpired, "At", clockText(ends))
	}
	return id, refuse(APIInvalidCredential, ReasonTokenReplaced, "At", clockText(parseTime(expires)))
}
