package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// WeChat authentication (SPEC §8): the request states, its validity and its limits.
const (
	AuthNone     = "none"
	AuthPending  = "pending"
	AuthApproved = "approved"
	AuthRejected = "rejected"

	// AuthRenewWindow is how long before expiry a renewal may be asked (real: 3 months).
	AuthRenewWindow = 90 * 24 * time.Hour
	// AuthDocMaxBytes caps the qualification document.
	AuthDocMaxBytes = 5 << 20
)

// AuthFee is what authentication costs (real): 30 yuan for personal subjects and
// individual businesses, 300 for organisations.
func AuthFee(subjectType string) int {
	if subjectType == "personal" || subjectType == "individual_business" {
		return 30
	}
	return 300
}

// AuthRequired tells whether a subject must be authenticated before release (real:
// government, media and other organisations).
func AuthRequired(subjectType string) bool {
	return subjectType == "government" || subjectType == "media" || subjectType == "other"
}

// AuthValidUntil is when an authentication approved at t expires: one year later.
func AuthValidUntil(t time.Time) time.Time { return t.AddDate(1, 0, 0) }

// Authentication is one authentication request.
type Authentication struct {
	ID           int64
	AccountID    int64
	Status       string
	ContactName  string
	ContactPhone string
	InvoiceTitle string
	NewName      string // the name an organisation asks for through authentication ("" keeps it)
	Fee          int
	DocName      string
	DocType      string
	Reason       string
	SubmittedAt  time.Time
	DecidedAt    time.Time
	ExpiresAt    time.Time
}

// AuthForm is what the authentication form sends.
type AuthForm struct {
	ContactName, ContactPhone, InvoiceTitle, NewName string
	DocName                                          string
	Doc                                              io.Reader // nil when no file was sent
}

const authColumns = `id, account_id, status, contact_name, contact_phone, invoice_title, new_name, fee, doc_name, doc_type, reason,
	submitted_at, decided_at, expires_at`

func scanAuth(row interface{ Scan(...any) error }) (Authentication, error) {
	var a Authentication
	var submitted string
	var decided, expires sql.NullString
	err := row.Scan(&a.ID, &a.AccountID, &a.Status, &a.ContactName, &a.ContactPhone, &a.InvoiceTitle, &a.NewName, &a.Fee,
		&a.DocName, &a.DocType, &a.Reason, &submitted, &decided, &expires)
	a.SubmittedAt, a.DecidedAt, a.ExpiresAt = parseTime(submitted), parseTime(decided.String), parseTime(expires.String)
	return a, err
}

func latestAuthTx(ctx context.Context, tx *sql.Tx, accountID int64) (Authentication, error) {
	a, err := scanAuth(tx.QueryRowContext(ctx, `SELECT `+authColumns+` FROM authentications WHERE account_id = ? ORDER BY id DESC LIMIT 1`, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return Authentication{AccountID: accountID, Status: AuthNone}, nil
	} else if err != nil {
		return Authentication{}, fmt.Errorf("authentication of %d: %w", accountID, err)
	}
	return a, nil
}

// CanRequestAuth tells whether a new authentication may be asked for at now: none is
// pending, and the account is not authenticated or is within the renewal window.
func CanRequestAuth(a Account, latest Authentication, now time.Time) bool {
	return latest.Status != AuthPending && (!a.Authenticated(now) || a.AuthExpiresAt.Sub(now) <= AuthRenewWindow)
}

// docType recognises a qualification document by content: PDF, PNG or JPEG.
func docType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	}
	return ""
}

