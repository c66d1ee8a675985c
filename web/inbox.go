package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// WxInbox lists the project invitations waiting for the signed-in person (SPEC §3).
func (s *Server) WxInbox(c echo.Context) error {
	return s.inboxPage(c, http.StatusOK, views.Form{})
}

func (s *Server) inboxPage(c echo.Context, status int, f views.Form) error {
	invs, err := s.store.Invitations(c.Request().Context(), wxPersonOf(c).ID)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "wx.inbox"), views.WxInboxPage(invs, f))
}

// WxInboxDecide accepts or declines one invitation; only its own person may.
func (s *Server) WxInboxDecide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	decision := c.FormValue("decision")
	if decision != "accept" && decision != "decline" {
		return s.inboxPage(c, http.StatusUnprocessableEntity, views.Form{Errors: map[string]string{"": "decision_invalid"}})
	}
	if err := s.store.DecideInvitation(c.Request().Context(), wxPersonOf(c).ID, id, decision == "accept"); err != nil {
		return err
	}
	notice := "inbox.declined"
	if decision == "accept" {
		notice = "inbox.accepted"
	}
	s.flash(c, wxSession, notice)
	return seeOther(c, views.PathWxInbox)
}
