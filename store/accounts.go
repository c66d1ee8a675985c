package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Wizard steps, stored with the account so that any browser can resume (SPEC §5).
const (
	StepActivate = "activate"
	StepSubject  = "subject"
	StepAdmin    = "admin"
	StepConfirm  = "confirm"
	StepDone     = "done"
)

// Account is a mini program account and, until Step is done, an unfinished registration.
type Account struct {
	ID                  int64
	Email               string
	Step                string
	Subject             Subject
	SubjectVerification string
	AdminPersonID       int64
	AppID, OriginalID   string
	Name                string
	AuthExpiresAt       time.Time // WeChat authentication valid until (zero: never authenticated)
	FirstReleasedAt     time.Time // zero until the first release
	CreatedAt           time.Time
	RegisteredAt        time.Time
}

// Authenticated tells whether WeChat authentication is valid at now.
func (a Account) Authenticated(now time.Time) bool { return now.Before(a.AuthExpiresAt) }

// Abandoned tells whether an unfinished registration has outlived RegistrationTTL: it
// cannot be continued, and the next registration deletes it.
func (a Account) Abandoned(now time.Time) bool {
	return a.Step != StepDone && !now.Before(a.CreatedAt.Add(RegistrationTTL))
}

// Released tells whether a version has ever been released.
func (a Account) Released() bool { return !a.FirstReleasedAt.IsZero() }

// Subject is the legal subject behind an account (step 3 of the wizard).
type Subject struct {
	Type          string
	AdminName     string
	AdminIDNumber string
	AdminPhone    string
	OrgName       string
	CreditCode    string
}

// Personal tells whether the subject is a private person (different limits and fees).
func (s Subject) Personal() bool { return s.Type == "personal" }

// SubjectTypes lists the subject types of the real platform, in its order.
var SubjectTypes = []string{"personal", "enterprise", "individual_business", "government", "media", "other"}

const accountColumns = `id, email, step, subject_type, admin_name, admin_id_number, admin_phone, org_name, credit_code,
	subject_verification, COALESCE(admin_person_id, 0), COALESCE(appid, ''), COALESCE(original_id, ''), name,
	COALESCE(auth_expires_at, ''), COALESCE(first_released_at, ''), created_at, COALESCE(registered_at, '')`

func scanAccount(row interface{ Scan(...any) error }) (Account, error) {
	var a Account
	var authExp, released, created, registered string
	err := row.Scan(&a.ID, &a.Email, &a.Step, &a.Subject.Type, &a.Subject.AdminName, &a.Subject.AdminIDNumber,
		&a.Subject.AdminPhone, &a.Subject.OrgName, &a.Subject.CreditCode, &a.SubjectVerification, &a.AdminPersonID,
		&a.AppID, &a.OriginalID, &a.Name, &authExp, &released, &created, &registered)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNotFound
	} else if err != nil {
		return Account{}, err
	}
	a.AuthExpiresAt, a.FirstReleasedAt = parseTime(authExp), parseTime(released)
	a.CreatedAt, a.RegisteredAt = parseTime(created), parseTime(registered)
	return a, nil
}

