package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// SandboxWordsEdit opens the content-security word list's form on the sandbox page: in
// place for htmx, else the page with it open.
func (s *Server) SandboxWordsEdit(c echo.Context) error {
	return s.sandboxPage(c, http.StatusOK, views.Form{})
}

// SandboxWordsSave replaces the word list (field words, one entry a line) that
// msg_sec_check reads.
func (s *Server) SandboxWordsSave(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "words")
	words, err := store.ParseSecurityWords(f.V("words"))
	if err == nil {
		err = s.store.SetSecurityWords(c.Request().Context(), acc.Account.ID, acc.Person.ID, words)
	}
	return s.sandboxResult(c, err, f, "security.words_saved")
}

// sandboxResult ends a form of the sandbox page: 422 with the errors, or a flash and 303.
func (s *Server) sandboxResult(c echo.Context, err error, f views.Form, flash string) error {
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.sandboxPage(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.flash(c, consoleSession, flash)
	return seeOther(c, views.PathSandbox)
}

// SandboxWhitelistMode sets the IP whitelist's mode (field whitelist_mode): strict or
// log-only; the administrator's alone (store.ActWhitelistMode).
func (s *Server) SandboxWhitelistMode(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "whitelist_mode")
	err := s.store.SetWhitelistMode(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("whitelist_mode"))
	return s.sandboxResult(c, err, f, "sbx.wl_saved")
}

// sandboxExtras are the whitelist mode and word list sections of the sandbox page, with
// f's values and errors; the word list's form is open on its own GET or when its post
// failed.
func (s *Server) sandboxExtras(c echo.Context, f views.Form) (views.SandboxExtras, error) {
	ctx := c.Request().Context()
	id := access(c).Account.ID
	mode, err := s.store.WhitelistModeOf(ctx, id)
	if err != nil {
		return views.SandboxExtras{}, err
	}
	words, err := s.store.SecurityWords(ctx, id)
	if err != nil {
		return views.SandboxExtras{}, err
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
	if _, typed := f.Values["words"]; !typed {
		f.Values["words"] = store.FormatSecurityWords(words)
	}
	open := c.Request().Method == http.MethodGet && c.Path() == views.PathSandboxWords
	return views.SandboxExtras{WhitelistMode: mode, Words: words, WordsOpen: open, Form: f}, nil
}
