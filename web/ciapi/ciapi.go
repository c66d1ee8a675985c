// Package ciapi is the code-upload endpoint for CI (SPEC §12): POST /ci/v1/upload with the
// code-upload key, as miniprogram-ci uploads to the real platform. Its answers are JSON of
// its own shape ({"error": code, …}), with the HTTP status saying what happened; no session
// and no CSRF, and every error under /ci, an unknown path included, is JSON too.
package ciapi

import (
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// prefix is the URL prefix this package owns.
const prefix = "/ci"

// uploadFields are the form fields in the order their errors are named first.
var uploadFields = []string{"appid", "robot", "version", "description", "package"}

// API answers /ci from the store.
type API struct {
	store *store.Store
	log   *slog.Logger
}

// New builds the CI endpoint around a store; a nil logger discards.
func New(st *store.Store, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{store: st, log: log}
}

// Mount registers the endpoint (a group without middleware, so Echo adds no catch-all
// routes and an unknown path stays a 404 for HandleError).
func (a *API) Mount(e *echo.Echo) {
	e.Group(prefix+"/v1").POST("/upload", a.Upload)
}

// Owns tells whether path belongs to this package, whose errors are JSON.
func Owns(path string) bool { return path == prefix || strings.HasPrefix(path, prefix+"/") }

// errorBody is every refusal: the code, the address refused (403), the field errors (422).
type errorBody struct {
	Error  string            `json:"error"`
	IP     string            `json:"ip,omitempty"`
	Field  string            `json:"field,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

// Upload stores a development version for CI robot 1–30 of the key's account (SPEC §12):
// the key first (401 invalid_upload_key, the same for an unknown AppID), then the key's
// IP whitelist (403 ip_not_allowed with the address), then the fields (422 with the first
// field's code in error and all of them in fields). The robot's previous development
// version is replaced, as the store does for every uploader.
func (a *API) Upload(c echo.Context) error {
	ctx := c.Request().Context()
	key, _ := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	ip := clientIP(c)
	accountID, err := a.store.CheckUploadKey(ctx, c.FormValue("appid"), strings.TrimSpace(key), ip)
	switch {
	case errors.Is(err, store.ErrUploadKeyInvalid):
		return c.JSON(http.StatusUnauthorized, errorBody{Error: "invalid_upload_key"})
	case errors.Is(err, store.ErrUploadIPDenied):
		return c.JSON(http.StatusForbidden, errorBody{Error: "ip_not_allowed", IP: ip.String()})
	case err != nil:
		return err
	}
	// The store refuses a robot outside 1–30 (robot_invalid); a missing or malformed
	// number is outside too.
	robot, err := strconv.Atoi(c.FormValue("robot"))
	if err != nil || robot == 0 {
		robot = -1
	}
	fh, err := c.FormFile("package")
	if errors.Is(err, http.ErrMissingFile) {
		return invalid(c, map[string]string{"package": "package_invalid"})
	} else if err != nil {
		return err
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	v, err := a.store.Upload(ctx, accountID, store.ByRobot(robot), c.FormValue("version"), c.FormValue("description"), f)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		return invalid(c, ve.Fields)
	} else if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"version_id": v.ID, "version": v.Version, "robot": robot})
}

// invalid answers 422 naming the first field's code, then all of them.
func invalid(c echo.Context, fields map[string]string) error {
	body := errorBody{Error: "invalid", Fields: fields}
	for _, f := range uploadFields {
		if code, ok := fields[f]; ok {
			body.Error, body.Field = code, f
			break
		}
	}
	return c.JSON(http.StatusUnprocessableEntity, body)
}

// clientIP is the address the key's whitelist judges: Echo's RealIP, which follows
// X-Forwarded-For only from the trusted proxies the server was told of.
func clientIP(c echo.Context) netip.Addr {
	a, err := netip.ParseAddr(c.RealIP())
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// HandleError answers an error no handler answered: an unknown path (404), a wrong method
// (405), a body over the server's limit (413) or a failure (500, logged), as JSON with the
// status kept, never the HTML error page.
func (a *API) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	code := strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
	if status >= 500 {
		code = "internal_error"
		a.log.Error("ci request failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "method", c.Request().Method,
			"route", c.Path(), "err", err)
	}
	c.JSON(status, errorBody{Error: code})
}
