package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// keyUploadKey keys the stored hashes of code-upload keys, as keyAppSecret does for secrets.
const keyUploadKey = "upload_key_hmac_key"

// The refusals of POST /ci/v1/upload's key check; the web layer answers 401 and 403.
var (
	ErrUploadKeyInvalid = errors.New("invalid upload key")
	ErrUploadIPDenied   = errors.New("ip not in the upload key's whitelist")
)

// UploadKey is what /dev/settings shows of the code-upload key: never the key.
type UploadKey struct {
	Exists      bool
	CreatedAt   time.Time
	IPWhitelist []string // empty: any address may upload
}

// UploadKeyOf reads the account's code-upload key state and its IP whitelist.
func (s *Store) UploadKeyOf(ctx context.Context, accountID int64) (UploadKey, error) {
	var hash, created sql.NullString
	var ips string
	err := s.read.QueryRowContext(ctx, `SELECT key_hash, created_at, ip_whitelist FROM upload_keys WHERE account_id = ?`, accountID).
		Scan(&hash, &created, &ips)
	if errors.Is(err, sql.ErrNoRows) {
		return UploadKey{}, nil
	} else if err != nil {
		return UploadKey{}, fmt.Errorf("upload key of %d: %w", accountID, err)
	}
	return UploadKey{Exists: hash.Valid, CreatedAt: parseTime(created.String), IPWhitelist: splitStored(ips)}, nil
}

// StartUploadKeyReset asks for the upload_key scan that generating or resetting the key
// needs, asked for by req; only the administrator may confirm it.
func (s *Store) StartUploadKeyReset(ctx context.Context, accountID int64, req Requester) (string, error) {
	return s.CreateScan(ctx, PurposeUploadKey, accountID, 0, req)
}

// CompleteUploadKeyReset spends the confirmed upload_key scan and generates a new key (64
// hex characters from crypto/rand); the previous key fails from this moment. Only its keyed
// hash is stored for good; the key itself waits, sealed, for its one view on the page of the
// scan's token (TakeOneTime with OneTimeUploadKey), as a new AppSecret does.
func (s *Store) CompleteUploadKeyReset(ctx context.Context, token string, accountID int64) error {
	key := NewToken()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		sc, err := s.consumeScan(ctx, tx, token, PurposeUploadKey, accountID)
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
		hmacKey, err := s.serverKey(keyUploadKey)
		if err != nil {
			return err
		}
		now := fmtTime(s.nowFor(accountID))
		var had bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM upload_keys WHERE account_id = ? AND key_hash IS NOT NULL)`,
			accountID).Scan(&had); err != nil {
			return fmt.Errorf("upload key of %d: %w", accountID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO upload_keys (account_id, key_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
			ON CONFLICT (account_id) DO UPDATE SET key_hash = ?2, created_at = ?3, updated_at = ?3`,
			accountID, hashAppSecret(hmacKey, key), now); err != nil {
			return fmt.Errorf("store upload key of %d: %w", accountID, err)
		}
		action := opUploadKeyGenerated
		if had {
			action = opUploadKeyReset
		}
		if err := s.logOp(ctx, tx, accountID, sc.PersonID, action, "", ""); err != nil {
			return err
		}
		return s.putOneTime(ctx, tx, OneTimeUploadKey, token, accountID, key)
	})
}

// SetUploadKeyIPs replaces the upload key's own IP whitelist, with the syntax and limit of
// the API whitelist (ip_invalid, ip_quota; SPEC §10). An empty list lifts the restriction.
// Person must be allowed to edit the development settings (ErrForbidden).
func (s *Store) SetUploadKeyIPs(ctx context.Context, accountID, personID int64, entries []string) error {
	p := Problems{}
	for _, e := range entries {
		if !CheckIPEntry(e) {
			p.Add("ips", "ip_invalid")
		}
	}
	if len(entries) > MaxIPWhitelist {
		p.Add("ips", "ip_quota")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActEditDev); err != nil {
			return err
		}
		var old string
		err := tx.QueryRowContext(ctx, `SELECT ip_whitelist FROM upload_keys WHERE account_id = ?`, accountID).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("upload key whitelist of %d: %w", accountID, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO upload_keys (account_id, ip_whitelist, updated_at) VALUES (?1, ?2, ?3)
			ON CONFLICT (account_id) DO UPDATE SET ip_whitelist = ?2, updated_at = ?3`,
			accountID, joinLines(entries), fmtTime(s.nowFor(accountID))); err != nil {
			return fmt.Errorf("set upload key whitelist of %d: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opUploadKeyIPsSet, "", change(strings.Join(splitStored(old), ", "), strings.Join(entries, ", ")))
	})
}

// CheckUploadKey authorizes POST /ci/v1/upload: key must be the current code-upload key of
// appid's account (else ErrUploadKeyInvalid, also for an unknown AppID, so the answer tells
// nothing about which AppIDs exist) and ip must pass the key's whitelist (else
// ErrUploadIPDenied). It returns the account, for Upload with ByRobot.
func (s *Store) CheckUploadKey(ctx context.Context, appid, key string, ip netip.Addr) (int64, error) {
	var accountID int64
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var hash sql.NullString
		var ips string
		err := tx.QueryRowContext(ctx, `SELECT a.id, u.key_hash, u.ip_whitelist FROM accounts a JOIN upload_keys u ON u.account_id = a.id
			WHERE a.appid = ? AND a.step = 'done'`, appid).Scan(&accountID, &hash, &ips)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !hash.Valid {
			return ErrUploadKeyInvalid
		} else if err != nil {
			return fmt.Errorf("upload key of %s: %w", appid, err)
		}
		hmacKey, err := s.serverKey(keyUploadKey)
		if err != nil {
			return err
		}
		if !appSecretMatches(hmacKey, hash.String, key) {
			return ErrUploadKeyInvalid
		}
		if !IPAllowed(splitStored(ips), ip) {
			return ErrUploadIPDenied
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return accountID, nil
}
