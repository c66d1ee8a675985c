package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"
)

// RegistryEntry is an email already registered on the WeChat Open Platform.
type RegistryEntry struct {
	ID        int64
	Email     string
	CreatedAt time.Time
}

// AddRegistryEmail adds one email to the open-platform registry.
func (s *Store) AddRegistryEmail(ctx context.Context, email string) error {
	email = NormalizeEmail(email)
	if !CheckEmail(email) {
		return invalid("email", "email_invalid")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO registry (email, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, email, fmtTime(s.now()))
		if err != nil {
			return fmt.Errorf("add registry email: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return invalid("email", "email_in_registry")
		}
		return nil
	})
}

// ImportRegistry loads one email per line (blank lines and # comments skipped) in one
// transaction: a bad line stops the import and nothing is stored.
func (s *Store) ImportRegistry(ctx context.Context, r io.Reader) (added int, err error) {
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		sc := bufio.NewScanner(r)
		line := 0
		for sc.Scan() {
			line++
			email := NormalizeEmail(sc.Text())
			if email == "" || strings.HasPrefix(email, "#") {
				continue
			}
			if !CheckEmail(email) {
				return fmt.Errorf("line %d: %q is not an email address", line, email)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO registry (email, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, email, fmtTime(s.now()))
			if err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return sc.Err()
	})
	return added, err
}

// Registry lists the open-platform registry, newest first.
func (s *Store) Registry(ctx context.Context) ([]RegistryEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, email, created_at FROM registry ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list registry: %w", err)
	}
	defer rows.Close()
	var out []RegistryEntry
	for rows.Next() {
		var e RegistryEntry
		var at string
		if err := rows.Scan(&e.ID, &e.Email, &at); err != nil {
			return nil, err
		}
		e.CreatedAt = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteRegistryEmail removes one entry.
func (s *Store) DeleteRegistryEmail(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM registry WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}
