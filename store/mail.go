package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Mail is one message of the outbox, with its delivery state when an SMTP relay is set.
type Mail struct {
	ID        int64
	AccountID int64 // the registration it belongs to (0: none)
	To        string
	Subject   string
	Body      string
	Link      string
	CreatedAt time.Time
	// Delivery through SMTP: the tries so far, when the next is due (zero: none will be
	// made), why the last one failed, and when the relay accepted the mail.
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	SentAt        time.Time
}

// The delivery rules of the outbox.
const (
	// MailRetryFirst is the wait after the first refused try; it doubles after each
	// further one, up to MailRetryMax.
	MailRetryFirst = time.Minute
	MailRetryMax   = time.Hour
	// MailDeliveryWindow is how long a mail is tried at all: its links live at most that
	// long (ActivationTTL), so neither a long outage nor switching --smtp on for a sandbox
	// database sends stale mail.
	MailDeliveryWindow = ActivationTTL
	// MailKeep is how long mail is kept before it is pruned (SPEC §19).
	MailKeep = 30 * 24 * time.Hour
	// maxMailError bounds the stored reason of a refusal.
	maxMailError = 300
)

func (s *Store) queueMail(ctx context.Context, tx *sql.Tx, m Mail) error {
	now := fmtTime(s.now())
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (account_id, to_addr, subject, body, link, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		nullID(m.AccountID), m.To, m.Subject, m.Body, m.Link, now, now)
	if err != nil {
		return fmt.Errorf("queue mail to %s: %w", m.To, err)
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

const mailColumns = `id, coalesce(account_id, 0), to_addr, subject, body, link, created_at, attempts, coalesce(next_attempt_at, ''), last_error, coalesce(sent_at, '')`

// Mailbox lists the mail of the given registrations, newest first: a browser sees only
// the mail of the registrations it started or resumed.
func (s *Store) Mailbox(ctx context.Context, accountIDs []int64, limit int) ([]Mail, error) {
	if len(accountIDs) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(accountIDs)+1)
	for _, id := range accountIDs {
		args = append(args, id)
	}
	marks := strings.Repeat("?, ", len(accountIDs)-1) + "?"
	return s.mails(ctx, `SELECT `+mailColumns+` FROM outbox WHERE account_id IN (`+marks+`) ORDER BY id DESC LIMIT ?`, append(args, limit)...)
}

// AllMail lists the whole outbox, newest first, for platform reviewers.
func (s *Store) AllMail(ctx context.Context, limit int) ([]Mail, error) {
	return s.mails(ctx, `SELECT `+mailColumns+` FROM outbox ORDER BY id DESC LIMIT ?`, limit)
}

// DueMail lists mail whose next try is due, oldest first.
func (s *Store) DueMail(ctx context.Context, limit int) ([]Mail, error) {
	now := s.now()
	return s.mails(ctx, `SELECT `+mailColumns+` FROM outbox WHERE next_attempt_at <= ? AND created_at > ? ORDER BY next_attempt_at, id LIMIT ?`,
		fmtTime(now), fmtTime(now.Add(-MailDeliveryWindow)), limit)
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
		var at, next, sent string
		if err := rows.Scan(&m.ID, &m.AccountID, &m.To, &m.Subject, &m.Body, &m.Link, &at, &m.Attempts, &next, &m.LastError, &sent); err != nil {
			return nil, err
		}
		m.CreatedAt, m.NextAttemptAt, m.SentAt = parseTime(at), parseTime(next), parseTime(sent)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkMailSent records that the relay accepted a message: no further try.
func (s *Store) MarkMailSent(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET sent_at = ?, attempts = attempts + 1, next_attempt_at = NULL, last_error = '' WHERE id = ?`,
			fmtTime(s.now()), id)
		return err
	})
}

// MailFailed records a refused or failed try and when to try again: MailRetryFirst after
// the first, doubling up to MailRetryMax. reason must not hold the body (its links are
// secrets); it is cut to a few hundred bytes.
func (s *Store) MailFailed(ctx context.Context, id int64, reason string) error {
	if len(reason) > maxMailError {
		reason = strings.ToValidUTF8(reason[:maxMailError], "")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var attempts int
		err := tx.QueryRowContext(ctx, `SELECT attempts FROM outbox WHERE id = ?`, id).Scan(&attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("mail %d: %w", id, err)
		}
		attempts++
		_, err = tx.ExecContext(ctx, `UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
			attempts, fmtTime(s.now().Add(mailRetryDelay(attempts))), reason, id)
		return err
	})
}

// mailRetryDelay is the wait after the attempts-th failed try.
func mailRetryDelay(attempts int) time.Duration {
	d := MailRetryFirst
	for i := 1; i < attempts && d < MailRetryMax; i++ {
		d *= 2
	}
	return min(d, MailRetryMax)
}

// PruneMail deletes mail older than MailKeep, so the outbox does not grow with time alone.
func (s *Store) PruneMail(ctx context.Context) (int64, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < ?`, fmtTime(s.now().Add(-MailKeep)))
		if err != nil {
			return fmt.Errorf("prune mail: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// Delivery states of a mail when an SMTP relay is set, shown to platform reviewers.
const (
	DeliveryQueued   = "queued"   // not tried yet
	DeliveryRetrying = "retrying" // refused, tried again at NextAttemptAt
	DeliverySent     = "sent"     // accepted by the relay
	DeliveryFailed   = "failed"   // not delivered within MailDeliveryWindow
)

// Delivery tells where the mail stands at now.
func (m Mail) Delivery(now time.Time) string {
	switch {
	case !m.SentAt.IsZero():
		return DeliverySent
	case m.NextAttemptAt.IsZero() || !now.Before(m.CreatedAt.Add(MailDeliveryWindow)):
		return DeliveryFailed
	case m.Attempts > 0:
		return DeliveryRetrying
	}
	return DeliveryQueued
}
