package sandboxapi

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDoc is the API's OpenAPI 3 description, written by hand next to the handlers; a
// test calls every operation in it and checks every route is in it, so neither drifts.
//
//go:embed openapi.json
var openAPIDoc []byte

// OpenAPIDoc is the document, for the tests that walk it.
func OpenAPIDoc() []byte { return openAPIDoc }

// OpenAPI is GET /openapi.json, served without a token.
func (a *API) OpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPIDoc)
}
