package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// BasicPage is /settings/basic: every member may look, editors get the forms.
func (s *Server) BasicPage(c echo.Context) error {
	return s.basicAnswer(c, http.StatusOK, views.BasicForms{})
}

// basicAnswer shows the page, or to htmx only the item that was posted.
func (s *Server) basicAnswer(c echo.Context, status int, posted views.BasicForms) error {
	b, err := s.store.BasicInfoOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	if posted.Item != "" && isFragment(c) {
		return page(c, status, title(c, "basic.title"), views.BasicSection(posted.Item, b, posted))
	}
	return page(c, status, title(c, "basic.title"), views.BasicPage(b, posted))
}

// basicSaved ends a post of one item: its errors with 422; on success a 303 back to the
// page for a plain post, or the item re-rendered in place for htmx.
func (s *Server) basicSaved(c echo.Context, item string, f views.Form, err error) error {
	var ve *store.ValidationError
	switch {
	case errors.As(err, &ve):
		f.Errors = ve.Fields
		return s.basicAnswer(c, http.StatusUnprocessableEntity, views.BasicForms{Item: item, Form: f})
	case err != nil:
		return err
	case !isFragment(c):
		s.flash(c, consoleSession, "basic.saved")
		return seeOther(c, views.PathBasic)
	}
	return s.basicAnswer(c, http.StatusOK, views.BasicForms{Item: item, Saved: true})
}

// BasicNameSave renames the account (rules and quota in store.SetName).
func (s *Server) BasicNameSave(c echo.Context) error {
	f := formOf(c, "name")
	acc := access(c)
	err := s.store.SetName(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("name"))
	return s.basicSaved(c, views.ItemName, f, err)
}

// BasicIntroSave changes the introduction.
func (s *Server) BasicIntroSave(c echo.Context) error {
	f := formOf(c, "intro")
	acc := access(c)
	err := s.store.SetIntro(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("intro"))
	return s.basicSaved(c, views.ItemIntro, f, err)
}

// BasicCategoryAdd adds a service category from the built-in tree.
func (s *Server) BasicCategoryAdd(c echo.Context) error {
	f := formOf(c, "first", "second")
	acc := access(c)
	err := s.store.AddCategory(c.Request().Context(), acc.Account.ID, acc.Person.ID, f.V("first"), f.V("second"))
	return s.basicSaved(c, views.ItemCategories, f, err)
}

// BasicCategoryDelete removes one of the account's categories.
func (s *Server) BasicCategoryDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	err = s.store.DeleteCategory(c.Request().Context(), acc.Account.ID, acc.Person.ID, id)
	return s.basicSaved(c, views.ItemCategories, views.Form{}, err)
}

// BasicNameEdit opens the name's form: in place for htmx, else the page with it open.
func (s *Server) BasicNameEdit(c echo.Context) error { return s.basicEdit(c, views.ItemName) }

// BasicIconEdit opens the icon's upload form.
func (s *Server) BasicIconEdit(c echo.Context) error { return s.basicEdit(c, views.ItemIcon) }

// BasicIntroEdit opens the introduction's form.
func (s *Server) BasicIntroEdit(c echo.Context) error { return s.basicEdit(c, views.ItemIntro) }

// BasicCategoryPicker opens the category picker at its first step, or at its second with
// ?first= (the step htmx fetches when the first select changes, and the no-JS "next").
func (s *Server) BasicCategoryPicker(c echo.Context) error {
	f := views.Form{Values: map[string]string{"first": c.QueryParam("first")}}
	return s.basicAnswer(c, http.StatusOK, views.BasicForms{Item: views.ItemCategories, Form: f})
}

func (s *Server) basicEdit(c echo.Context, item string) error {
	return s.basicAnswer(c, http.StatusOK, views.BasicForms{Item: item})
}

// BasicCategoryDeleteConfirm asks before deleting a category, on a page of its own (the
// dialog of the basic page, for browsers without JavaScript).
func (s *Server) BasicCategoryDeleteConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	b, err := s.store.BasicInfoOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	for _, cat := range b.Categories {
		if cat.ID == id {
			confirm := views.CategoryDeleteConfirm(c.Request().Context(), cat)
			return page(c, http.StatusOK, confirm.Title, views.ConfirmActionPage(confirm))
		}
	}
	return echo.ErrNotFound
}
