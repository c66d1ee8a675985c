package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// WxNoticesPage lists the person's service notifications: delivered subscribe messages.
func (s *Server) WxNoticesPage(c echo.Context) error {
	notices, err := s.store.Notices(c.Request().Context(), wxPersonOf(c).ID)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "sim.notices"), views.WxNoticesPage(notices))
}

// WxNoticeOpen is tapping a notice: it opens the mini program in the notice's state
// (formal: the release, trial, developer: the person's own upload) at its page. Opening
// gives a js_code as wx.login would, so the tap is a GET that opens, as a tap in WeChat
// does; a state the person may not open answers 422 with the reason.
func (s *Server) WxNoticeOpen(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	notices, err := s.store.Notices(c.Request().Context(), wxPersonOf(c).ID)
	if err != nil {
		return err
	}
	var n *store.Notice
	for i := range notices {
		if notices[i].ID == id {
			n = &notices[i]
		}
	}
	if n == nil {
		return echo.ErrNotFound
	}
	return s.wxOpenAt(c, n.AppID, views.WxOpenedAtView{Opened: store.Opened{Env: n.Env()}, Page: n.Page, Back: views.PathWxNotices})
}

// wxOpenAt opens appid in v.Opened.Env for the signed-in person and shows where it opened
// (a scanned code is main's WxAppEnvOpen); an environment the person may not open answers
// 422 with the reason.
func (s *Server) wxOpenAt(c echo.Context, appid string, v views.WxOpenedAtView) error {
	ctx := c.Request().Context()
	opened, code, err := s.store.OpenVersion(ctx, wxPersonOf(c).ID, appid, v.Opened.Env)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return page(c, http.StatusUnprocessableEntity, title(c, "wx.apps"), views.WxOpenRefused(ve.Fields["env"], v.Back))
	} else if err != nil {
		return err
	}
	icons, err := s.store.IconETags(ctx, appid)
	if err != nil {
		return err
	}
	v.Opened, v.Code, v.IconETag = opened, code, icons[appid]
	return page(c, http.StatusOK, wxAppTitle(opened), views.WxOpenedAtPage(v))
}

// wxAppTitle is an opened mini program's name, as WeChat titles it.
func wxAppTitle(o store.Opened) string {
	if o.Name != "" {
		return o.Name
	}
	return o.AppID
}
