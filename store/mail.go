package store

import (
	"context"
	"database/sql"
	"fmt"
)

func (s *Store) queueMail(ctx context.Context, tx *sql.Tx, m Mail) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (to_addr, subject, body, link, created_at) VALUES (?, ?, ?, ?, ?)`,
		m.To, m.Subject, m.Body, m.Link, fmtTime(s.now()))
	if err != nil {
		return fmt.Errorf("queue mail to %s: %w", m.To, err)
	}
	return nil
}

// Mailbox lists the sandbox outbox, newest first.
func (s *Store) Mailbox(ctx context.Context, limit int) ([]Mail, error) {
	return s.mails(ctx, `SELECT id, to_addr, subject, body, link, created_at FROM outbox ORDER BY id DESC LIMIT ?`, limit)
}

// UnsentMail lists mail not yet handed to SMTP, oldest first.
func (s *Store) UnsentMail(ctx context.Context) ([]Mail, error) {
	return s.mails(ctx, `SELECT id, to_addr, subject, body, link, created_at FROM outbox WHERE sent_at IS NULL ORDER BY id`)
}

func (s *Store) mails(ctx context.Context, query string, args ...any) ([]Mail, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list mail: %w", err)
	}
	defer rows.Close()
	var out []Mail
	for rows.Next() {
		var m Mail
		var at string
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Body, &m.Link, &at); err != nil {
			return nil, err
		}
		m.CreatedAt = parseTime(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkMailSent records that SMTP accepted a message.
func (s *Store) MarkMailSent(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ? WHERE id = ?`, fmtTime(s.now()), id)
		return err
	})
}
