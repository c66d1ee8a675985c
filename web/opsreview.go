package web

import (
	"errors"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// OpsQueue is the reviewers' queue of everything waiting for a decision, oldest first.
func (s *Server) OpsQueue(c echo.Context) error {
	return s.opsQueue(c, http.StatusOK, views.OpsFailed{})
}

func (s *Server) opsQueue(c echo.Context, status int, failed views.OpsFailed) error {
	ctx := c.Request().Context()
	items, err := s.store.ReviewQueue(ctx)
	if err != nil {
		return err
	}
	recent, err := s.store.RecentDecisions(ctx, 20)
	if err != nil {
		return err
	}
	return page(c, status, title(c, "ops.queue"), views.OpsQueuePage(items, recent, failed))
}

// OpsDecide approves or rejects one waiting item (decision, reason; a rejection needs a
// reason). The decision is recorded with the operator and the time.
func (s *Server) OpsDecide(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f := formOf(c, "decision", "reason")
	failed := views.OpsFailed{Kind: c.Param("kind"), ID: id, Form: f}
	decision := f.V("decision")
	if decision != "approve" && decision != "reject" {
		failed.Form.Errors = map[string]string{"decision": "decision_invalid"}
		return s.opsQueue(c, http.StatusUnprocessableEntity, failed)
	}
	err = s.store.Decide(c.Request().Context(), failed.Kind, id, wxPersonOf(c).ID, decision == "approve", f.V("reason"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		failed.Form.Errors = ve.Fields
		return s.opsQueue(c, http.StatusUnprocessableEntity, failed)
	} else if err != nil {
		return err
	}
	s.flash(c, wxSession, "ops.decided")
	return seeOther(c, views.PathOps)
}

// OpsAuthDocument lets a reviewer download the qualification document of a request.
func (s *Server) OpsAuthDocument(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	name, typ, data, err := s.store.AuthDocument(c.Request().Context(), id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": name})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, typ, data)
}
