// Package sandboxapi is the sandbox's automation API, /sandbox/v1 (SPEC §18): JSON only,
// a bearer token of one account on every call but the OpenAPI document, no session and no
// CSRF. Errors are {"error":{"code":…,"message":…}} with stable codes, and every error under
// the prefix, an unknown path included, is answered so by HandleError. The operations call
// the same store functions as the console and the simulated WeChat, so their rules hold.
package sandboxapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// Prefix is the API's URL prefix.
const Prefix = "/sandbox/v1"

// accountKey is where RequireToken leaves the token's account.
const accountKey = "sandboxapi.account"

// The stable error codes besides the store's field codes (SPEC §18; openapi.json lists them).
const (
	codeMissingToken   = "missing_token"   // 401: no Authorization header
	codeMalformedToken = "malformed_token" // 401: not "Bearer <token>"
	codeInvalidToken   = "invalid_token"   // 401: unknown or revoked token
	codeInvalidJSON    = "invalid_json"    // 400: a body that is not the operation's JSON
	codeNotFound       = "not_found"       // 404: unknown path, or not the token's account's
	codeMethod         = "method_not_allowed"
	codeForbidden      = "forbidden"
	codeConflict       = "conflict"
	codeTooLarge       = "body_too_large"
	codeInternal       = "internal"
)

// API answers /sandbox/v1 from the store.
type API struct {
	store *store.Store
	log   *slog.Logger
}

// New builds the API around a store; log receives the failures.
func New(st *store.Store, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{store: st, log: log}
}

// Mount registers the API as one group without middleware (so an unknown path stays
// Echo's 404 for HandleError); each operation carries RequireToken itself. The routes are
// the paths of openapi.json, which a test holds them to.
func (a *API) Mount(e *echo.Echo) {
	g := e.Group(Prefix)
	g.GET("/openapi.json", a.OpenAPI)
	g.POST("/people", a.CreatePerson, a.RequireToken)
	g.POST("/members", a.AddMember, a.RequireToken)
	g.POST("/login-codes", a.LoginCode, a.RequireToken)
	g.POST("/phone-codes", a.PhoneCode, a.RequireToken)
	g.POST("/subscriptions", a.Subscribe, a.RequireToken)
	g.GET("/notices", a.Notices, a.RequireToken)
	g.GET("/clock", a.Clock, a.RequireToken)
	g.POST("/clock", a.MoveClock, a.RequireToken)
	g.GET("/faults", a.Faults, a.RequireToken)
	g.POST("/faults", a.AddFault, a.RequireToken)
	g.DELETE("/faults/:id", a.DeleteFault, a.RequireToken)
	g.GET("/journal", a.Journal, a.RequireToken)
	g.POST("/snapshots", a.Snapshot, a.RequireToken)
	g.POST("/snapshots/:id/restore", a.Restore, a.RequireToken)
}

// Owns tells whether path is the API's.
func Owns(path string) bool { return path == Prefix || strings.HasPrefix(path, Prefix+"/") }

// apiError is the body of every error.
type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Field   string            `json:"field,omitempty"`  // the first field at fault, by name
	Fields  map[string]string `json:"fields,omitempty"` // every field at fault → its code
}

func fail(c echo.Context, status int, code, message string) error {
	return c.JSON(status, map[string]apiError{"error": {Code: code, Message: message}})
}

// failFields answers a refused input: 422 (400 for a body that is not JSON) naming the
// fields; the code is the first field's, in name order.
func failFields(c echo.Context, status int, fields map[string]string) error {
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	slices.Sort(names)
	e := apiError{Code: fields[names[0]], Field: names[0], Fields: fields}
	e.Message = fmt.Sprintf("%s: %s", e.Field, e.Code)
	return c.JSON(status, map[string]apiError{"error": e})
}

// RequireToken admits a call with a valid bearer token and notes its account. The token
// never reaches a log: the request log names the route only.
func (a *API) RequireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="mpconsole sandbox"`)
		scheme, token, ok := strings.Cut(h, " ")
		switch {
		case h == "":
			return fail(c, http.StatusUnauthorized, codeMissingToken, "send Authorization: Bearer <token>")
		case !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t"):
			return fail(c, http.StatusUnauthorized, codeMalformedToken, "the Authorization header must be Bearer <token>")
		}
		id, name, err := a.store.CheckSandboxToken(c.Request().Context(), token)
		if errors.Is(err, store.ErrSandboxToken) {
			return fail(c, http.StatusUnauthorized, codeInvalidToken, "the token is unknown or revoked")
		} else if err != nil {
			return err
		}
		c.Response().Header().Del(echo.HeaderWWWAuthenticate)
		c.Set(accountKey, id)
		c.SetRequest(c.Request().WithContext(store.WithSandboxToken(c.Request().Context(), name)))
		return next(c)
	}
}

// account is the token's account.
func account(c echo.Context) int64 { id, _ := c.Get(accountKey).(int64); return id }

// bind reads the JSON body into v, refusing unknown fields and wrong types with 400 naming
// the field; handled says the answer is written.
func bind(c echo.Context, v any) (handled bool, err error) {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if errors.Is(err, io.EOF) {
		err = nil // an empty body: every field absent
	}
	if err == nil {
		return false, nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return true, failFields(c, http.StatusBadRequest, map[string]string{te.Field: codeInvalidJSON})
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return true, failFields(c, http.StatusBadRequest, map[string]string{strings.Trim(f, `"`): "unknown_field"})
	}
	return true, fail(c, http.StatusBadRequest, codeInvalidJSON, "the body must be a JSON object")
}

// answer turns a store error into the API's error, renaming fields as the operation names
// them (the store's "wechat_id" is the query's "person" for notices, say).
func (a *API) answer(c echo.Context, err error, rename map[string]string) error {
	var ve *store.ValidationError
	if errors.As(err, &ve) {
		fields := map[string]string{}
		for f, code := range ve.Fields {
			if r, ok := rename[f]; ok {
				f = r
			}
			fields[f] = code
		}
		return failFields(c, http.StatusUnprocessableEntity, fields)
	}
	return err
}

// HandleError answers every error no handler turned into an answer, in the API's shape:
// store sentinels and Echo's own errors (an unknown path 404, a wrong method 405) keep
// their status; anything else is a logged 500 that shows no internals.
func (a *API) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	status, code, msg := http.StatusInternalServerError, codeInternal, "internal error"
	switch {
	case errors.Is(err, store.ErrNotFound):
		status, code, msg = http.StatusNotFound, codeNotFound, "no such object in this account"
	case errors.Is(err, store.ErrForbidden):
		status, code, msg = http.StatusForbidden, codeForbidden, "not allowed"
	case errors.Is(err, store.ErrConflict):
		status, code, msg = http.StatusConflict, codeConflict, "conflict"
	case errors.As(err, &he) && he.Code == http.StatusNotFound:
		status, code, msg = http.StatusNotFound, codeNotFound, "no such path in the automation API"
	case errors.As(err, &he) && he.Code == http.StatusMethodNotAllowed:
		status, code, msg = http.StatusMethodNotAllowed, codeMethod, "this path does not take "+c.Request().Method
	case errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge:
		status, code, msg = http.StatusRequestEntityTooLarge, codeTooLarge, "the body is too large"
	case errors.As(err, &he) && he.Code < 500:
		status, code, msg = he.Code, strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_")), http.StatusText(he.Code)
	}
	if status >= 500 {
		a.log.Error("sandbox api failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "method", c.Request().Method,
			"route", c.Path(), "err", err)
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	fail(c, status, code, msg)
}
