package wxapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// The CI upload (SPEC §12): POST /ci/v1/upload with the code-upload key, as miniprogram-ci
// uploads to the real platform. Unlike the WeChat-compatible calls its answers are JSON of
// its own shape, {"error": code, …}, with the HTTP status saying what happened; like them it
// has no session and no CSRF token, and every error under /ci is JSON (ciHandleError).

// ciPrefix is the CI surface's URL prefix.
const ciPrefix = "/ci"

// ciFields are the upload's form fields in the order their errors are named first.
var ciFields = []string{"appid", "robot", "version", "description", "package"}

// ciError is every refusal of /ci: the code, the address refused (403), the field errors
// (422: error and field name the first, fields all of them).
type ciError struct {
	Error  string            `json:"error"`
	IP     string            `json:"ip,omitempty"`
	Field  string            `json:"field,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

// ciUploaded is the answer to a successful upload.
type ciUploaded struct {
	VersionID int64  `json:"version_id"`
	Version   string `json:"version"`
	Robot     int    `json:"robot"`
}

// CIUpload stores a development version for CI robot 1–30 of the key's account: the key
// first (401 invalid_upload_key, the same for an unknown AppID, so the answer tells nothing
// about which AppIDs exist), then the key's own IP whitelist (403 ip_not_allowed with the
// address), then the fields and package by the store's rules (422). The robot's previous
// development version is replaced, as for every uploader.
func (a *API) CIUpload(c echo.Context) error {
	ctx := c.Request().Context()
	key, _ := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	ip := callIP(c)
	accountID, err := a.store.CheckUploadKey(ctx, c.FormValue("appid"), strings.TrimSpace(key), ip)
	switch {
	case errors.Is(err, store.ErrUploadKeyInvalid):
		return writeJSON(c, http.StatusUnauthorized, ciError{Error: "invalid_upload_key"})
	case errors.Is(err, store.ErrUploadIPDenied):
		return writeJSON(c, http.StatusForbidden, ciError{Error: "ip_not_allowed", IP: ip.String()})
	case err != nil:
		return err
	}
	// The store refuses a robot outside 1–30 (robot_invalid); a missing or malformed number
	// is outside too.
	robot, err := strconv.Atoi(c.FormValue("robot"))
	if err != nil || robot == 0 {
		robot = -1
	}
	fh, err := c.FormFile("package")
	if errors.Is(err, http.ErrMissingFile) {
		return ciInvalid(c, map[string]string{"package": "package_invalid"})
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
		return ciInvalid(c, ve.Fields)
	} else if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, ciUploaded{VersionID: v.ID, Version: v.Version, Robot: robot})
}

// ciInvalid answers 422 naming the first field's code, then all of them.
func ciInvalid(c echo.Context, fields map[string]string) error {
	body := ciError{Error: "invalid", Fields: fields}
	for _, f := range ciFields {
		if code, ok := fields[f]; ok {
			body.Error, body.Field = code, f
			break
		}
	}
	return writeJSON(c, http.StatusUnprocessableEntity, body)
}

// ciHandleError answers an error no /ci handler answered: an unknown path (404), a wrong
// method (405), a body over the server's limit (413) or a failure (500, logged), in the
// CI shape with the status kept.
func (a *API) ciHandleError(status int, err error, c echo.Context) {
	code := strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
	if status >= 500 {
		code = "internal_error"
		a.log.Error("ci request failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "method", c.Request().Method,
			"route", c.Path(), "err", err)
	}
	writeJSON(c, status, ciError{Error: code})
}

// isCI tells whether path is under the CI surface.
func isCI(path string) bool { return path == ciPrefix || strings.HasPrefix(path, ciPrefix+"/") }
