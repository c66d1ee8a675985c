package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// Console session keys of a pending administrator transfer: the tokens of its two scans.
const (
	keyTransferOld = "transfer_old"
	keyTransferNew = "transfer_new"
)

// TransferCreate starts a change of administrator, or restarts it with fresh codes after
// one expired or was rejected: two transfer_admin scans, for the old and the new one.
func (s *Server) TransferCreate(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "wechat_id")
	tr, err := s.store.StartTransfer(c.Request().Context(), acc.Account.ID, f.V("wechat_id"), requester(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.membersPage(c, http.StatusUnprocessableEntity, views.MembersView{Transfer: f})
	} else if err != nil {
		return err
	}
	sess := s.session(c, consoleSession)
	sess.Values[keyTransferOld], sess.Values[keyTransferNew] = tr.OldToken, tr.NewToken
	if err := s.save(c, sess); err != nil {
		return err
	}
	return seeOther(c, views.PathMembersTransfer)
}

// TransferPage waits for both scans. Once both are confirmed, this GET (a reload or the
// htmx poll) hands the account over, signs the old administrator out and sends them to
// the login page, since they are no longer a member.
func (s *Server) TransferPage(c echo.Context) error {
	ctx := c.Request().Context()
	acc := access(c)
	sess := s.session(c, consoleSession)
	oldToken, newToken := stringValue(sess, keyTransferOld), stringValue(sess, keyTransferNew)
	old, err := s.transferScan(c, oldToken, acc.Account.ID)
	if err != nil {
		return err
	}
	nw, err := s.transferScan(c, newToken, acc.Account.ID)
	if err != nil {
		return err
	}
	if old.ID == 0 || nw.ID == 0 {
		return seeOther(c, views.PathMembers)
	}
	now := s.store.NowFor(acc.Account.ID)
	if old.State(now) == "confirmed" && nw.State(now) == "confirmed" {
		_, err := s.store.CompleteTransfer(ctx, acc.Account.ID, oldToken, newToken)
		delete(sess.Values, keyTransferOld)
		delete(sess.Values, keyTransferNew)
		if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
			s.save(c, sess)
			return s.membersPage(c, http.StatusUnprocessableEntity, views.MembersView{Transfer: views.Form{Errors: ve.Fields}})
		} else if err != nil {
			s.save(c, sess)
			return err
		}
		if err := s.end(c, consoleSession); err != nil {
			return err
		}
		s.flash(c, consoleSession, "transfer.done")
		return seeOther(c, views.PathLogin)
	}
	newAdmin, err := s.store.PersonByID(ctx, nw.TargetPersonID)
	if err != nil {
		return err
	}
	// No Poll or Renew per code: the pair polls and renews as one piece.
	v := views.TransferView{OldAdmin: acc.Person, NewAdmin: newAdmin,
		Old: s.scanView(c, oldToken, old, "", ""), New: s.scanView(c, newToken, nw, "", "")}
	return page(c, http.StatusOK, title(c, "transfer.title"), views.TransferPage(v))
}

// transferScan loads one of the session's transfer scans; a missing token, or one that
// is not a transfer of this account, is the zero Scan.
func (s *Server) transferScan(c echo.Context, token string, accountID int64) (store.Scan, error) {
	if token == "" {
		return store.Scan{}, nil
	}
	sc, err := s.store.ScanFor(c.Request().Context(), token, store.PurposeTransferAdmin, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Scan{}, nil
	}
	return sc, err
}
