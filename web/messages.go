package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// MessagesPage is 订阅消息: the account's templates and the library (query q filters it).
func (s *Server) MessagesPage(c echo.Context) error {
	ts, err := s.store.MessageTemplates(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	v := views.MessagesView{Templates: ts, Query: c.QueryParam("q")}
	return page(c, http.StatusOK, title(c, "nav.messages"), views.MessagesPage(v))
}

// MessageNewPage is the form for library template tid (404 for a tid the library lacks).
func (s *Server) MessageNewPage(c echo.Context) error {
	f := views.Form{Values: map[string]string{"tid": c.QueryParam("tid")}}
	v := messageNewView(f)
	if !v.Known {
		return echo.ErrNotFound
	}
	return page(c, http.StatusOK, title(c, "messages.add_title"), views.MessageNewPage(v))
}

// messageNewView finds the form's template in the library.
func messageNewView(f views.Form) views.MessageNewView {
	v := views.MessageNewView{Form: f}
	tid, err := strconv.Atoi(f.V("tid"))
	if err != nil {
		return v
	}
	for _, t := range store.MessageLibrary {
		if t.TID == tid {
			v.Template, v.Known = t, true
		}
	}
	return v
}

// MessageCreate adds the template (fields tid, kids multi-valued in the order ticked,
// scene_desc); the store applies SPEC §17's rules and answers them as field errors.
func (s *Server) MessageCreate(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "tid", "scene_desc")
	params, _ := c.FormParams()
	var kids []int
	for _, k := range params["kids"] {
		n, err := strconv.Atoi(k)
		if err != nil {
			n = -1 // not a kid of any template: the store refuses it as keywords_invalid
		}
		kids = append(kids, n)
	}
	f.Values["kids"] = strings.Join(params["kids"], " ")
	tid, err := strconv.Atoi(strings.TrimSpace(f.V("tid")))
	if err != nil {
		tid = 0 // no library template has it: template_invalid
	}
	_, err = s.store.AddMessageTemplateAs(c.Request().Context(), acc.Account.ID, acc.Person.ID, tid, kids, f.V("scene_desc"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return page(c, http.StatusUnprocessableEntity, title(c, "messages.add_title"), views.MessageNewPage(messageNewView(f)))
	} else if err != nil {
		return err
	}
	s.flash(c, consoleSession, "messages.added")
	return seeOther(c, views.PathMessages)
}

// MessageDeleteConfirm asks before a template is removed (the page without JavaScript).
func (s *Server) MessageDeleteConfirm(c echo.Context) error {
	ts, err := s.store.MessageTemplates(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.PriTmplID == c.Param("id") {
			confirm := views.MessageRemoveConfirm(c.Request().Context(), t)
			return page(c, http.StatusOK, confirm.Title, views.ConfirmActionPage(confirm))
		}
	}
	return echo.ErrNotFound
}

// MessageDelete removes the template and the subscriptions people gave it.
func (s *Server) MessageDelete(c echo.Context) error {
	acc := access(c)
	if err := s.store.DeleteMessageTemplateAs(c.Request().Context(), acc.Account.ID, acc.Person.ID, c.Param("id")); err != nil {
		return err
	}
	s.flash(c, consoleSession, "messages.removed")
	return seeOther(c, views.PathMessages)
}
