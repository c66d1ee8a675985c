package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Filing states (SPEC §8, real): the account submits, ops review, the responsible person
// confirms an SMS, the authority reviews. FilingNone is an account that never started.
const (
	FilingNone            = "none"
	FilingDraft           = "draft"
	FilingPlatformReview  = "platform_review"
	FilingSMSVerification = "sms_verification"
	FilingAuthorityReview = "authority_review"
	FilingFiled           = "filed"
	FilingRejected        = "rejected"
)

// Filing is an account's ICP filing.
type Filing struct {
	ID        int64
	AccountID int64
	Status    string
	FilingForm
	Reason    string // the reviewer's reason, while rejected
	Number    string // the filing number, once filed
	UpdatedAt time.Time
	FiledAt   time.Time
}

// FilingForm is what the account fills in: the responsible person and the service.
type FilingForm struct {
	ResponsibleName     string
	ResponsibleIDNumber string
	ResponsiblePhone    string
	ServiceContent      string
}

// Filed tells whether the account has a filing number (release needs one, real).
func (f Filing) Filed() bool { return f.Status == FilingFiled }

// Editable tells whether the form may be saved or submitted.
func (f Filing) Editable() bool {
	return f.Status == FilingNone || f.Status == FilingDraft || f.Status == FilingRejected
}

// Withdrawable tells whether the account may take the filing back: until it reaches the
// authority.
func (f Filing) Withdrawable() bool {
	return f.Status == FilingPlatformReview || f.Status == FilingSMSVerification
}

const filingColumns = `id, account_id, status, responsible_name, responsible_id_number, responsible_phone, service_content,
	reason, COALESCE(number, ''), updated_at, filed_at`

func scanFiling(row interface{ Scan(...any) error }) (Filing, error) {
	var f Filing
	var updated string
	var filed sql.NullString
	err := row.Scan(&f.ID, &f.AccountID, &f.Status, &f.ResponsibleName, &f.ResponsibleIDNumber, &f.ResponsiblePhone,
		&f.ServiceContent, &f.Reason, &f.Number, &updated, &filed)
	f.UpdatedAt, f.FiledAt = parseTime(updated), parseTime(filed.String)
	return f, err
}

func filingTx(ctx context.Context, tx *sql.Tx, accountID int64) (Filing, error) {
	f, err := scanFiling(tx.QueryRowContext(ctx, `SELECT `+filingColumns+` FROM filings WHERE account_id = ?`, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return Filing{AccountID: accountID, Status: FilingNone}, nil
	} else if err != nil {
		return Filing{}, fmt.Errorf("filing of %d: %w", accountID, err)
	}
	return f, nil
}

// FilingOf reads an account's filing (Status FilingNone when it never started one).
func (s *Store) FilingOf(ctx context.Context, accountID int64) (Filing, error) {
	var f Filing
	err := s.readTx(ctx, func(tx *sql.Tx) (err error) {
		f, err = filingTx(ctx, tx, accountID)
		return err
	})
	return f, err
}

func checkFilingForm(f FilingForm) (FilingForm, error) {
	f.ResponsibleName = strings.TrimSpace(f.ResponsibleName)
	f.ResponsibleIDNumber = NormalizeIDNumber(f.ResponsibleIDNumber)
	f.ResponsiblePhone = strings.TrimSpace(f.ResponsiblePhone)
	f.ServiceContent = strings.TrimSpace(f.ServiceContent)
	p := Problems{}
	if !rulesText(f.ResponsibleName, 2, 32) {
		p.Add("responsible_name", "responsible_name_invalid")
	}
	if !CheckIDNumber(f.ResponsibleIDNumber) {
		p.Add("responsible_id_number", "id_number_invalid")
	}
	if !CheckPhone(f.ResponsiblePhone) {
		p.Add("responsible_phone", "phone_invalid")
	}
	if !rulesText(f.ServiceContent, 4, 200) {
		p.Add("service_content", "service_content_invalid")
	}
	return f, p.Err()
}

// SaveFiling stores the form as a draft, or submits it for platform review when submit
// is set. Only a filing that was never started, a draft or a rejected one may be edited;
// anything else is ErrConflict.
func (s *Store) SaveFiling(ctx context.Context, accountID, personID int64, form FilingForm, submit bool) error {
	form, err := checkFilingForm(form)
	if err != nil {
		return err
	}
	status, action := FilingDraft, opFilingSaved
	if submit {
		status, action = FilingPlatformReview, opFilingSubmitted
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := doneAccountTx(ctx, tx, accountID); err != nil {
			return err
		}
		cur, err := filingTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !cur.Editable() {
			return ErrConflict
		}
		now := fmtTime(s.nowFor(accountID))
		_, err = tx.ExecContext(ctx, `INSERT INTO filings (account_id, status, responsible_name, responsible_id_number, responsible_phone,
			service_content, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
			ON CONFLICT (account_id) DO UPDATE SET status = ?2, responsible_name = ?3, responsible_id_number = ?4,
			responsible_phone = ?5, service_content = ?6, reason = '', updated_at = ?7`,
			accountID, status, form.ResponsibleName, form.ResponsibleIDNumber, form.ResponsiblePhone, form.ServiceContent, now)
		if err != nil {
			return fmt.Errorf("save filing of %d: %w", accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, action, "", change(cur.Status, status))
	})
}

// WithdrawFiling takes a filing back to draft; allowed until it reaches the authority.
func (s *Store) WithdrawFiling(ctx context.Context, accountID, personID int64) error {
	return s.moveFiling(ctx, accountID, personID, []string{FilingPlatformReview, FilingSMSVerification}, FilingDraft, opFilingWithdrawn)
}

// ConfirmFilingSMS is the simulated SMS check: the verification SMS the real platform
// sends to the responsible person is confirmed on the filing page, and the filing goes
// to the authority.
func (s *Store) ConfirmFilingSMS(ctx context.Context, accountID, personID int64) error {
	return s.moveFiling(ctx, accountID, personID, []string{FilingSMSVerification}, FilingAuthorityReview, opFilingSMSConfirmed)
}

func (s *Store) moveFiling(ctx context.Context, accountID, personID int64, from []string, to string, action OpAction) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		cur, err := filingTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if !slices.Contains(from, cur.Status) {
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `UPDATE filings SET status = ?, updated_at = ? WHERE id = ?`, to, fmtTime(s.nowFor(accountID)), cur.ID); err != nil {
			return fmt.Errorf("move filing %d to %s: %w", cur.ID, to, err)
		}
		return s.logOp(ctx, tx, accountID, personID, action, "", change(cur.Status, to))
	})
}

