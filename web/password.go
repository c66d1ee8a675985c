package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// PasswordPage is the account-password form.
func (s *Server) PasswordPage(c echo.Context) error {
	return s.passwordForm(c, http.StatusOK, views.Form{})
}

func (s *Server) passwordForm(c echo.Context, status int, f views.Form) error {
	return page(c, status, title(c, "password.title"), views.PasswordPage(f))
}

// PasswordUpdate changes the account password; every other console session of the account
// is deleted with it, this one carries on.
func (s *Server) PasswordUpdate(c echo.Context) error {
	acc := access(c)
	err := s.store.ChangeAccountPassword(c.Request().Context(), acc.Account.ID, acc.Person.ID, s.session(c, consoleSession).ID,
		store.PasswordChange{Current: c.FormValue("current_password"), New: c.FormValue("password"), Confirm: c.FormValue("password_confirm")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.passwordForm(c, http.StatusUnprocessableEntity, views.Form{Errors: ve.Fields})
	} else if err != nil {
		return err
	}
	s.flash(c, consoleSession, "password.changed")
	return seeOther(c, views.PathHome)
}
