package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// WxAppServicesPage is what the opened mini program asks of the person: the phone number
// and its subscription offers. Only someone who opened it gets here (403 otherwise).
func (s *Server) WxAppServicesPage(c echo.Context) error {
	return s.wxServicesPage(c, http.StatusOK, views.WxServicesView{})
}

func (s *Server) wxServicesPage(c echo.Context, status int, v views.WxServicesView) error {
	ctx := c.Request().Context()
	me := wxPersonOf(c)
	v.AppID = c.Param("appid")
	offers, err := s.store.MessageOffers(ctx, me.ID, v.AppID)
	if err != nil {
		return err
	}
	a, err := s.store.AccountByAppID(ctx, v.AppID)
	if err != nil {
		return err
	}
	icons, err := s.store.IconETags(ctx, v.AppID)
	if err != nil {
		return err
	}
	v.Name, v.IconETag, v.Phone, v.Offers = a.Name, icons[v.AppID], me.Phone, offers
	return page(c, status, title(c, "sim.services"), views.WxAppServicesPage(v))
}

// WxAppPhoneShare is the person tapping "share my phone number": the answer shows the
// one-time code the mini program sends its server (getuserphonenumber). It is shown once,
// so the answer is the page itself, not a redirect.
func (s *Server) WxAppPhoneShare(c echo.Context) error {
	code, err := s.store.SharePhone(c.Request().Context(), wxPersonOf(c).ID, c.Param("appid"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return s.wxServicesPage(c, http.StatusUnprocessableEntity, views.WxServicesView{Form: views.Form{Errors: ve.Fields}})
	} else if err != nil {
		return err
	}
	return s.wxServicesPage(c, http.StatusOK, views.WxServicesView{Code: &code})
}

// WxAppSubscribe accepts one template (field template_id) once: the mini program's server
// may send the person one message of it.
func (s *Server) WxAppSubscribe(c echo.Context) error {
	appid := c.Param("appid")
	if err := s.store.AcceptSubscription(c.Request().Context(), wxPersonOf(c).ID, appid, c.FormValue("template_id")); err != nil {
		return err
	}
	s.flash(c, wxSession, "sim.subscribed")
	return seeOther(c, views.PathWxAppServices(appid))
}