// SubmitAuthentication asks ops for WeChat authentication. The fee is fixed by the
// subject type; organisations must attach a qualification document and may ask for a
// new name (after release, the only way they can rename, real).
func (s *Store) SubmitAuthentication(ctx context.Context, accountID, personID int64, f AuthForm) error {
	f.ContactName, f.ContactPhone = strings.TrimSpace(f.ContactName), strings.TrimSpace(f.ContactPhone)
	f.InvoiceTitle, f.NewName = strings.TrimSpace(f.InvoiceTitle), strings.TrimSpace(f.NewName)
	p := Problems{}
	if !rulesText(f.ContactName, 2, 32) {
		p.Add("contact_name", "contact_name_invalid")
	}
	if !CheckPhone(f.ContactPhone) {
		p.Add("contact_phone", "phone_invalid")
	}
	if !rulesText(f.InvoiceTitle, 2, 64) {
		p.Add("invoice_title", "invoice_title_invalid")
	}
	if f.NewName != "" {
		if ve := (*ValidationError)(nil); errors.As(CheckName(f.NewName), &ve) {
			p.Add("name", ve.Fields["name"])
		}
	}
	var doc []byte
	var typ string
	if f.Doc != nil {
		var err error
		if doc, err = io.ReadAll(io.LimitReader(f.Doc, AuthDocMaxBytes+1)); err != nil {
			return fmt.Errorf("read document: %w", err)
		}
		if len(doc) > AuthDocMaxBytes {
			p.Add("document", "document_too_large")
		} else if typ = docType(doc); typ == "" {
			p.Add("document", "document_format")
		}
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		latest, err := latestAuthTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !CanRequestAuth(a, latest, s.nowFor(accountID)) {
			return ErrConflict
		}
		if a.Subject.Personal() {
			f.NewName = "" // personal subjects rename through the name quota, not here
			delete(p, "name")
		} else if f.Doc == nil {
			p.Add("document", "document_required")
		}
		if f.NewName != "" && p["name"] == "" {
			if taken, err := nameTakenTx(ctx, tx, a, f.NewName); err != nil {
				return err
			} else if taken {
				p.Add("name", "name_taken")
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO authentications (account_id, contact_name, contact_phone, invoice_title, new_name, fee,
			doc_name, doc_type, doc, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, accountID, f.ContactName, f.ContactPhone,
			f.InvoiceTitle, f.NewName, AuthFee(a.Subject.Type), strings.TrimSpace(f.DocName), typ, doc, fmtTime(s.nowFor(accountID)))
		if err != nil {
			return fmt.Errorf("submit authentication of %d: %w", accountID, err)
		}
		var rename string
		if f.NewName != "" && f.NewName != a.Name {
			rename = change(a.Name, f.NewName)
		}
		return s.logOp(ctx, tx, accountID, personID, opAuthSubmitted, f.InvoiceTitle, rename)
	})
}

// LatestAuthentication reads the account's latest request (Status AuthNone if none).
func (s *Store) LatestAuthentication(ctx context.Context, accountID int64) (Authentication, error) {
	var a Authentication
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		a, err = latestAuthTx(ctx, tx, accountID)
		return err
	})
	return a, err
}

// AuthDocument is a request's qualification document, for the reviewers.
func (s *Store) AuthDocument(ctx context.Context, id int64) (name, typ string, data []byte, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT doc_name, doc_type, doc FROM authentications WHERE id = ? AND doc IS NOT NULL`, id).
		Scan(&name, &typ, &data)
	return name, typ, data, notFound(err, "authentication document")
}

// decideAuth applies an ops decision. Approval makes the account authenticated for one
// year from now and applies a requested name, if no other subject took it meanwhile.
func (s *Store) decideAuth(ctx context.Context, tx *sql.Tx, id int64, v verdict) (int64, error) {
	req, err := scanAuth(tx.QueryRowContext(ctx, `SELECT `+authColumns+` FROM authentications WHERE id = ?`, id))
	if err := notFound(err, "authentication"); err != nil {
		return 0, err
	}
	if req.Status != AuthPending {
		return 0, ErrConflict
	}
	if err := v.check(); err != nil {
		return 0, err
	}
	now := s.nowFor(req.AccountID)
	if !v.approve {
		_, err = tx.ExecContext(ctx, `UPDATE authentications SET status = ?, reason = ?, decided_at = ? WHERE id = ?`,
			AuthRejected, v.reason, fmtTime(now), id)
		if err != nil {
			return 0, fmt.Errorf("reject authentication %d: %w", id, err)
		}
		return req.AccountID, s.logOp(ctx, tx, req.AccountID, 0, opAuthRejected, "", v.reason)
	}
	a, err := accountTx(ctx, tx, req.AccountID)
	if err != nil {
		return 0, err
	}
	var before string
	if !a.AuthExpiresAt.IsZero() {
		before = PlatformDay(a.AuthExpiresAt)
	}
	summary := change(before, PlatformDay(AuthValidUntil(now))) // the validity, then a rename
	if req.NewName != "" && req.NewName != a.Name {
		summary += ", " + change(a.Name, req.NewName)
		if taken, err := nameTakenTx(ctx, tx, a, req.NewName); err != nil {
			return 0, err
		} else if taken {
			return 0, invalid("", "name_taken")
		}
		if err := s.renameTx(ctx, tx, a.ID, 0, req.NewName, "authentication"); err != nil {
			return 0, err
		}
	}
	until := fmtTime(AuthValidUntil(now))
	if _, err := tx.ExecContext(ctx, `UPDATE authentications SET status = ?, decided_at = ?, expires_at = ? WHERE id = ?`,
		AuthApproved, fmtTime(now), until, id); err != nil {
		return 0, fmt.Errorf("approve authentication %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET auth_expires_at = ? WHERE id = ?`, until, a.ID); err != nil {
		return 0, fmt.Errorf("authenticate %d: %w", a.ID, err)
	}
	return a.ID, s.logOp(ctx, tx, a.ID, 0, opAuthApproved, "", summary)
}
