package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// SessionsPage lists the browsers where the signed-in person is signed in to this
// account (SPEC §6): every member manages their own.
func (s *Server) SessionsPage(c echo.Context) error {
	acc := access(c)
	list, err := s.store.MemberSessions(c.Request().Context(), acc.Account.ID, acc.Person.ID, s.session(c, consoleSession).ID)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "sessions.title"), views.SessionsPage(list))
}

// SessionEnd signs out one of the person's browsers; another person's is 404.
func (s *Server) SessionEnd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	if err := s.store.EndMemberSession(c.Request().Context(), acc.Account.ID, acc.Person.ID, id); err != nil {
		return err
	}
	s.flash(c, consoleSession, "sessions.ended")
	return seeOther(c, views.PathSessions)
}

// SessionsEndOthers signs out every browser of the person in this account but this one.
func (s *Server) SessionsEndOthers(c echo.Context) error {
	acc := access(c)
	if err := s.store.EndOtherMemberSessions(c.Request().Context(), acc.Account.ID, acc.Person.ID, s.session(c, consoleSession).ID); err != nil {
		return err
	}
	s.flash(c, consoleSession, "sessions.others_ended")
	return seeOther(c, views.PathSessions)
}
