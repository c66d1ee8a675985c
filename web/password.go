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
	return page(c, http.StatusOK, title(c, "password.title"), views.PasswordPage(views.Form{}))
}

// PasswordUpdate changes the account password; every other console session of the account
// ends, this one carries on under the new epoch.
func (s *Server) PasswordUpdate(c echo.Context) error {
	acc := access(c)
	epoch, err := s.store.ChangeAccountPassword(c.Request().Context(), acc.Account.ID, acc.Person.ID, store.PasswordChange{
		Current: c.FormValue("current_password"), New: c.FormValue("password"), Confirm: c.FormValue("password_confirm")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return page(c, http.StatusUnprocessableEntity, title(c, "password.title"), views.PasswordPage(views.Form{Errors: ve.Fields}))
	} else if err != nil {
		return err
	}
	acc.Account.SessionEpoch = epoch
	if err := s.signIn(c, acc.Account, acc.Person.ID); err != nil {
		return err
	}
	s.flash(c, consoleSession, "password.changed")
	return seeOther(c, views.PathHome)
}
