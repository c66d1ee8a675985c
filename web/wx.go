package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// WxHome is the simulated WeChat's "me" page.
func (s *Server) WxHome(c echo.Context) error {
	return page(c, http.StatusOK, title(c, "wx.me"), views.WxHomePage(wxPersonOf(c)))
}

var signupFields = []string{"wechat_id", "nickname", "real_name", "id_number", "bound_email", "next"}

// WxSignupPage creates a WeChat identity; next (a scanned code the person signed up for)
// is where the new identity goes afterwards.
func (s *Server) WxSignupPage(c echo.Context) error {
	f := views.Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"))}}
	return page(c, http.StatusOK, title(c, "wx.signup"), views.WxSignupPage(f))
}

// WxSignup stores the identity, signs it in and goes on to next.
func (s *Server) WxSignup(c echo.Context) error {
	f := formOf(c, signupFields...)
	f.Values["next"] = safeNext(f.V("next"))
	p, err := s.store.CreatePerson(c.Request().Context(), store.NewPerson{WechatID: f.V("wechat_id"), Nickname: f.V("nickname"),
		Password: c.FormValue("password"), RealName: f.V("real_name"), IDNumber: f.V("id_number"), BoundEmail: f.V("bound_email")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return page(c, http.StatusUnprocessableEntity, title(c, "wx.signup"), views.WxSignupPage(f))
	} else if err != nil {
		return err
	}
	if err := s.wxSignIn(c, p.ID); err != nil {
		return err
	}
	return seeOther(c, f.V("next"))
}

// WxLoginPage signs in to the simulator; next says where to go back to.
func (s *Server) WxLoginPage(c echo.Context) error {
	f := views.Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"))}}
	return page(c, http.StatusOK, title(c, "wx.login"), views.WxLoginPage(f))
}

// WxLogin checks the WeChat ID and password.
func (s *Server) WxLogin(c echo.Context) error {
	f := formOf(c, "wechat_id", "next")
	f.Values["next"] = safeNext(f.V("next"))
	p, err := s.store.AuthenticatePerson(c.Request().Context(), f.V("wechat_id"), c.FormValue("password"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return page(c, http.StatusUnprocessableEntity, title(c, "wx.login"), views.WxLoginPage(f))
	} else if err != nil {
		return err
	}
	if err := s.wxSignIn(c, p.ID); err != nil {
		return err
	}
	return seeOther(c, f.V("next"))
}

// safeNext keeps the post-login redirect on this server's simulator and ops pages.
func safeNext(next string) string {
	if (strings.HasPrefix(next, "/wx") || strings.HasPrefix(next, "/ops")) && !strings.Contains(next, "//") && !strings.Contains(next, `\`) {
		return next
	}
	return views.PathWx
}

func (s *Server) wxSignIn(c echo.Context, personID int64) error {
	sess := s.session(c, wxSession)
	sess.Values[keyWxPerson] = personID
	return s.save(c, sess)
}

// WxLogout ends the simulator session (the console session is separate).
func (s *Server) WxLogout(c echo.Context) error {
	sess := s.session(c, wxSession)
	delete(sess.Values, keyWxPerson)
	if err := s.save(c, sess); err != nil {
		return err
	}
	return seeOther(c, views.PathWxLogin)
}

// WxScanPage shows what a scanned code asks: the purpose, the account and who asks.
func (s *Server) WxScanPage(c echo.Context) error {
	return s.wxScanPage(c, http.StatusOK, views.Form{})
}

func (s *Server) wxScanPage(c echo.Context, status int, f views.Form) error {
	ctx := c.Request().Context()
	token := c.Param("token")
	sc, err := s.store.ScanByToken(ctx, token)
	if err != nil {
		return err
	}
	var acct store.Account
	if sc.AccountID != 0 {
		if acct, err = s.store.AccountByID(ctx, sc.AccountID); err != nil {
			return err
		}
	}
	me := wxPersonOf(c)
	state := sc.State(s.store.Now())
	if state != "pending" && sc.PersonID != me.ID && status == http.StatusOK {
		status = http.StatusGone
	}
	label, err := s.scanLabel(c, sc)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "wx.scan"), views.WxScanPage(token, sc, state, acct, label, f))
}

// scanLabel names what a scan asks, for the phone. A freeze_secret scan freezes an active
// AppSecret and unfreezes a frozen one, so the phone says which.
func (s *Server) scanLabel(c echo.Context, sc store.Scan) (string, error) {
	if sc.Purpose != store.PurposeFreezeSecret {
		return "scan.purpose." + sc.Purpose, nil
	}
	sec, err := s.store.AppSecretOf(c.Request().Context(), sc.AccountID)
	if err != nil {
		return "", err
	}
	if sec.Pending == store.SecretActive || (sec.Pending == "" && sec.State == store.SecretFrozen) {
		return "scan.purpose.unfreeze_secret", nil
	}
	return "scan.purpose.freeze_secret", nil
}

// WxScanDecide confirms or rejects a scan as the signed-in person.
func (s *Server) WxScanDecide(c echo.Context) error {
	decision := c.FormValue("decision")
	if decision != "confirm" && decision != "reject" {
		return s.wxScanPage(c, http.StatusUnprocessableEntity, views.Form{Errors: map[string]string{"decision": "decision_invalid"}})
	}
	token := c.Param("token")
	_, err := s.store.DecideScan(c.Request().Context(), token, wxPersonOf(c).ID, decision == "confirm")
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.wxScanPage(c, http.StatusUnprocessableEntity, views.Form{Errors: ve.Fields})
	} else if errors.Is(err, store.ErrGone) {
		return s.wxScanPage(c, http.StatusGone, views.Form{Errors: map[string]string{"": "scan_gone"}})
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathWxScan(token))
}
