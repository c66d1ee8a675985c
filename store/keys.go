package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// The store's data keys: random on first use and kept, wrapped under the master key, in
// the data_keys table, so a restart changes no AppSecret or upload-key hash, stable token
// or openid. (keyUploadKey is declared with the upload keys.)
const (
	keyAppSecret   = "appsecret_hmac_key" // keys the stored AppSecret hashes
	keyStableToken = "stable_token_key"   // derives stable access tokens from their seeds
	keyOpenID      = "openid_hmac_key"    // derives openids from (AppID, person)
)

var dataKeyNames = []string{keyAppSecret, keyStableToken, keyOpenID, keyUploadKey}

// oldSessionKeys are the cookie keys earlier versions kept in plain text in settings; the
// session keys now derive from the master key, so these rows are only deleted.
var oldSessionKeys = []string{"session_hash_key", "session_block_key"}

// MinMasterKeyLen is the shortest master key accepted, in bytes.
const MinMasterKeyLen = 32

// ErrNoMasterKey means a key-dependent call came before UseMasterKey.
var ErrNoMasterKey = errors.New("no master key: the store's data keys are locked")

// ErrWrongMasterKey means the master key does not unwrap this database's data keys: it is
// not the key the database was used with.
var ErrWrongMasterKey = errors.New("the master key does not match this database (wrong key file or MPCONSOLE_SECRET_KEY)")

// keyring is what the master key unlocks: the data keys and the one-time values' key.
type keyring struct {
	data map[string][]byte
	seal []byte
}

// DeriveKey derives the n-byte key for purpose from the master key (HKDF-SHA-256), so every
// use gets its own key and none of them is stored.
func DeriveKey(master []byte, purpose string, n int) []byte {
	k, err := hkdf.Key(sha256.New, master, nil, "mpconsole "+purpose, n)
	if err != nil {
		panic(err) // only for n beyond 255 hash lengths
	}
	return k
}

// UseMasterKey unlocks the data keys with the master key: rows already wrapped are
// unwrapped (ErrWrongMasterKey if they do not open), plain-text rows of a database from
// before master keys are wrapped and deleted, missing keys are created, and the old
// session-key rows are deleted. Commands that need no key (ops, registry, backup) never
// call it.
func (s *Store) UseMasterKey(ctx context.Context, master []byte) error {
	if len(master) < MinMasterKeyLen {
		return fmt.Errorf("the master key must be at least %d bytes", MinMasterKeyLen)
	}
	wrap := DeriveKey(master, "data-key wrapping", 32)
	ring := &keyring{data: map[string][]byte{}, seal: DeriveKey(master, "one-time values", 32)}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		for _, name := range dataKeyNames {
			key, err := openDataKey(ctx, tx, wrap, name)
			if err != nil {
				return err
			}
			ring.data[name] = key
		}
		for _, name := range slices.Concat(dataKeyNames, oldSessionKeys) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE key = ?`, name); err != nil {
				return fmt.Errorf("delete plain key %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.ring.Store(ring)
	return nil
}

// openDataKey unwraps the data key name, or wraps the plain-text one of an older database,
// or creates it.
func openDataKey(ctx context.Context, tx *sql.Tx, wrap []byte, name string) ([]byte, error) {
	var wrapped []byte
	err := tx.QueryRowContext(ctx, `SELECT wrapped FROM data_keys WHERE name = ?`, name).Scan(&wrapped)
	if err == nil {
		key, err := openSealed(wrap, []byte(name), wrapped)
		if err != nil {
			return nil, ErrWrongMasterKey
		}
		return key, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("data key %s: %w", name, err)
	}
	var key []byte
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, name).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		key = make([]byte, 32)
		rand.Read(key)
	} else if err != nil {
		return nil, fmt.Errorf("plain key %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO data_keys (name, wrapped) VALUES (?, ?)`, name, seal(wrap, []byte(name), key)); err != nil {
		return nil, fmt.Errorf("store data key %s: %w", name, err)
	}
	return key, nil
}

// Rekey wraps the data keys under a new master key (mpconsole rekey). Sessions and
// one-time values belong to the old key (their signing and sealing keys derive from it), so
// they are deleted: everyone signs in again.
func (s *Store) Rekey(ctx context.Context, newMaster []byte) error {
	ring := s.ring.Load()
	if ring == nil {
		return ErrNoMasterKey
	}
	if len(newMaster) < MinMasterKeyLen {
		return fmt.Errorf("the new master key must be at least %d bytes", MinMasterKeyLen)
	}
	wrap := DeriveKey(newMaster, "data-key wrapping", 32)
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		for _, name := range dataKeyNames {
			if _, err := tx.ExecContext(ctx, `UPDATE data_keys SET wrapped = ? WHERE name = ?`, seal(wrap, []byte(name), ring.data[name]), name); err != nil {
				return fmt.Errorf("rewrap %s: %w", name, err)
			}
		}
		for _, table := range []string{"sessions", "one_time_values"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("clear %s: %w", table, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.ring.Store(&keyring{data: ring.data, seal: DeriveKey(newMaster, "one-time values", 32)})
	return nil
}

// serverKey is the unlocked data key name.
func (s *Store) serverKey(name string) ([]byte, error) {
	ring := s.ring.Load()
	if ring == nil {
		return nil, ErrNoMasterKey
	}
	return ring.data[name], nil
}

// seal encrypts plain with AES-256-GCM under key; ad binds the result to where it is kept
// (a key's name, a one-time value's token), so a sealed value moved elsewhere does not open.
func seal(key, ad, plain []byte) []byte {
	aead := gcm(key)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, ad)
}

// openSealed reverses seal.
func openSealed(key, ad, sealed []byte) ([]byte, error) {
	aead := gcm(key)
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed value too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], ad)
}

func gcm(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // keys here are always 32 bytes
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}
