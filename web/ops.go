package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// OpsRegistry lists the open-platform registry with its add form.
func (s *Server) OpsRegistry(c echo.Context) error {
	return s.registryPage(c, http.StatusOK, views.Form{})
}

func (s *Server) registryPage(c echo.Context, status int, f views.Form) error {
	entries, err := s.store.Registry(c.Request().Context())
	if err != nil {
		return err
	}
	return page(c, status, title(c, "ops.registry"), views.OpsRegistryPage(entries, f))
}

// OpsRegistryAdd adds one email to the registry.
func (s *Server) OpsRegistryAdd(c echo.Context) error {
	f := formOf(c, "email")
	err := s.store.AddRegistryEmail(c.Request().Context(), f.V("email"))
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.registryPage(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.flash(c, wxSession, "ops.registry_added")
	return seeOther(c, views.PathOpsRegistry)
}

// OpsRegistryDelete removes one entry.
func (s *Server) OpsRegistryDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteRegistryEmail(c.Request().Context(), id); err != nil {
		return err
	}
	s.flash(c, wxSession, "ops.registry_deleted")
	return seeOther(c, views.PathOpsRegistry)
}

// OpsRegistryDeleteConfirm asks before deleting a registry entry, on a page of its own (the
// dialog of the registry page, for browsers without JavaScript).
func (s *Server) OpsRegistryDeleteConfirm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	entries, err := s.store.Registry(c.Request().Context())
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.ID == id {
			confirm := views.RegistryDeleteConfirm(c.Request().Context(), e)
			return page(c, http.StatusOK, confirm.Title, views.ConfirmActionPage(confirm))
		}
	}
	return echo.ErrNotFound
}
