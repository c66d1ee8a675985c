package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// The automation API's tokens on /dev/sandbox (SPEC §18): made with a name, shown once on a
// page of their own through the store's one-time values (as the AppSecret is), listed
// without the token, and revoked after a confirmation.

// tokenFormKey carries a refused new-token form to the page's render.
const tokenFormKey = "sandbox.token_form"

// sandboxTokensView is the token section of the page, with the form as the request left it.
func (s *Server) sandboxTokensView(c echo.Context) (views.SandboxTokensView, error) {
	tokens, err := s.store.SandboxTokens(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return views.SandboxTokensView{}, err
	}
	f, _ := c.Get(tokenFormKey).(views.Form)
	return views.SandboxTokensView{Tokens: tokens, Form: f, APIBase: s.opts.BaseURL}, nil
}

// SandboxTokenCreate makes a token (field token_name) and sends the browser to its
// one-time page.
func (s *Server) SandboxTokenCreate(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "token_name")
	key, err := s.store.CreateSandboxToken(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("token_name"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		c.Set(tokenFormKey, f)
		return s.sandboxPage(c, http.StatusUnprocessableEntity, views.Form{})
	} else if err != nil {
		return err
	}
	return seeOther(c, views.PathSandboxTokenShow(key))
}

// SandboxTokenShowPage shows the new token once: the store deletes it in the transaction
// that reads it, so any later GET is 410. The language switch is off, as on the AppSecret's.
func (s *Server) SandboxTokenShowPage(c echo.Context) error {
	token, err := s.store.TakeOneTime(c.Request().Context(), store.OneTimeSandboxToken, c.Param("key"), access(c).Account.ID)
	if errors.Is(err, store.ErrGone) {
		return page(c, http.StatusGone, title(c, "sbapi.gone_title"), views.SandboxTokenGonePage())
	} else if err != nil {
		return err
	}
	chromeOf(c).OneTime = true
	return page(c, http.StatusOK, title(c, "sbapi.once_title"), views.SandboxTokenOncePage(token))
}

// SandboxTokenRevokeConfirm asks before a token is revoked (the page without JavaScript).
func (s *Server) SandboxTokenRevokeConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	t, err := s.store.SandboxTokenOf(c.Request().Context(), access(c).Account.ID, id)
	if err != nil {
		return err
	}
	confirm := views.SandboxTokenRevokeConfirm(c.Request().Context(), t)
	return page(c, http.StatusOK, confirm.Title, views.ConfirmActionPage(confirm))
}

// SandboxTokenRevoke revokes a token: its next call is refused.
func (s *Server) SandboxTokenRevoke(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	if err := s.store.RevokeSandboxToken(c.Request().Context(), acc.Account.ID, acc.Person.ID, id); err != nil {
		return err
	}
	s.flash(c, consoleSession, "sbapi.revoked")
	return seeOther(c, views.PathSandbox)
}
