package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// AccountsPerIDNumber is how many accounts one administrator ID number may register (SPEC §5).
const AccountsPerIDNumber = 5

// checkIDQuota refuses a sixth account for one administrator ID number. Only accounts whose
// administrator proved that identity count: past the bind_admin scan (step confirm, not
// expired) or finished. So registrations that merely typed someone's ID number cannot use
// up that person's quota; the rule is checked when the subject is saved and again when the
// scan binds the administrator.
func (s *Store) checkIDQuota(ctx context.Context, tx *sql.Tx, accountID int64, idNumber string) error {
	var used int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE admin_id_number = ? AND id <> ?
		AND (step = 'done' OR (step = 'confirm' AND created_at > ?))`,
		idNumber, accountID, fmtTime(s.now().Add(-RegistrationTTL))).Scan(&used); err != nil {
		return fmt.Errorf("count accounts of id number: %w", err)
	}
	if used >= AccountsPerIDNumber {
		return invalid("admin_id_number", "id_quota_exceeded")
	}
	return nil
}

// SaveSubject stores step 3 of the wizard. The per-ID quota is counted in the same write
// transaction, so concurrent registrations with one ID number cannot overshoot it.
func (s *Store) SaveSubject(ctx context.Context, accountID int64, sub Subject) error {
	sub = normalizeSubject(sub)
	p := Problems{}
	if !slices.Contains(SubjectTypes, sub.Type) {
		p.Add("subject_type", "subject_type_invalid")
	}
	if n := len([]rune(sub.AdminName)); n < 2 || n > 32 {
		p.Add("admin_name", "admin_name_invalid")
	}
	if !CheckIDNumber(sub.AdminIDNumber) {
		p.Add("admin_id_number", "id_number_invalid")
	}
	if !CheckPhone(sub.AdminPhone) {
		p.Add("admin_phone", "phone_invalid")
	}
	if sub.Type != "personal" {
		if n := len([]rune(sub.OrgName)); n < 2 || n > 64 {
			p.Add("org_name", "org_name_invalid")
		}
		if !CheckCreditCode(sub.CreditCode) {
			p.Add("credit_code", "credit_code_invalid")
		}
	} else {
		sub.OrgName, sub.CreditCode = "", ""
	}
	if err := p.Err(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := accountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if a.Step != StepSubject && a.Step != StepAdmin {
			return ErrConflict
		}
		if err := s.checkIDQuota(ctx, tx, accountID, sub.AdminIDNumber); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET subject_type = ?, admin_name = ?, admin_id_number = ?, admin_phone = ?,
			org_name = ?, credit_code = ?, step = ? WHERE id = ?`,
			sub.Type, sub.AdminName, sub.AdminIDNumber, sub.AdminPhone, sub.OrgName, sub.CreditCode, StepAdmin, accountID)
		if err != nil {
			return fmt.Errorf("save subject of %d: %w", accountID, err)
		}
		// The log names the subject by its type and name, never by ID number or phone.
		if err := s.logActor(ctx, tx, accountID, byLogin, opSubjectSaved, subjectName(sub),
			change(subjectName(a.Subject), subjectName(sub)), s.nowFor(accountID)); err != nil {
			return err
		}
		// A bind_admin scan was decided against the old subject: retire it, or the person
		// who confirmed it would be bound whatever the new subject names.
		_, err = tx.ExecContext(ctx, `UPDATE scans SET used_at = ? WHERE account_id = ? AND purpose = ? AND used_at IS NULL`,
			fmtTime(s.nowFor(accountID)), accountID, PurposeBindAdmin)
		return err
	})
}

// subjectName is a subject as the operation log names it: its type and its organisation
// or administrator name ("" before any was saved).
func subjectName(sub Subject) string {
	if sub.Type == "" {
		return ""
	}
	name := sub.OrgName
	if name == "" {
		name = sub.AdminName
	}
	return sub.Type + " " + name
}

func normalizeSubject(sub Subject) Subject {
	sub.Type = strings.TrimSpace(sub.Type)
	sub.AdminName = strings.TrimSpace(sub.AdminName)
	sub.AdminIDNumber = NormalizeIDNumber(sub.AdminIDNumber)
	sub.AdminPhone = strings.TrimSpace(sub.AdminPhone)
	sub.OrgName = strings.TrimSpace(sub.OrgName)
	sub.CreditCode = NormalizeCreditCode(sub.CreditCode)
	return sub
}

// ConfirmRegistration ends the wizard: the account gets its AppID and original ID (both
// unique, never changed), and non-personal subjects wait for ops to verify them.
func (s *Store) ConfirmRegistration(ctx context.Context, accountID int64) (Account, error) {
	var out Account
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := accountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if a.Step != StepConfirm {
			return ErrConflict
		}
		verification := "none"
		if !a.Subject.Personal() {
			verification = "pending"
		}
		for {
			appid, orig := "wx"+randomHex(16), "gh_"+randomHex(12)
			var clash int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts WHERE appid = ? OR original_id = ?`, appid, orig).Scan(&clash); err != nil {
				return err
			}
			if clash > 0 {
				continue
			}
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET step = ?, appid = ?, original_id = ?, subject_verification = ?, registered_at = ? WHERE id = ?`,
				StepDone, appid, orig, verification, fmtTime(s.nowFor(accountID)), accountID)
			if err != nil {
				return fmt.Errorf("confirm registration %d: %w", accountID, err)
			}
			break
		}
		if out, err = accountTx(ctx, tx, accountID); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, a.AdminPersonID, opRegistered, out.AppID, "")
	})
	return out, err
}
