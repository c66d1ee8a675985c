package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BasicInfo is everything /settings/basic and /home show about an account, read as one
// consistent snapshot.
type BasicInfo struct {
	Account          Account
	Intro            string
	Icon             IconMeta
	Categories       []AccountCategory
	NameQuota        Quota
	IconQuota        Quota
	IntroQuota       Quota
	Filing           Filing
	Auth             Authentication // the latest request (Status "none" when there was none)
	SubjectRejection string         // the reviewer's reason when the subject was rejected
	Now              time.Time      // the account's clock when this was read
}

// BasicInfoOf reads an account's basic info, quotas, filing and authentication.
func (s *Store) BasicInfoOf(ctx context.Context, accountID int64) (BasicInfo, error) {
	var b BasicInfo
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		now := s.nowFor(accountID)
		b.Now = now
		if b.Account, err = accountTx(ctx, tx, accountID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT intro FROM accounts WHERE id = ?`, accountID).Scan(&b.Intro); err != nil {
			return fmt.Errorf("intro of %d: %w", accountID, err)
		}
		if b.Icon, err = iconMetaTx(ctx, tx, accountID); err != nil {
			return err
		}
		if b.Categories, err = categoriesTx(ctx, tx, accountID); err != nil {
			return err
		}
		if b.NameQuota, err = nameQuota(ctx, tx, b.Account, now); err != nil {
			return err
		}
		if b.IconQuota, err = iconQuota(ctx, tx, accountID, b.Icon.ETag != "", now); err != nil {
			return err
		}
		if b.IntroQuota, err = introQuota(ctx, tx, accountID, b.Intro != "", now); err != nil {
			return err
		}
		if b.Filing, err = filingTx(ctx, tx, accountID); err != nil {
			return err
		}
		if b.Auth, err = latestAuthTx(ctx, tx, accountID); err != nil {
			return err
		}
		b.SubjectRejection, err = subjectRejectionTx(ctx, tx, b.Account)
		return err
	})
	return b, err
}

// readTx runs fn in one read-only transaction, so several queries see one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// CheckName applies the name rules that need no database: 4–30 units, the allowed
// characters, and not the reserved word 小程序.
func CheckName(name string) error {
	if u := NameUnits(name); u < NameMinUnits || u > NameMaxUnits || !CheckNameChars(name) {
		return invalid("name", "name_invalid")
	}
	if strings.Contains(name, "小程序") {
		return invalid("name", "name_reserved_word")
	}
	return nil
}

// subjectKey says who a subject is, for name sharing: a person by ID number, an
// organisation by credit code.
func subjectKey(sub Subject) string {
	if sub.Personal() {
		return "id:" + sub.AdminIDNumber
	}
	return "cc:" + sub.CreditCode
}

// nameTakenTx tells whether another subject's account uses name (case-insensitively).
// Accounts of the same subject may share a name (real).
func nameTakenTx(ctx context.Context, tx *sql.Tx, a Account, name string) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT subject_type, admin_id_number, credit_code FROM accounts
		WHERE id <> ? AND step = 'done' AND name = ? COLLATE NOCASE`, a.ID, name)
	if err != nil {
		return false, fmt.Errorf("find name %q: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var other Subject
		if err := rows.Scan(&other.Type, &other.AdminIDNumber, &other.CreditCode); err != nil {
			return false, err
		}
		if subjectKey(other) != subjectKey(a.Subject) {
			return true, nil
		}
	}
	return false, rows.Err()
}

// doneAccountTx loads an account that finished registration; basic info of an
// unfinished one cannot be edited.
func doneAccountTx(ctx context.Context, tx *sql.Tx, accountID int64) (Account, error) {
	a, err := accountTx(ctx, tx, accountID)
	if err != nil {
		return Account{}, err
	}
	if a.Step != StepDone {
		return Account{}, ErrConflict
	}
	return a, nil
}

// SetName renames the account. The rules, the uniqueness across subjects and the change
// quota are all checked in the write transaction that renames; an unchanged name is a
// no-op that uses no quota.
func (s *Store) SetName(ctx context.Context, accountID, personID int64, name string) error {
	name = strings.TrimSpace(name)
	if err := CheckName(name); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil || a.Name == name {
			return err
		}
		q, err := nameQuota(ctx, tx, a, s.nowFor(accountID))
		if err != nil {
			return err
		}
		if !q.Allowed() {
			return invalid("name", "name_change_quota")
		}
		if taken, err := nameTakenTx(ctx, tx, a, name); err != nil {
			return err
		} else if taken {
			return invalid("name", "name_taken")
		}
		if err := s.renameTx(ctx, tx, accountID, personID, name, nameChangeKind(q)); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opNameSet, "", change(a.Name, name))
	})
}

// renameTx writes a new name and counts the change.
func (s *Store) renameTx(ctx context.Context, tx *sql.Tx, accountID, personID int64, name, kind string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET name = ? WHERE id = ?`, name, accountID); err != nil {
		return fmt.Errorf("rename %d: %w", accountID, err)
	}
	return s.recordChange(ctx, tx, accountID, personID, "name", kind, name)
}

// SetIntro changes the introduction: 4–120 characters, 5 changes per calendar month
// after the free first setting, counted in the write transaction.
func (s *Store) SetIntro(ctx context.Context, accountID, personID int64, intro string) error {
	intro = strings.TrimSpace(intro)
	if !CheckIntro(intro) {
		return invalid("intro", "intro_invalid")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := doneAccountTx(ctx, tx, accountID); err != nil {
			return err
		}
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT intro FROM accounts WHERE id = ?`, accountID).Scan(&current); err != nil {
			return fmt.Errorf("intro of %d: %w", accountID, err)
		}
		if current == intro {
			return nil
		}
		q, err := introQuota(ctx, tx, accountID, current != "", s.nowFor(accountID))
		if err != nil {
			return err
		}
		if !q.Allowed() {
			return invalid("intro", "intro_change_quota")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET intro = ? WHERE id = ?`, intro, accountID); err != nil {
			return fmt.Errorf("set intro of %d: %w", accountID, err)
		}
		kind := "change"
		if q.First {
			kind = "first"
		}
		if err := s.recordChange(ctx, tx, accountID, personID, "intro", kind, intro); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opIntroSet, "", change(current, intro))
	})
}

// notFound maps sql.ErrNoRows to ErrNotFound and wraps other errors with what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
