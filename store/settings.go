package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the server key stored under name, creating n random bytes the first time,
// so session and hashing keys survive a restart and nobody is signed out by one. A key
// already read is answered from memory, without a write transaction.
func (s *Store) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	if v, ok := s.keys.Load(name); ok {
		return v.([]byte), nil
	}
	var out []byte
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.serverKey(ctx, tx, name, n)
		return err
	})
	return out, err
}

// serverKey reads (or creates) a server key inside the caller's transaction. A key never
// changes once stored, so one read from the database is kept for the hot API paths; a key
// created here is not kept until a later read finds it committed.
func (s *Store) serverKey(ctx context.Context, tx *sql.Tx, name string, n int) ([]byte, error) {
	if v, ok := s.keys.Load(name); ok {
		return v.([]byte), nil
	}
	var key []byte
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, name).Scan(&key)
	if err == nil {
		s.keys.Store(name, key)
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("server key %s: %w", name, err)
	}
	key = make([]byte, n)
	rand.Read(key)
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, name, key); err != nil {
		return nil, fmt.Errorf("create server key %s: %w", name, err)
	}
	return key, nil
}