// AccountByID loads an account.
func (s *Store) AccountByID(ctx context.Context, id int64) (Account, error) {
	return scanAccount(s.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
}

func accountTx(ctx context.Context, tx *sql.Tx, id int64) (Account, error) {
	return scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
}

// AccountByAppID loads the account behind an AppID.
func (s *Store) AccountByAppID(ctx context.Context, appid string) (Account, error) {
	return scanAccount(s.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE appid = ?`, appid))
}

// MailFunc composes a mail around a freshly minted token; the web layer owns the wording
// and the URL, the store owns the token and stores the mail in the same transaction.
type MailFunc func(to, token string) Mail

// Registration is step 1 of the wizard.
type Registration struct {
	Email, Password, PasswordConfirm string
	Agree                            bool
}

// ActivationTTL is how long an activation link works (SPEC §5, real: 48 h).
const ActivationTTL = 48 * time.Hour

// RegistrationTTL is how long an unfinished registration is kept: after it, the account
// is deleted (its email free again) and it never counted toward the per-ID quota.
const RegistrationTTL = 7 * 24 * time.Hour

// pruneRegistrations deletes the registrations left unfinished for RegistrationTTL, with
// everything that hangs on them.
func (s *Store) pruneRegistrations(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE step <> 'done' AND created_at <= ?`,
		fmtTime(s.now().Add(-RegistrationTTL))); err != nil {
		return fmt.Errorf("prune registrations: %w", err)
	}
	return nil
}

// Register creates an unfinished account and queues its activation mail. The three
// "email already used" rules and the insert share one transaction.
func (s *Store) Register(ctx context.Context, r Registration, mail MailFunc) (int64, error) {
	r.Email = NormalizeEmail(r.Email)
	p := Problems{}
	if !CheckEmail(r.Email) {
		p.Add("email", "email_invalid")
	}
	if !CheckPassword(r.Password) {
		p.Add("password", "password_weak")
	} else if r.Password != r.PasswordConfirm {
		p.Add("password_confirm", "password_mismatch")
	}
	if !r.Agree {
		p.Add("agree", "agree_required")
	}
	if _, bad := p["email"]; bad {
		return 0, p.Err()
	}
	hash, err := hashPassword(r.Password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.pruneRegistrations(ctx, tx); err != nil {
			return err
		}
		var inAccounts, inRegistry, inPeople int
		err := tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM accounts WHERE email = ?1),
			(SELECT count(*) FROM registry WHERE email = ?1),
			(SELECT count(*) FROM people WHERE bound_email = ?1)`, r.Email).Scan(&inAccounts, &inRegistry, &inPeople)
		if err != nil {
			return fmt.Errorf("check email: %w", err)
		}
		switch {
		case inAccounts > 0:
			p.Add("email", "email_registered_platform")
		case inRegistry > 0:
			p.Add("email", "email_registered_open")
		case inPeople > 0:
			p.Add("email", "email_bound_wechat")
		}
		if err := p.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO accounts (email, password_hash, created_at) VALUES (?, ?, ?)`, r.Email, hash, fmtTime(s.now()))
		if err != nil {
			return fmt.Errorf("insert account %s: %w", r.Email, err)
		}
		id, _ = res.LastInsertId()
		return s.newActivation(ctx, tx, id, r.Email, mail)
	})
	return id, err
}

func (s *Store) newActivation(ctx context.Context, tx *sql.Tx, accountID int64, email string, mail MailFunc) error {
	token := NewToken()
	now := s.now()
	if _, err := tx.ExecContext(ctx, `INSERT INTO activations (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		HashToken(token), accountID, fmtTime(now), fmtTime(now.Add(ActivationTTL))); err != nil {
		return fmt.Errorf("insert activation: %w", err)
	}
	m := mail(email, token)
	m.AccountID = accountID
	return s.queueMail(ctx, tx, m)
}

// ResendActivation mails a new link to an account that is still waiting for activation;
// earlier links stop working.
func (s *Store) ResendActivation(ctx context.Context, email string, mail MailFunc) error {
	email = NormalizeEmail(email)
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var step string
		err := tx.QueryRowContext(ctx, `SELECT id, step FROM accounts WHERE email = ?`, email).Scan(&id, &step)
		if errors.Is(err, sql.ErrNoRows) {
			return invalid("email", "email_not_registered")
		} else if err != nil {
			return err
		}
		if step != StepActivate {
			return invalid("email", "already_activated")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activations SET used_at = ? WHERE account_id = ? AND used_at IS NULL`, fmtTime(s.now()), id); err != nil {
			return err
		}
		return s.newActivation(ctx, tx, id, email, mail)
	})
}

// Activate spends an activation token and moves the account to the subject step. A used
// or expired link answers a *ValidationError with code activation_used or activation_expired.
func (s *Store) Activate(ctx context.Context, token string) (Account, error) {
	var out Account
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var accountID int64
		var expires string
		var used sql.NullString
		err := tx.QueryRowContext(ctx, `SELECT account_id, expires_at, used_at FROM activations WHERE token_hash = ?`, HashToken(token)).
			Scan(&accountID, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return invalid("", "activation_invalid")
		} else if err != nil {
			return err
		}
		now := s.now()
		if used.Valid {
			return invalid("", "activation_used")
		}
		if !now.Before(parseTime(expires)) {
			return invalid("", "activation_expired")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE activations SET used_at = ? WHERE token_hash = ?`, fmtTime(now), HashToken(token)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET step = ?, activated_at = ? WHERE id = ? AND step = ?`,
			StepSubject, fmtTime(now), accountID, StepActivate); err != nil {
			return err
		}
		out, err = accountTx(ctx, tx, accountID)
		return err
	})
	return out, err
}

// ActivationEmail tells which address a (possibly spent) activation token was sent to, so
// the "link expired" page can offer to resend; "" for a token that was never issued.
func (s *Store) ActivationEmail(ctx context.Context, token string) (string, error) {
	var email string
	err := s.read.QueryRowContext(ctx, `SELECT a.email FROM activations t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?`, HashToken(token)).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("activation email: %w", err)
	}
	return email, nil
}

// NewToken returns 32 random bytes as 64 hex characters, from crypto/rand.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// HashToken is what is stored for a bearer token: a link or scan token is never kept in clear.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func randomHex(n int) string {
	b := make([]byte, (n+1)/2)
	rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
