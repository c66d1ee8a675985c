package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// WxAppsPage lists the mini programs the signed-in person may open, with their versions.
func (s *Server) WxAppsPage(c echo.Context) error {
	return s.wxAppsPage(c, http.StatusOK, views.Form{})
}

func (s *Server) wxAppsPage(c echo.Context, status int, f views.Form) error {
	ctx := c.Request().Context()
	apps, err := s.store.WxApps(ctx, wxPersonOf(c).ID)
	if err != nil {
		return err
	}
	q := c.QueryParam("q")
	found, err := s.store.SearchReleased(ctx, q)
	if err != nil {
		return err
	}
	var appids []string
	for _, a := range apps {
		appids = append(appids, a.AppID)
	}
	for _, a := range found {
		appids = append(appids, a.AppID)
	}
	icons, err := s.store.IconETags(ctx, appids...)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "wx.apps"), views.WxAppsPage(apps, icons, f, q, found))
}

// WxAppOpen opens a mini program (field version: online or trial, default the first the
// person may open) and shows the fresh js_code wx.login would give it.
func (s *Server) WxAppOpen(c echo.Context) error {
	ctx := c.Request().Context()
	appid := c.Param("appid")
	code, err := s.store.OpenApp(ctx, wxPersonOf(c).ID, appid, c.FormValue("version"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.wxAppsPage(c, http.StatusUnprocessableEntity, views.Form{Errors: ve.Fields})
	} else if err != nil {
		return err
	}
	a, err := s.store.AccountByAppID(ctx, appid)
	if err != nil {
		return err
	}
	icons, err := s.store.IconETags(ctx, appid)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "wx.apps"), views.WxCodePage(a.Name, appid, icons[appid], code))
}
