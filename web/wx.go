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

var signupFields = []string{"wechat_id", "nickname", "real_name", "id_number", "bound_email", "phone", "next"}

// WxSignupPage creates a WeChat identity; next (a scanned code the person signed up for)
// is where the new identity goes afterwards.
func (s *Server) WxSignupPage(c echo.Context) error {
	f := views.Form{Values: map[string]string{"next": safeNext(c.QueryParam("next"))}}
	return s.wxSignupForm(c, http.StatusOK, f)
}

func (s *Server) wxSignupForm(c echo.Context, status int, f views.Form) error {
	return page(c, status, title(c, "wx.signup"), views.WxSignupPage(f))
}

// WxSignup stores the identity, signs it in and goes on to next.
func (s *Server) WxSignup(c echo.Context) error {
	f := formOf(c, signupFields...)
	f.Values["next"] = safeNext(f.V("next"))
	p, err := s.store.CreatePerson(c.Request().Context(), store.NewPerson{WechatID: f.V("wechat_id"), Nickname: f.V("nickname"),
		Password: c.FormValue("password"), RealName: f.V("real_name"), IDNumber: f.V("id_number"), BoundEmail: f.V("bound_email"), Phone: f.V("phone")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.wxSignupForm(c, http.StatusUnprocessableEntity, f)
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
	return s.wxLoginForm(c, http.StatusOK, views.Form{Values: map[string]string{"next": c.QueryParam("next")}})
}

func (s *Server) wxLoginForm(c echo.Context, status int, f views.Form) error {
	f.Values["next"] = safeNext(f.V("next"))
	return page(c, status, title(c, "wx.login"), views.WxLoginPage(f))
}

// WxLogin checks the WeChat ID and password.
func (s *Server) WxLogin(c echo.Context) error {
	f := formOf(c, "wechat_id", "next")
	p, err := s.store.AuthenticatePerson(c.Request().Context(), f.V("wechat_id"), c.FormValue("password"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.wxLoginForm(c, loginStatus(ve), f)
	} else if err != nil {
		return err
	}
	if err := s.wxSignIn(c, p.ID); err != nil {
		return err
	}
	return seeOther(c, safeNext(f.V("next")))
}

// safeNext keeps the post-login redirect on this server's simulator and ops pages.
func safeNext(next string) string {
	if (strings.HasPrefix(next, "/wx") || strings.HasPrefix(next, "/ops")) && !strings.Contains(next, "//") && !strings.Contains(next, `\`) {
		return next
	}
	return views.PathWx
}

// wxSignIn starts a simulator session for the person under a new session id.
func (s *Server) wxSignIn(c echo.Context, personID int64) error {
	sess, err := s.renew(c, wxSession)
	if err != nil {
		return err
	}
	sess.Values[keyWxPerson] = personID
	return s.save(c, sess)
}

// WxLogout ends the simulator session (the console session is separate): its row is
// deleted, so a copy of the cookie opens nothing any more.
func (s *Server) WxLogout(c echo.Context) error {
	if err := s.end(c, wxSession); err != nil {
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
	v := views.WxScanView{Token: c.Param("token"), Form: f}
	sc, err := s.store.ScanByToken(ctx, v.Token)
	if err != nil {
		return err
	}
	me := wxPersonOf(c)
	v.Scan, v.State = sc, sc.State(s.store.NowFor(sc.AccountID))
	if v.State != "pending" && sc.PersonID != me.ID && status == http.StatusOK {
		status = http.StatusGone
	}
	if v.Refusal, err = s.store.ScanRefusal(ctx, sc, me.ID); err != nil {
		return err
	}
	if sc.AccountID != 0 && v.Refusal == "" {
		if v.Account, err = s.store.AccountByID(ctx, sc.AccountID); err != nil {
			return err
		}
	}
	if v.Label, err = s.scanLabel(c, sc); err != nil {
		return err
	}
	return page(c, status, title(c, "wx.scan"), views.WxScanPage(v))
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
