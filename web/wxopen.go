package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// WxAppEnvOpen opens a mini program's version as WeChat does when a person scans its code
// or finds it by search (SPEC §12): GET /wx/apps/{appid}?env=release|trial|develop (release
// when env is absent). It is a GET because a QR code holds it; opening issues a js_code
// and counts the visit, which nothing else could abuse. The store decides which version the
// person gets (the phased-release hash rule included) or why not.
func (s *Server) WxAppEnvOpen(c echo.Context) error {
	ctx := c.Request().Context()
	env := c.QueryParam("env")
	if env == "" {
		env = store.EnvRelease
	}
	o, code, err := s.store.OpenVersion(ctx, wxPersonOf(c).ID, c.Param("appid"), env)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return page(c, openRefusalStatus(ve.Fields["env"]), title(c, "wx.apps"), views.WxOpenRefusedPage(views.Form{Errors: map[string]string{"": ve.Fields["env"]}}))
	} else if err != nil {
		return err
	}
	icons, err := s.store.IconETags(ctx, o.AppID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store") // a js_code is single use
	return page(c, http.StatusOK, title(c, "wx.apps"), views.WxOpenedPage(o, icons[o.AppID], code))
}

// openRefusalStatus is the status of a refusal to open: 403 for a version that is not the
// person's to open, 422 for an unknown environment, 404 for a version that does not exist.
func openRefusalStatus(code string) int {
	switch code {
	case "env_not_allowed":
		return http.StatusForbidden
	case "env_invalid":
		return http.StatusUnprocessableEntity
	}
	return http.StatusNotFound
}
