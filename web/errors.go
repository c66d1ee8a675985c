package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
	"mpconsole/web/sandboxapi"
	"mpconsole/web/wxapi"
)

// handleError turns every error a handler returns into a status and a page: store
// sentinels to 404/409/410/403/422, echo's own errors to theirs, anything else to a 500
// that is logged with the request id and shows no internals. Under the API's prefixes the
// API answers instead, in JSON.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if wxapi.Owns(c.Request().URL.Path) {
		s.api.HandleError(err, c)
		return
	}
	if sandboxapi.Owns(c.Request().URL.Path) {
		s.sbapi.HandleError(err, c)
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	var ve *store.ValidationError
	switch {
	case errors.Is(err, store.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, store.ErrConflict):
		status = http.StatusConflict
	case errors.Is(err, store.ErrGone):
		status = http.StatusGone
	case errors.Is(err, store.ErrForbidden):
		status = http.StatusForbidden
	case errors.As(err, &ve):
		status = http.StatusUnprocessableEntity
	case errors.As(err, &he):
		status = he.Code
	}
	if status >= 500 {
		s.log.Error("request failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "method", c.Request().Method,
			"route", c.Path(), "err", err) // the route pattern: paths carry tokens
	}
	ctx := c.Request().Context()
	if chromeOf(c).Path == "" {
		// No route ran the chrome (an unknown path or method): the page still speaks the
		// visitor's language.
		ctx = views.WithChrome(views.WithLanguage(ctx, s.language(c)), &views.Chrome{Path: c.Request().URL.Path})
		c.SetRequest(c.Request().WithContext(ctx))
	}
	page(c, status, views.StatusText(ctx, status), views.ErrorPage(status, ""))
}

// forbidden is the 403 page naming the roles an action needs (SPEC §9).
func forbidden(c echo.Context, a store.Action) error {
	ctx := c.Request().Context()
	return page(c, http.StatusForbidden, views.StatusText(ctx, http.StatusForbidden), views.ForbiddenPage(store.RolesFor(a)))
}
