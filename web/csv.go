package web

import (
	"encoding/csv"
	"net/http"

	"github.com/labstack/echo/v4"
)

// utf8BOM starts every CSV download: spreadsheet tools (Excel above all) read a CSV without
// it in the system's legacy code page, which garbles Chinese.
const utf8BOM = "\ufeff"

// csvDownload starts a CSV answer named filename: the headers, the byte-order mark, and a
// writer for the rows (the caller flushes it and checks its Error).
func csvDownload(c echo.Context, filename string) (*csv.Writer, error) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	if _, err := c.Response().Write([]byte(utf8BOM)); err != nil {
		return nil, err
	}
	w := csv.NewWriter(c.Response())
	w.UseCRLF = true // RFC 4180, which spreadsheet tools expect
	return w, nil
}
