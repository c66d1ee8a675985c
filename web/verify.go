package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

var verifyFields = []string{"contact_name", "contact_phone", "invoice_title", "name"}

// VerifyPage is /settings/verify: the authentication state, the fee and the form.
func (s *Server) VerifyPage(c echo.Context) error {
	a := access(c).Account
	f := views.Form{Values: map[string]string{"invoice_title": a.Subject.OrgName}}
	if a.Subject.Personal() {
		f.Values["invoice_title"] = a.Subject.AdminName
	}
	return s.verifyPage(c, http.StatusOK, f)
}

func (s *Server) verifyPage(c echo.Context, status int, f views.Form) error {
	b, err := s.store.BasicInfoOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "verify.title"), views.VerifyPage(b, f))
}

// VerifySubmit asks for WeChat authentication (multipart: the qualification document in
// field document). One request at a time; while authenticated, only within 90 days of
// expiry (409 otherwise).
func (s *Server) VerifySubmit(c echo.Context) error {
	acc := access(c)
	file, fh, err := upload(c, "document", store.AuthDocMaxBytes) // before formOf: see upload
	f := formOf(c, verifyFields...)
	form := store.AuthForm{ContactName: f.V("contact_name"), ContactPhone: f.V("contact_phone"),
		InvoiceTitle: f.V("invoice_title"), NewName: f.V("name")}
	switch {
	case errors.Is(err, errTooLarge):
		f.Errors = map[string]string{"document": "document_too_large"}
		return s.verifyPage(c, http.StatusUnprocessableEntity, f)
	case err != nil:
		return err
	case file != nil:
		defer file.Close()
		form.Doc, form.DocName = file, fh.Filename
	}
	err = s.store.SubmitAuthentication(c.Request().Context(), acc.Account.ID, acc.Person.ID, form)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.verifyPage(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.flash(c, consoleSession, "verify.submitted")
	return seeOther(c, views.PathVerify)
}
