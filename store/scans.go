package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Scan purposes (SPEC §4).
const (
	PurposeLogin         = "login"
	PurposeBindAdmin     = "bind_admin"
	PurposeResetSecret   = "reset_secret"
	PurposeFreezeSecret  = "freeze_secret"
	PurposeTransferAdmin = "transfer_admin"
	PurposeUploadKey     = "upload_key"
)

// ScanTTL is how long a QR code can be scanned, and how much longer a confirmed scan may
// wait for the computer to complete its step: a confirmation left unused in some browser
// does not stay a key for ever.
const ScanTTL = 5 * time.Minute

// Scan is a scan-to-confirm request as the waiting page and the phone see it.
type Scan struct {
	ID             int64
	Purpose        string
	AccountID      int64
	TargetPersonID int64
	Status         string // pending, confirmed, rejected (as stored)
	PersonID       int64  // who decided
	Refusal        string // the last wrong person's error code, while pending
	Requester      Requester
	CreatedAt      time.Time
	ExpiresAt      time.Time
	Used           bool
}

// Requester is the browser that asked for a scan: its User-Agent and address, which the
// phone shows next to the time, so a person can tell a forwarded code from their own.
type Requester struct {
	Agent, IP string
}

// State is what the waiting page shows: pending, confirmed, rejected or expired.
func (sc Scan) State(now time.Time) string {
	switch {
	case sc.Status == "pending" && (sc.Used || !now.Before(sc.ExpiresAt)):
		return "expired" // a pending scan is only ever used by being retired
	case sc.Status == "confirmed" && !sc.Used && !now.Before(sc.ExpiresAt.Add(ScanTTL)):
		return "expired"
	}
	return sc.Status
}

// CreateScan mints a scan request asked for by req and returns its token (shown once, in
// the QR code).
func (s *Store) CreateScan(ctx context.Context, purpose string, accountID, targetPersonID int64, req Requester) (string, error) {
	token := NewToken()
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		return s.insertScan(ctx, tx, token, purpose, accountID, targetPersonID, req)
	})
	return token, err
}

func (s *Store) insertScan(ctx context.Context, tx *sql.Tx, token, purpose string, accountID, targetPersonID int64, req Requester) error {
	now := s.nowFor(accountID)
	_, err := tx.ExecContext(ctx, `INSERT INTO scans (token_hash, purpose, account_id, target_person_id, requester_agent, requester_ip, created_at, expires_at)
		VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?)`, HashToken(token), purpose, accountID, targetPersonID,
		truncate(req.Agent, 512), req.IP, fmtTime(now), fmtTime(now.Add(ScanTTL)))
	if err != nil {
		return fmt.Errorf("create %s scan: %w", purpose, err)
	}
	return nil
}

// truncate keeps at most n bytes of s, cut at a character boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

const scanColumns = `id, purpose, COALESCE(account_id, 0), COALESCE(target_person_id, 0), status, COALESCE(person_id, 0), refusal,
	requester_agent, requester_ip, created_at, expires_at, used_at IS NOT NULL`

func scanScan(row interface{ Scan(...any) error }) (Scan, error) {
	var sc Scan
	var created, exp string
	err := row.Scan(&sc.ID, &sc.Purpose, &sc.AccountID, &sc.TargetPersonID, &sc.Status, &sc.PersonID, &sc.Refusal,
		&sc.Requester.Agent, &sc.Requester.IP, &created, &exp, &sc.Used)
	if errors.Is(err, sql.ErrNoRows) {
		return Scan{}, ErrNotFound
	}
	sc.CreatedAt, sc.ExpiresAt = parseTime(created), parseTime(exp)
	return sc, err
}

// ScanFor loads the scan of token if it is a purpose scan of account (0: none);
// anything else is ErrNotFound, so a waiting page never shows another account's scan.
func (s *Store) ScanFor(ctx context.Context, token, purpose string, accountID int64) (Scan, error) {
	return scanFor(ctx, s.read, token, purpose, accountID)
}

func scanFor(ctx context.Context, q querier, token, purpose string, accountID int64) (Scan, error) {
	sc, err := scanScan(q.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE token_hash = ?`, HashToken(token)))
	if err != nil {
		return Scan{}, err
	}
	if sc.Purpose != purpose || sc.AccountID != accountID {
		return Scan{}, ErrNotFound
	}
	return sc, nil
}

// ScanByToken loads a scan request.
func (s *Store) ScanByToken(ctx context.Context, token string) (Scan, error) {
	return scanScan(s.read.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE token_hash = ?`, HashToken(token)))
}

