package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// Root sends a visitor to the console home, which sends the signed-out to /login.
func (s *Server) Root(c echo.Context) error { return seeOther(c, views.PathHome) }

// LoginPage offers email + password, and scan login.
func (s *Server) LoginPage(c echo.Context) error {
	return s.loginForm(c, http.StatusOK, views.Form{})
}

func (s *Server) loginForm(c echo.Context, status int, f views.Form) error {
	return page(c, status, title(c, "login.title"), views.LoginPage(f))
}

// LoginCreate checks email and password, then asks for a scan; an unfinished
// registration resumes at its step instead (no administrator to scan yet).
func (s *Server) LoginCreate(c echo.Context) error {
	f := formOf(c, "email")
	a, err := s.store.CheckAccountPassword(c.Request().Context(), f.V("email"), c.FormValue("password"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.loginForm(c, loginStatus(ve), f)
	} else if err != nil {
		return err
	}
	if a.Step != store.StepDone {
		mailbox := s.session(c, consoleSession).Values[keyMailbox]
		sess, err := s.renew(c, consoleSession)
		if err != nil {
			return err
		}
		if mailbox != nil {
			sess.Values[keyMailbox] = mailbox // this browser's mailbox survives the new session id
		}
		holdRegistration(sess, a.ID)
		if err := s.save(c, sess); err != nil {
			return err
		}
		return seeOther(c, views.StepPath(a.Step))
	}
	return s.startLoginScan(c, a.ID)
}

// LoginQR starts scan login: a login scan for no account in particular. With renew=1 it
// replaces the pending login's expired or rejected code with a new one for the same
// account, so an email + password login does not turn into a scan login.
func (s *Server) LoginQR(c echo.Context) error {
	var accountID int64
	if c.QueryParam("renew") == "1" {
		accountID = int64Value(s.session(c, consoleSession), keyLoginAccount)
	}
	return s.startLoginScan(c, accountID)
}

func (s *Server) startLoginScan(c echo.Context, accountID int64) error {
	sess := s.session(c, consoleSession)
	sess.Values[keyLoginAccount] = accountID
	delete(sess.Values, keyPickPerson)
	if _, err := s.newScan(c, keyLoginScan, store.PurposeLogin, accountID, 0); err != nil {
		return err
	}
	return seeOther(c, views.PathLoginScan)
}

// LoginScanPage waits for the login scan; once confirmed this GET signs in (or, for scan
// login, shows the accounts the person may pick from).
func (s *Server) LoginScanPage(c echo.Context) error {
	ctx := c.Request().Context()
	sess := s.session(c, consoleSession)
	if person := s.picker(c); person != 0 {
		return s.pickPage(c, http.StatusOK, person, views.Form{})
	}
	token := stringValue(sess, keyLoginScan)
	accountID := int64Value(sess, keyLoginAccount)
	if token == "" {
		return seeOther(c, views.PathLogin)
	}
	sc, err := s.store.ScanFor(ctx, token, store.PurposeLogin, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return seeOther(c, views.PathLogin)
	} else if err != nil {
		return err
	}
	if sc.State(s.store.NowFor(sc.AccountID)) == "confirmed" {
		person, err := s.store.CompleteLogin(ctx, token, accountID)
		if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
			return page(c, http.StatusForbidden, title(c, "login.title"), views.LoginPage(views.Form{Errors: ve.Fields}))
		} else if errors.Is(err, store.ErrGone) {
			return seeOther(c, views.PathLogin)
		} else if err != nil {
			return err
		}
		delete(sess.Values, keyLoginScan)
		if accountID == 0 {
			sess.Values[keyPickPerson] = person
			sess.Values[keyPickUntil] = s.store.Now().Add(store.ScanTTL).Unix()
			if err := s.save(c, sess); err != nil {
				return err
			}
			return seeOther(c, views.PathLoginScan)
		}
		a, err := s.store.AccountByID(ctx, accountID)
		if err != nil {
			return err
		}
		if err := s.signIn(c, a, person); err != nil {
			return err
		}
		return seeOther(c, views.PathHome)
	}
	v := s.scanView(c, token, sc, views.PathLoginScan, views.PathLoginQR+"?renew=1")
	return page(c, http.StatusOK, title(c, "login.scan_title"), views.LoginScanPage(v))
}

// picker is the person who confirmed a scan login and may still pick an account (for
// ScanTTL after the scan), or 0.
func (s *Server) picker(c echo.Context) int64 {
	sess := s.session(c, consoleSession)
	if s.store.Now().Unix() >= int64Value(sess, keyPickUntil) {
		return 0
	}
	return int64Value(sess, keyPickPerson)
}

func (s *Server) pickPage(c echo.Context, status int, person int64, f views.Form) error {
	ctx := c.Request().Context()
	choices, err := s.store.AccountChoices(ctx, person)
	if err != nil {
		return err
	}
	appids := make([]string, len(choices))
	for i, ch := range choices {
		appids[i] = ch.Account.AppID
	}
	icons, err := s.store.IconETags(ctx, appids...)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "login.pick_title"), views.PickAccountPage(choices, icons, f))
}

// LoginPick ends scan login with the account the person picked; their roles there are
// checked again now.
func (s *Server) LoginPick(c echo.Context) error {
	ctx := c.Request().Context()
	person := s.picker(c)
	if person == 0 {
		return seeOther(c, views.PathLogin)
	}
	id, _ := strconv.ParseInt(c.FormValue("account"), 10, 64)
	acc, err := s.store.AccessOf(ctx, id, person)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !acc.Roles.Can(store.ActView)) {
		return s.pickPage(c, http.StatusUnprocessableEntity, person, views.Form{Errors: map[string]string{"account": "not_a_member"}})
	} else if err != nil {
		return err
	}
	if err := s.signIn(c, acc.Account, person); err != nil {
		return err
	}
	return seeOther(c, views.PathHome)
}

// loginStatus is 429 for a locked login (SPEC §6, §13), 422 for a wrong one.
func loginStatus(ve *store.ValidationError) int {
	if ve.Fields[""] == "login_locked" {
		return http.StatusTooManyRequests
	}
	return http.StatusUnprocessableEntity
}

// signIn starts a console session for person in account under a new session id.
func (s *Server) signIn(c echo.Context, a store.Account, person int64) error {
	sess, err := s.renew(c, consoleSession)
	if err != nil {
		return err
	}
	sess.Values[keyAccount] = a.ID
	sess.Values[keyPerson] = person
	return s.save(c, sess)
}

// Logout ends the console session: its row is deleted, so a copy of the cookie opens
// nothing any more.
func (s *Server) Logout(c echo.Context) error {
	if err := s.end(c, consoleSession); err != nil {
		return err
	}
	return seeOther(c, views.PathLogin)
}