// decideFiling applies an ops decision: platform review → SMS verification, authority
// review → filed with a number; a rejection at either stage keeps the reason.
func (s *Store) decideFiling(ctx context.Context, tx *sql.Tx, id int64, v verdict) (accountID int64, stage string, err error) {
	f, err := scanFiling(tx.QueryRowContext(ctx, `SELECT `+filingColumns+` FROM filings WHERE id = ?`, id))
	if err := notFound(err, "filing"); err != nil {
		return 0, "", err
	}
	if f.Status != FilingPlatformReview && f.Status != FilingAuthorityReview {
		return 0, "", ErrConflict
	}
	if err := v.check(); err != nil {
		return 0, "", err
	}
	now := fmtTime(s.nowFor(f.AccountID))
	action, target, summary := opFilingRejected, "", v.reason
	switch {
	case !v.approve:
		_, err = tx.ExecContext(ctx, `UPDATE filings SET status = ?, reason = ?, updated_at = ? WHERE id = ?`, FilingRejected, v.reason, now, id)
	case f.Status == FilingPlatformReview:
		action, summary = opFilingPlatformPassed, change(f.Status, FilingSMSVerification)
		_, err = tx.ExecContext(ctx, `UPDATE filings SET status = ?, updated_at = ? WHERE id = ?`, FilingSMSVerification, now, id)
	default:
		var number string
		if number, err = s.filingNumber(ctx, tx, f.AccountID); err == nil {
			action, target, summary = opFilingFiled, number, change(f.Status, FilingFiled)
			_, err = tx.ExecContext(ctx, `UPDATE filings SET status = ?, number = ?, updated_at = ?, filed_at = ? WHERE id = ?`,
				FilingFiled, number, now, now, id)
		}
	}
	if err != nil {
		return 0, "", fmt.Errorf("decide filing %d: %w", id, err)
	}
	return f.AccountID, f.Status, s.logOp(ctx, tx, f.AccountID, 0, action, target, summary)
}

// provinces maps the first two digits of a mainland region code to the abbreviation a
// filing number starts with.
var provinces = map[string]string{
	"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪", "32": "苏",
	"33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂",
	"46": "琼", "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}

// filingNumber mints a unique number in the real shape for mini programs, e.g.
// 京ICP备2026123456号-1X: the province of the subject's region code, the year, a serial.
func (s *Store) filingNumber(ctx context.Context, tx *sql.Tx, accountID int64) (string, error) {
	a, err := accountTx(ctx, tx, accountID)
	if err != nil {
		return "", err
	}
	region := a.Subject.AdminIDNumber
	if !a.Subject.Personal() && len(a.Subject.CreditCode) >= 4 {
		region = a.Subject.CreditCode[2:]
	}
	prov := "京"
	if len(region) >= 2 && provinces[region[:2]] != "" {
		prov = provinces[region[:2]]
	}
	year, _ := periodKeys(s.nowFor(accountID))
	for {
		n := prov + "ICP备" + year + fmt.Sprintf("%06d", randomInt(1000000)) + "号-1X"
		var clash int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM filings WHERE number = ?`, n).Scan(&clash); err != nil {
			return "", err
		}
		if clash == 0 {
			return n, nil
		}
	}
}

// randomInt is a uniform random number in [0, n) from crypto/rand.
func randomInt(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		return 0
	}
	return v.Int64()
}
