package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// Home is the account's overview: name, IDs, subject and what it still lacks.
func (s *Server) Home(c echo.Context) error {
	acc := access(c)
	return page(c, http.StatusOK, title(c, "home.title"), views.HomePage(acc.Account, views.TodoFor(acc.Account)))
}
