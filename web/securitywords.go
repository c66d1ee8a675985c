package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// SecurityWordsEdit opens the content-security word list's form on the credential page.
func (s *Server) SecurityWordsEdit(c echo.Context) error {
	return s.devSettingsPage(c, http.StatusOK, views.Form{}, "words")
}

// SecurityWordsSave replaces the word list (field words, one entry a line) that
// msg_sec_check reads.
func (s *Server) SecurityWordsSave(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "words")
	words, err := store.ParseSecurityWords(f.V("words"))
	if err == nil {
		err = s.store.SetSecurityWords(c.Request().Context(), acc.Account.ID, acc.Person.ID, words)
	}
	return s.devSettingsResult(c, err, f, "security.words_saved")
}
