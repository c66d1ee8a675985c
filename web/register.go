package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// RegisterPage is step 1 of the wizard.
func (s *Server) RegisterPage(c echo.Context) error {
	return s.registerForm(c, http.StatusOK, views.Form{})
}

func (s *Server) registerForm(c echo.Context, status int, f views.Form) error {
	return page(c, status, title(c, "register.title"), views.RegisterPage(f))
}

// RegisterCreate stores step 1 and mails the activation link.
func (s *Server) RegisterCreate(c echo.Context) error {
	f := formOf(c, "email", "agree")
	id, err := s.store.Register(c.Request().Context(), store.Registration{
		Email: f.V("email"), Password: c.FormValue("password"), PasswordConfirm: c.FormValue("password_confirm"), Agree: f.V("agree") != "",
	}, s.activationMail(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.registerForm(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.nudgeOutbox()
	sess := s.session(c, consoleSession)
	holdRegistration(sess, id)
	if err := s.save(c, sess); err != nil {
		return err
	}
	return seeOther(c, views.PathActivate)
}

// activationMail words the activation mail in the request's language.
func (s *Server) activationMail(c echo.Context) store.MailFunc {
	ctx := c.Request().Context()
	return func(to, token string) store.Mail {
		link := s.opts.BaseURL + views.PathActivate + "?token=" + url.QueryEscape(token)
		return store.Mail{To: to, Subject: views.T(ctx, "mail.activate.subject"), Link: link,
			Body: views.T(ctx, "mail.activate.body", map[string]any{"Email": to})}
	}
}

// ActivatePage is step 2: without a token it tells where the mail went; with one it
// spends the link, signs this browser into the registration and moves on.
func (s *Server) ActivatePage(c echo.Context) error {
	ctx := c.Request().Context()
	token := c.QueryParam("token")
	if token == "" {
		var email string
		if id := int64Value(s.session(c, consoleSession), keyRegistration); id != 0 {
			if a, err := s.store.AccountByID(ctx, id); err == nil {
				if a.Step != store.StepActivate {
					return seeOther(c, views.StepPath(a.Step))
				}
				email = a.Email
			}
		}
		return page(c, http.StatusOK, title(c, "activate.title"), views.ActivatePage(email, views.Form{Values: map[string]string{"email": email}}))
	}
	a, err := s.store.Activate(ctx, token)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		status := http.StatusGone
		if ve.Fields[""] == "activation_invalid" {
			status = http.StatusNotFound
		}
		email, err := s.store.ActivationEmail(ctx, token)
		if err != nil {
			return err
		}
		f := views.Form{Values: map[string]string{"email": email}, Errors: ve.Fields}
		return page(c, status, title(c, "activate.title"), views.ActivatePage("", f))
	} else if err != nil {
		return err
	}
	sess := s.session(c, consoleSession)
	holdRegistration(sess, a.ID)
	if err := s.save(c, sess); err != nil {
		return err
	}
	return seeOther(c, views.StepPath(a.Step))
}

// ActivationResend mails a fresh activation link.
func (s *Server) ActivationResend(c echo.Context) error {
	f := formOf(c, "email")
	err := s.store.ResendActivation(c.Request().Context(), f.V("email"), s.activationMail(c))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return page(c, http.StatusUnprocessableEntity, title(c, "activate.title"), views.ActivatePage("", f))
	} else if err != nil {
		return err
	}
	s.nudgeOutbox()
	s.flash(c, consoleSession, "activate.resent")
	return seeOther(c, views.PathActivate)
}

// wizard guards a step page: the browser must hold an unfinished registration that has
// reached this step (the subject may be edited again until the administrator is bound).
// Otherwise it is sent to where the registration really is.
func (s *Server) wizard(step string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sess := s.session(c, consoleSession)
			id := int64Value(sess, keyRegistration)
			if id == 0 && int64Value(sess, keyAccount) != 0 {
				// Finishing the wizard signed this browser in (and dropped the registration).
				return seeOther(c, views.PathHome)
			}
			if id == 0 {
				return seeOther(c, views.PathLogin)
			}
			a, err := s.store.AccountByID(c.Request().Context(), id)
			if errors.Is(err, store.ErrNotFound) || (err == nil && a.Abandoned(s.store.Now())) {
				return seeOther(c, views.PathRegister)
			} else if err != nil {
				return err
			}
			if a.Step == store.StepDone {
				return seeOther(c, views.PathHome)
			}
			if a.Step != step && !(step == store.StepSubject && a.Step == store.StepAdmin) {
				return seeOther(c, views.StepPath(a.Step))
			}
			c.Set("registration", a)
			return next(c)
		}
	}
}

