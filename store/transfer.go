package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Transfer is a pending change of administrator: two transfer_admin scans, one that only
// the current administrator may confirm and one that only the new one may (SPEC §9).
type Transfer struct {
	OldToken, NewToken string
	NewAdmin           Person
}

// newAdminProblem returns the error code that keeps p from becoming the administrator of
// a, or "": the person needs a real name and ID number on their WeChat identity and, for
// a personal subject, the subject's own ID number (the same human, another WeChat).
func newAdminProblem(a Account, p Person) string {
	switch {
	case p.ID == a.AdminPersonID:
		return "already_admin"
	case p.RealName == "" || p.IDNumber == "":
		return "admin_identity_missing"
	case a.Subject.Personal() && p.IDNumber != a.Subject.AdminIDNumber:
		return "admin_identity_mismatch"
	}
	return ""
}

// StartTransfer checks the person who is to become administrator and mints both scans of
// the transfer, asked for by req, in one transaction.
func (s *Store) StartTransfer(ctx context.Context, accountID int64, wechatID string, req Requester) (Transfer, error) {
	wechatID = strings.TrimSpace(wechatID)
	var out Transfer
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		p, err := scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE wechat_id = ?`, wechatID))
		if errors.Is(err, ErrNotFound) || wechatID == "" {
			return invalid("wechat_id", "wechat_id_not_found")
		} else if err != nil {
			return fmt.Errorf("find person %q: %w", wechatID, err)
		}
		if code := newAdminProblem(a, p); code != "" {
			return invalid("wechat_id", code)
		}
		out = Transfer{OldToken: NewToken(), NewToken: NewToken(), NewAdmin: p}
		for token, target := range map[string]int64{out.OldToken: a.AdminPersonID, out.NewToken: p.ID} {
			if err := s.insertScan(ctx, tx, token, PurposeTransferAdmin, accountID, target, req); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// CompleteTransfer spends both confirmed scans and hands the account to the new
// administrator, who leaves the project list (the administrator holds every role). The
// old administrator becomes a plain WeChat identity with no console access unless they
// are added again. A scan that is not confirmed is ErrGone; an administrator who changed
// in the meantime is ErrConflict.
func (s *Store) CompleteTransfer(ctx context.Context, accountID int64, oldToken, newToken string) (Person, error) {
	var out Person
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		old, err := s.consumeScan(ctx, tx, oldToken, PurposeTransferAdmin, accountID)
		if err != nil {
			return err
		}
		nw, err := s.consumeScan(ctx, tx, newToken, PurposeTransferAdmin, accountID)
		if err != nil {
			return err
		}
		if old.TargetPersonID != a.AdminPersonID || old.PersonID != a.AdminPersonID || nw.PersonID != nw.TargetPersonID {
			return ErrConflict
		}
		if out, err = scanPerson(tx.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people WHERE id = ?`, nw.PersonID)); err != nil {
			return err
		}
		if code := newAdminProblem(a, out); code != "" {
			return invalid("wechat_id", code)
		}
		var oldWechatID string
		if err := tx.QueryRowContext(ctx, `SELECT wechat_id FROM people WHERE id = ?`, a.AdminPersonID).Scan(&oldWechatID); err != nil {
			return fmt.Errorf("old administrator of %d: %w", accountID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET admin_person_id = ? WHERE id = ?`, out.ID, accountID); err != nil {
			return fmt.Errorf("transfer administrator of %d: %w", accountID, err)
		}
		if err := endConsoleSessions(ctx, tx, accountID, a.AdminPersonID, "", SessionEndTransfer); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM members WHERE account_id = ? AND person_id = ? AND kind = 'project'`, accountID, out.ID); err != nil {
			return fmt.Errorf("drop new administrator's membership: %w", err)
		}
		return s.logOp(ctx, tx, accountID, a.AdminPersonID, opAdminTransferred, out.WechatID, change(oldWechatID, out.WechatID))
	})
	return out, err
}
