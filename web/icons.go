package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// BasicIconSave takes the icon as a multipart upload (field icon). The format is judged by
// the bytes and the 2 MB limit on the file itself, answered as 422 icon_too_large next to
// the field (not the 413 of the global body limit).
func (s *Server) BasicIconSave(c echo.Context) error {
	acc := access(c)
	file, _, err := upload(c, "icon", store.IconMaxBytes)
	switch {
	case errors.Is(err, errTooLarge):
		err = &store.ValidationError{Fields: map[string]string{"icon": "icon_too_large"}}
	case err != nil: // a malformed body: the error handler answers 400
	case file == nil:
		err = &store.ValidationError{Fields: map[string]string{"icon": "icon_format"}}
	default:
		defer file.Close()
		err = s.store.SetIcon(c.Request().Context(), acc.Account.ID, acc.Person.ID, file)
	}
	return s.basicSaved(c, views.ItemIcon, views.Form{}, err)
}

// IconServe serves an account's icon to anyone (mini program lists show it) with an ETag
// and Last-Modified, so browsers revalidate instead of downloading it again.
func (s *Server) IconServe(c echo.Context) error {
	ic, err := s.store.IconByAppID(c.Request().Context(), c.Param("appid"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", ic.ETag)
	h.Set("Cache-Control", "no-cache")
	h.Set(echo.HeaderContentType, "image/png")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(c.Response(), c.Request(), "icon.png", ic.UpdatedAt, bytes.NewReader(ic.PNG))
	return nil
}

// errTooLarge says an upload is over its limit.
var errTooLarge = errors.New("upload too large")

// multipartSlack is room for the other fields and the part headers of a multipart body.
const multipartSlack = 64 << 10

// upload opens the file of a multipart field; no file gives nil, nil, nil. A body nobody
// has read yet (htmx sends the CSRF token in a header) is capped at max plus room for the
// other fields, so an oversized upload is refused before it is read in full; a body the
// CSRF check already parsed is judged by the file's size. Call it before any
// c.FormValue, which would parse the body without the cap.
func upload(c echo.Context, field string, max int64) (multipart.File, *multipart.FileHeader, error) {
	r := c.Request()
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(c.Response(), r.Body, max+multipartSlack)
	}
	fh, err := c.FormFile(field)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, nil, errTooLarge
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return nil, nil, nil
	case err != nil:
		return nil, nil, echo.NewHTTPError(http.StatusBadRequest, "malformed upload")
	case fh.Size > max:
		return nil, nil, errTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, nil, err
	}
	return f, fh, nil
}