func registration(c echo.Context) store.Account { return c.Get("registration").(store.Account) }

var subjectFields = []string{"subject_type", "admin_name", "admin_id_number", "admin_phone", "org_name", "credit_code"}

// SubjectPage is step 3.
func (s *Server) SubjectPage(c echo.Context) error {
	a := registration(c)
	f := views.Form{Values: map[string]string{"subject_type": a.Subject.Type, "admin_name": a.Subject.AdminName,
		"admin_id_number": a.Subject.AdminIDNumber, "admin_phone": a.Subject.AdminPhone, "org_name": a.Subject.OrgName, "credit_code": a.Subject.CreditCode}}
	if f.Values["subject_type"] == "" {
		f.Values["subject_type"] = c.QueryParam("subject_type")
	}
	return page(c, http.StatusOK, title(c, "subject.title"), views.SubjectPage(f))
}

// SubjectSave stores step 3; the per-ID quota is the store's to count.
func (s *Server) SubjectSave(c echo.Context) error {
	f := formOf(c, subjectFields...)
	err := s.store.SaveSubject(c.Request().Context(), registration(c).ID, store.Subject{Type: f.V("subject_type"), AdminName: f.V("admin_name"),
		AdminIDNumber: f.V("admin_id_number"), AdminPhone: f.V("admin_phone"), OrgName: f.V("org_name"), CreditCode: f.V("credit_code")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return page(c, http.StatusUnprocessableEntity, title(c, "subject.title"), views.SubjectPage(f))
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathAdmin)
}

// AdminScanPage is step 4: the bind_admin scan. Once it is confirmed, this GET binds the
// administrator and moves on (SPEC §4).
func (s *Server) AdminScanPage(c echo.Context) error {
	a := registration(c)
	ctx := c.Request().Context()
	sess := s.session(c, consoleSession)
	token := stringValue(sess, keyAdminScan)
	sc, err := s.store.ScanFor(ctx, token, store.PurposeBindAdmin, a.ID)
	if token == "" || errors.Is(err, store.ErrNotFound) || sc.Used {
		if token, err = s.newScan(c, keyAdminScan, store.PurposeBindAdmin, a.ID, 0); err != nil {
			return err
		}
		if sc, err = s.store.ScanByToken(ctx, token); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if sc.State(s.store.NowFor(sc.AccountID)) == "confirmed" {
		err := s.store.CompleteBindAdmin(ctx, token, a.ID)
		if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
			// The per-ID quota filled up since the subject step: the subject must change.
			f := views.Form{Errors: map[string]string{"": ve.Fields["admin_id_number"]}}
			return page(c, http.StatusConflict, title(c, "admin.title"), views.AdminScanPage(a, s.scanView(c, token, sc, "", ""), f))
		} else if err != nil {
			return err
		}
		delete(sess.Values, keyAdminScan)
		if err := s.save(c, sess); err != nil {
			return err
		}
		return seeOther(c, views.PathConfirm)
	}
	v := s.scanView(c, token, sc, views.PathAdmin, views.PathAdmin)
	return page(c, http.StatusOK, title(c, "admin.title"), views.AdminScanPage(a, v, views.Form{}))
}

// AdminScanRenew replaces an expired or rejected bind_admin code with a new one.
func (s *Server) AdminScanRenew(c echo.Context) error {
	if _, err := s.newScan(c, keyAdminScan, store.PurposeBindAdmin, registration(c).ID, 0); err != nil {
		return err
	}
	return seeOther(c, views.PathAdmin)
}

// ConfirmPage is step 5: the subject data shown as final.
func (s *Server) ConfirmPage(c echo.Context) error {
	return s.confirmPage(c, http.StatusOK, views.Form{})
}

func (s *Server) confirmPage(c echo.Context, status int, f views.Form) error {
	a := registration(c)
	admin, err := s.store.PersonByID(c.Request().Context(), a.AdminPersonID)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "confirm.title"), views.ConfirmPage(a, admin, f))
}

// ConfirmSave ends the wizard: AppID issued, administrator signed in, off to /home.
func (s *Server) ConfirmSave(c echo.Context) error {
	if c.FormValue("confirm") == "" {
		return s.confirmPage(c, http.StatusUnprocessableEntity, views.Form{Errors: map[string]string{"confirm": "confirm_required"}})
	}
	a, err := s.store.ConfirmRegistration(c.Request().Context(), registration(c).ID)
	if err != nil {
		return err
	}
	if err := s.signIn(c, a, a.AdminPersonID); err != nil {
		return err
	}
	s.flash(c, consoleSession, "confirm.done")
	return seeOther(c, views.PathHome)
}
