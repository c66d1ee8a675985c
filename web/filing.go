package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

var filingFields = []string{"responsible_name", "responsible_id_number", "responsible_phone", "service_content"}

// FilingPage is /settings/filing: the state, the next step and the form.
func (s *Server) FilingPage(c echo.Context) error {
	return s.filingPage(c, http.StatusOK, views.Form{})
}

func (s *Server) filingPage(c echo.Context, status int, f views.Form) error {
	b, err := s.store.BasicInfoOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	if f.Values == nil {
		fl := b.Filing
		f.Values = map[string]string{"responsible_name": fl.ResponsibleName, "responsible_id_number": fl.ResponsibleIDNumber,
			"responsible_phone": fl.ResponsiblePhone, "service_content": fl.ServiceContent}
	}
	return page(c, status, title(c, "filing.title"), views.FilingPage(b, f))
}

// FilingSave saves the form as a draft (action=save) or submits it for platform review
// (action=submit). A filing in review or filed cannot be edited: 409.
func (s *Server) FilingSave(c echo.Context) error {
	f := formOf(c, filingFields...)
	acc := access(c)
	submit := c.FormValue("action") == "submit"
	err := s.store.SaveFiling(c.Request().Context(), acc.Account.ID, acc.Person.ID, store.FilingForm{
		ResponsibleName: f.V("responsible_name"), ResponsibleIDNumber: f.V("responsible_id_number"),
		ResponsiblePhone: f.V("responsible_phone"), ServiceContent: f.V("service_content")}, submit)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.filingPage(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	msg := "filing.saved"
	if submit {
		msg = "filing.submitted"
	}
	s.flash(c, consoleSession, msg)
	return seeOther(c, views.PathFiling)
}

// FilingWithdraw takes the filing back to draft (until it reaches the authority).
func (s *Server) FilingWithdraw(c echo.Context) error {
	acc := access(c)
	if err := s.store.WithdrawFiling(c.Request().Context(), acc.Account.ID, acc.Person.ID); err != nil {
		return err
	}
	s.flash(c, consoleSession, "filing.withdrawn")
	return seeOther(c, views.PathFiling)
}

// FilingSMSConfirm is the simulated SMS verification: confirming on the filing page
// sends the filing on to the authority.
func (s *Server) FilingSMSConfirm(c echo.Context) error {
	acc := access(c)
	if err := s.store.ConfirmFilingSMS(c.Request().Context(), acc.Account.ID, acc.Person.ID); err != nil {
		return err
	}
	s.flash(c, consoleSession, "filing.sms_confirmed")
	return seeOther(c, views.PathFiling)
}
