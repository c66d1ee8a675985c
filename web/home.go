package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// Home is the account's overview: name, IDs, subject, filing, authentication and what it
// still lacks.
func (s *Server) Home(c echo.Context) error {
	b, err := s.store.BasicInfoOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "home.title"), views.HomePage(b, views.TodoFor(b)))
}
