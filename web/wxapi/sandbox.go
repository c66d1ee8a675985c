package wxapi

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// The errcodes of rid/get, quota/get and clear_quota, with their real texts (SPEC §18).
const (
	apiRidNotFound    = 76001
	apiRidInvalid     = 76002
	apiRidForbidden   = 76003
	apiCgiPathUnknown = 76021
	apiCgiPathDenied  = 76022
)

// sandboxMessages are their errmsg texts, which apiErrmsg reads after apiMessages.
var sandboxMessages = map[int]string{
	apiRidNotFound:                "rid not found",
	apiRidInvalid:                 "rid is error",
	apiRidForbidden:               "could not query this rid,no permission",
	apiCgiPathUnknown:             "cgi_path not found, please check",
	apiCgiPathDenied:              "could not use this cgi_path，no permission",
	int(store.APIClearQuotaLimit): "forbid to clear quota because of reaching the limit",
}

// ridShape is a rid as the API makes them: three groups of 8 lowercase hex digits.
var ridShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`)

type ridRequest struct {
	InvokeTime   int64  `json:"invoke_time"`
	CostInMS     int64  `json:"cost_in_ms"`
	RequestURL   string `json:"request_url"`
	RequestBody  string `json:"request_body"`
	ResponseBody string `json:"response_body"`
	ClientIP     string `json:"client_ip"`
}

type ridBody struct {
	errorBody
	Request ridRequest `json:"request"`
}

// RidGet is POST /cgi-bin/openapi/rid/get: what the journal holds of one of the account's
// calls, masked. Only the same account may ask (76003); a rid older than 7 days or
// unknown is 76001, a malformed one 76002.
func (a *API) RidGet(c echo.Context) error {
	var in struct {
		Rid string `json:"rid"`
	}
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	if !ridShape.MatchString(in.Rid) {
		return a.sandboxRefuse(c, apiRidInvalid)
	}
	ctx := c.Request().Context()
	e, err := a.store.JournalEntryOf(ctx, AccountID(c), in.Rid)
	if errors.Is(err, store.ErrNotFound) {
		a.store.FlushJournal()
		e, err = a.store.JournalEntryOf(ctx, AccountID(c), in.Rid)
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a.sandboxRefuse(c, apiRidNotFound)
	case errors.Is(err, store.ErrForbidden):
		return a.sandboxRefuse(c, apiRidForbidden)
	case err != nil:
		return a.failWith(c, err, callIP(c))
	}
	a.count(c, AccountID(c), nil)
	return writeJSON(c, http.StatusOK, ridBody{errorBody: okStatus, Request: ridRequest{InvokeTime: e.At.Unix(), CostInMS: e.CostMS,
		RequestURL: e.RequestURL, RequestBody: e.RequestBody, ResponseBody: e.ResponseBody, ClientIP: e.ClientIP}})
}

type quotaBody struct {
	errorBody
	Quota struct {
		DailyLimit int `json:"daily_limit"`
		Used       int `json:"used"`
		Remain     int `json:"remain"`
	} `json:"quota"`
}

// QuotaGet is POST /cgi-bin/openapi/quota/get: today's use of one endpoint (cgi_path,
// the path with its leading slash and without the host). A path the API does not have is
// 76021; /sns/ paths, which the real platform does not report, 76022.
func (a *API) QuotaGet(c echo.Context) error {
	var in struct {
		CgiPath string `json:"cgi_path"`
	}
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	switch {
	case strings.HasPrefix(in.CgiPath, "/sns/"):
		return a.sandboxRefuse(c, apiCgiPathDenied)
	case !a.paths[in.CgiPath]:
		return a.sandboxRefuse(c, apiCgiPathUnknown)
	}
	q, err := a.store.APIQuotaOf(c.Request().Context(), AccountID(c), in.CgiPath, a.quota)
	if err != nil {
		return a.failWith(c, err, callIP(c))
	}
	a.count(c, AccountID(c), nil)
	out := quotaBody{errorBody: okStatus}
	out.Quota.DailyLimit, out.Quota.Used, out.Quota.Remain = q.DailyLimit, q.Used, q.Remain
	return writeJSON(c, http.StatusOK, out)
}

// ClearQuota is POST /cgi-bin/clear_quota (body appid): today's /cgi-bin/token count back
// to zero, 10 times a calendar month (48006), for the token's own AppID only (40013).
func (a *API) ClearQuota(c echo.Context) error {
	var in struct {
		AppID string `json:"appid"`
	}
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	if in.AppID == "" {
		return a.refuse(c, apiAppIDMissing, "")
	}
	if err := a.store.ClearQuota(c.Request().Context(), AccountID(c), in.AppID); err != nil {
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, okStatus)
}

// sandboxRefuse answers and counts one of the sandbox endpoints' own errcodes.
func (a *API) sandboxRefuse(c echo.Context, code int) error { return a.refuse(c, code, "") }

// knownPaths are the API's endpoints as quota/get names them, read from the routes once
// all are registered (the CI upload is no WeChat endpoint).
func knownPaths(e *echo.Echo) map[string]bool {
	out := map[string]bool{}
	for _, r := range e.Routes() {
		if Owns(r.Path) && !isCI(r.Path) && !strings.ContainsAny(r.Path, ":*") {
			out[r.Path] = true
		}
	}
	return out
}
