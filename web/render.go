package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// The only code that reads htmx headers; handlers ask these helpers instead.

func isFragment(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-Boosted") != "true"
}

// isDialogFetch tells app.js fetching a DialogLink's page to show it in a dialog (htmx's
// HX-Request with X-Dialog): the answer is then the <dialog> alone.
func isDialogFetch(c echo.Context) bool {
	return isFragment(c) && c.Request().Header.Get("X-Dialog") == "true"
}

type layout func(title string, body templ.Component) templ.Component

// The HTML surfaces of SPEC §1.
const (
	surfaceConsole = iota
	surfaceWx
	surfaceOps
)

// surfaceOf tells which surface a path belongs to: its frame and its session follow.
func surfaceOf(path string) int {
	switch {
	case path == "/wx" || strings.HasPrefix(path, "/wx/"):
		return surfaceWx
	case path == "/ops" || strings.HasPrefix(path, "/ops/"):
		return surfaceOps
	}
	return surfaceConsole
}

// layoutFor picks the frame of the surface a path belongs to.
func layoutFor(path string) layout {
	return [...]layout{surfaceConsole: views.Page, surfaceWx: views.WxPage, surfaceOps: views.OpsPage}[surfaceOf(path)]
}

// page answers comp alone to an htmx request, and inside its surface's frame otherwise.
func page(c echo.Context, status int, title string, comp templ.Component) error {
	c.Response().Header().Add("Vary", "HX-Request")
	if !isFragment(c) {
		comp = layoutFor(c.Request().URL.Path)(title, comp)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledPage {
			pageBuffers.Put(buf)
		}
	}()
	if err := comp.Render(c.Request().Context(), buf); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	h.Set("Cache-Control", "no-store")
	h.Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// A page is rendered whole into a buffer and then written at once, with its length: a
// page written as it renders went out in 4 KB chunks, a system call each (a sixth of the
// members page's CPU), and a rendering error half-way left half a page sent with its 200.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage is the largest buffer kept for the next page; a rare huge page's is let go.
const maxPooledPage = 1 << 20

// dialogOrPage answers a DialogLink's page: the page without JavaScript (or to an htmx
// navigation), the dialog alone to app.js's fetch, which shows it over the page it came
// from.
func dialogOrPage(c echo.Context, title string, pageComp, dialog templ.Component) error {
	c.Response().Header().Add("Vary", "X-Dialog")
	if isDialogFetch(c) {
		pageComp = dialog
	}
	return page(c, http.StatusOK, title, pageComp)
}

// seeOther ends a successful form post: 303 for a browser, HX-Redirect for htmx.
func seeOther(c echo.Context, to string) error {
	if isFragment(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// title translates a page title in the request's language.
func title(c echo.Context, id string) string {
	return views.T(c.Request().Context(), id)
}

// formOf collects the named fields of the request, as typed, for re-rendering.
func formOf(c echo.Context, names ...string) views.Form {
	f := views.Form{Values: map[string]string{}}
	for _, n := range names {
		f.Values[n] = c.FormValue(n)
	}
	return f
}

// pathID is the numeric :id of a route; anything else there is a 404.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, echo.ErrNotFound
	}
	return id, nil
}
