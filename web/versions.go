package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// VersionsPage is version management (SPEC §12): every member sees it; the forms show to
// the roles that may use them.
func (s *Server) VersionsPage(c echo.Context) error {
	return s.versionsPage(c, http.StatusOK, views.VersionsView{})
}

func (s *Server) versionsPage(c echo.Context, status int, v views.VersionsView) error {
	acc := access(c)
	p, err := s.store.VersionsOf(c.Request().Context(), acc.Account.ID)
	if err != nil {
		return err
	}
	v.Page = p
	if p.Trial != nil {
		v.TrialURL = s.opts.BaseURL + views.PathWxAppEnv(acc.Account.AppID, "trial")
		v.TrialQR = qrDataURL(v.TrialURL)
	}
	return page(c, status, title(c, "versions.title"), views.VersionsPage(v))
}

// versionsDone ends a post of one of the page's forms. Success: a flash and 303 back to
// the page (HX-Redirect for htmx). A refusal: the page again with 422, a field's error in
// the form that failed (form), a page-level one — and basic_info_incomplete with what is
// missing — in the alert at the top.
func (s *Server) versionsDone(c echo.Context, err error, f views.Form, form func(*views.VersionsView) *views.Form, notice string) error {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		if err != nil {
			return err
		}
		s.flash(c, consoleSession, notice)
		return seeOther(c, views.PathVersions)
	}
	f.Errors = ve.Fields
	var v views.VersionsView
	if _, pageLevel := ve.Fields[""]; pageLevel || form == nil {
		v.Alert = f
	} else {
		*form(&v) = f
	}
	if ie := (*store.IncompleteError)(nil); errors.As(err, &ie) {
		v.Missing = ie.Missing
	}
	return s.versionsPage(c, http.StatusUnprocessableEntity, v)
}

// VersionUpload uploads a development version by form (multipart version, description,
// optional package); it replaces the person's previous upload. The rules are the store's.
func (s *Server) VersionUpload(c echo.Context) error {
	acc := access(c)
	f := formOf(c, "version", "description")
	var pkg io.Reader
	switch fh, err := c.FormFile("package"); {
	case err == nil:
		file, err := fh.Open()
		if err != nil {
			return err
		}
		defer file.Close()
		pkg = file
	case !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		return err
	}
	_, err := s.store.Upload(c.Request().Context(), acc.Account.ID, store.ByPerson(acc.Person.ID), f.V("version"), f.V("description"), pkg)
	return s.versionsDone(c, err, f, func(v *views.VersionsView) *views.Form { return &v.Upload }, "versions.uploaded")
}

// VersionTrial makes a development version the trial version.
func (s *Server) VersionTrial(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	err = s.store.SetTrial(c.Request().Context(), acc.Account.ID, acc.Person.ID, id)
	return s.versionsDone(c, err, views.Form{}, nil, "versions.trial_set")
}

// VersionDelete deletes a development version; the trial, review and online versions stay.
func (s *Server) VersionDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	err = s.store.DeleteVersion(c.Request().Context(), acc.Account.ID, acc.Person.ID, id)
	return s.versionsDone(c, err, views.Form{}, nil, "versions.deleted")
}

// VersionDeleteConfirm asks before a deletion on a page of its own (without JavaScript).
func (s *Server) VersionDeleteConfirm(c echo.Context) error {
	v, err := s.devVersion(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return page(c, http.StatusOK, title(c, "versions.delete_title"), views.ConfirmActionPage(views.VersionDeleteConfirm(ctx, v)))
}

// devVersion is the :id development version or trial version of the account; anything
// else is a 404.
func (s *Server) devVersion(c echo.Context) (store.Version, error) {
	id, err := pathID(c)
	if err != nil {
		return store.Version{}, err
	}
	p, err := s.store.VersionsOf(c.Request().Context(), access(c).Account.ID)
	if err != nil {
		return store.Version{}, err
	}
	all := p.Dev
	if p.Trial != nil {
		all = append(all, *p.Trial)
	}
	i := slices.IndexFunc(all, func(v store.Version) bool { return v.ID == id })
	if i < 0 {
		return store.Version{}, echo.ErrNotFound
	}
	return all[i], nil
}

// VersionPackage downloads a version's code package (those who may upload, SPEC §12).
func (s *Server) VersionPackage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	acc := access(c)
	f, err := s.store.DownloadPackage(c.Request().Context(), acc.Account.ID, acc.Person.ID, id)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/zip", f.Data)
}
