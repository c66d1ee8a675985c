package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// Home is the account's overview: name, IDs, subject, filing, authentication and what it
// still lacks.
func (s *Server) Home(c echo.Context) error {
	ctx := c.Request().Context()
	acc := access(c)
	b, err := s.store.BasicInfoOf(ctx, acc.Account.ID)
	if err != nil {
		return err
	}
	todos := views.TodoFor(b)
	if acc.Roles.Can(store.ActSecret) {
		secret, err := s.store.AppSecretOf(ctx, acc.Account.ID)
		if err != nil {
			return err
		}
		if secret.State == store.SecretNone {
			todos = append(todos, views.Todo{Label: "todo.secret", Path: views.PathDevSettings, Action: store.ActSecret})
		}
	}
	return page(c, http.StatusOK, title(c, "home.title"), views.HomePage(b, todos))
}
