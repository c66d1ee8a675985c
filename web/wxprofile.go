package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// WxProfilePage shows the signed-in identity's nickname and phone number for editing.
func (s *Server) WxProfilePage(c echo.Context) error {
	p := wxPersonOf(c)
	return s.wxProfileForm(c, http.StatusOK, views.Form{Values: map[string]string{"nickname": p.Nickname, "phone": p.Phone}})
}

func (s *Server) wxProfileForm(c echo.Context, status int, f views.Form) error {
	return page(c, status, title(c, "sim.profile"), views.WxProfilePage(wxPersonOf(c), f))
}

// WxProfileSave stores the nickname and the phone number ("" removes it); the store reads
// the number as people write it and keeps one canonical form.
func (s *Server) WxProfileSave(c echo.Context) error {
	f := formOf(c, "nickname", "phone")
	_, err := s.store.UpdateProfile(c.Request().Context(), wxPersonOf(c).ID, store.Profile{Nickname: f.V("nickname"), Phone: f.V("phone")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.wxProfileForm(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.flash(c, wxSession, "sim.profile_saved")
	return seeOther(c, views.PathWx)
}