// DecideScan records a confirmation or rejection from the phone of person. Who may
// decide depends on the purpose; a wrong person gets a page-level *ValidationError and
// the scan stays pending (the waiting page shows that someone else tried). A scan that
// is expired, used or decided answers ErrGone.
func (s *Store) DecideScan(ctx context.Context, token string, personID int64, confirm bool) (Scan, error) {
	var sc Scan
	var refusal error
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		sc, err = scanScan(tx.QueryRowContext(ctx, `SELECT `+scanColumns+` FROM scans WHERE token_hash = ?`, HashToken(token)))
		if err != nil {
			return err
		}
		now := s.nowFor(sc.AccountID)
		if sc.State(now) != "pending" {
			return ErrGone
		}
		code, err := s.mayDecide(ctx, tx, sc, personID)
		if err != nil {
			return err
		}
		if code != "" {
			refusal = invalid("", code)
			_, err = tx.ExecContext(ctx, `UPDATE scans SET refusal = ? WHERE id = ?`, code, sc.ID)
			return err
		}
		status := "rejected"
		if confirm {
			status = "confirmed"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE scans SET status = ?, person_id = ?, decided_at = ?, refusal = '' WHERE id = ?`,
			status, personID, fmtTime(now), sc.ID); err != nil {
			return fmt.Errorf("decide scan %d: %w", sc.ID, err)
		}
		sc.Status, sc.PersonID = status, personID
		return nil
	})
	if err == nil && refusal != nil {
		return sc, refusal
	}
	return sc, err
}

// ScanRefusal is the error code that keeps person from deciding sc, or "" when they may:
// the phone shows nothing of the account to anyone else.
func (s *Store) ScanRefusal(ctx context.Context, sc Scan, personID int64) (string, error) {
	return s.mayDecide(ctx, s.read, sc, personID)
}

// mayDecide returns the error code that keeps person from deciding sc, or "".
func (s *Store) mayDecide(ctx context.Context, tx querier, sc Scan, personID int64) (string, error) {
	switch sc.Purpose {
	case PurposeBindAdmin:
		var match bool
		err := tx.QueryRowContext(ctx, `SELECT p.real_name = a.admin_name AND p.id_number = a.admin_id_number AND p.real_name <> ''
			FROM people p, accounts a WHERE p.id = ? AND a.id = ?`, personID, sc.AccountID).Scan(&match)
		if err != nil {
			return "", fmt.Errorf("check admin identity: %w", err)
		}
		if !match {
			return "admin_identity_mismatch", nil
		}
	case PurposeLogin:
		if sc.AccountID == 0 {
			var n int
			err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts a WHERE a.step = 'done' AND `+consoleMember, personID).Scan(&n)
			if err != nil {
				return "", err
			}
			if n == 0 {
				return "not_a_member", nil
			}
			return "", nil
		}
		roles, err := rolesOf(ctx, tx, sc.AccountID, personID)
		if err != nil {
			return "", err
		}
		if !roles.Can(ActView) {
			return "not_a_member", nil
		}
	case PurposeResetSecret, PurposeFreezeSecret, PurposeUploadKey:
		roles, err := rolesOf(ctx, tx, sc.AccountID, personID)
		if err != nil {
			return "", err
		}
		if !roles.Has(RoleAdmin) {
			return "not_admin", nil
		}
	case PurposeTransferAdmin:
		if sc.TargetPersonID != personID {
			return "wrong_person", nil
		}
	}
	return "", nil
}

// consumeScan spends a confirmed scan of purpose for account inside tx: it must be
// confirmed, unused, and completed within ScanTTL after the code expired. It answers
// ErrGone otherwise, ErrNotFound for a token that is not this account's.
func (s *Store) consumeScan(ctx context.Context, tx *sql.Tx, token, purpose string, accountID int64) (Scan, error) {
	sc, err := scanFor(ctx, tx, token, purpose, accountID)
	if err != nil {
		return Scan{}, err
	}
	if sc.Used || sc.State(s.nowFor(sc.AccountID)) != "confirmed" {
		return Scan{}, ErrGone
	}
	if _, err := tx.ExecContext(ctx, `UPDATE scans SET used_at = ? WHERE id = ?`, fmtTime(s.nowFor(sc.AccountID)), sc.ID); err != nil {
		return Scan{}, err
	}
	return sc, nil
}

// CompleteBindAdmin makes the person who confirmed the bind_admin scan the administrator
// of the unfinished account and moves the wizard to its last step. The per-ID quota is
// counted again here, where the account starts to count toward it: two registrations
// racing past the subject step cannot both take the fifth place.
func (s *Store) CompleteBindAdmin(ctx context.Context, token string, accountID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		sc, err := s.consumeScan(ctx, tx, token, PurposeBindAdmin, accountID)
		if err != nil {
			return err
		}
		a, err := accountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if err := s.checkIDQuota(ctx, tx, accountID, a.Subject.AdminIDNumber); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET admin_person_id = ?, step = ? WHERE id = ? AND step = ?`,
			sc.PersonID, StepConfirm, accountID, StepAdmin)
		if err != nil {
			return fmt.Errorf("bind admin of %d: %w", accountID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		var wechatID string
		if err := tx.QueryRowContext(ctx, `SELECT wechat_id FROM people WHERE id = ?`, sc.PersonID).Scan(&wechatID); err != nil {
			return fmt.Errorf("bound administrator of %d: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, sc.PersonID, opAdminBound, wechatID, "")
	})
}

// CompleteLogin spends a confirmed login scan and returns who confirmed it. For an
// account login, the person's roles are checked again at this moment.
func (s *Store) CompleteLogin(ctx context.Context, token string, accountID int64) (int64, error) {
	var person int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		sc, err := s.consumeScan(ctx, tx, token, PurposeLogin, accountID)
		if err != nil {
			return err
		}
		person = sc.PersonID
		if accountID == 0 {
			return nil
		}
		roles, err := rolesOf(ctx, tx, accountID, person)
		if err != nil {
			return err
		}
		if !roles.Can(ActView) {
			return invalid("", "not_a_member")
		}
		return nil
	})
	return person, err
}
