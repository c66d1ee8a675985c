package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the server key stored under name, creating n random bytes the first time,
// so session and hashing keys survive a restart and nobody is signed out by one.
func (s *Store) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	var out []byte
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, name).Scan(&out)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out = make([]byte, n)
		rand.Read(out)
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)`, name, out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("server key %s: %w", name, err)
	}
	return out, nil
}
