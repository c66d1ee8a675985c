package wxapi

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// Errcodes about the request's shape, decided here; the store decides the others.
const (
	apiSystemError   = -1
	apiInvalidGrant  = 40002
	apiInvalidURL    = 40066 // what the real API answers for a path it does not have
	apiAppIDMissing  = 41002
	apiSecretMissing = 41004
	apiCodeMissing   = 41008
	apiRequirePost   = 43002
	apiDataFormat    = 47001
)

// apiContentType is the real API's content type.
const apiContentType = "application/json; encoding=utf-8"

// apiMessages are the real errmsg texts; " rid: …" is appended to each.
var apiMessages = map[int]string{
	apiSystemError:                  "system error",
	int(store.APIInvalidCredential): "invalid credential, access_token is invalid or not latest",
	apiInvalidGrant:                 "invalid grant_type",
	int(store.APIInvalidAppID):      "invalid appid",
	int(store.APIInvalidCode):       "invalid code",
	apiInvalidURL:                   "invalid url",
	int(store.APIInvalidSecret):     "invalid appsecret",
	int(store.APISecretFrozen):      "AppSecret已被冻结，请登录小程序平台解冻后再次调用。",
	apiAppIDMissing:                 "appid missing",
	apiSecretMissing:                "appsecret missing",
	apiCodeMissing:                  "missing code",
	int(store.APITokenExpired):      "access_token expired",
	apiRequirePost:                  "require POST method",
	int(store.APIDailyQuota):        "reach max api daily quota limit",
	int(store.APIMinuteQuota):       "api minute-quota reach limit  mustslower  retry next minute",
	apiDataFormat:                   "data format error",
}

// apiErrmsg is the errmsg of code for a call from ip.
func apiErrmsg(code int, ip netip.Addr) string {
	if code == int(store.APIIPNotAllowed) {
		v6 := ip.String()
		if ip.Is4() {
			v6 = "::ffff:" + v6
		}
		return fmt.Sprintf("invalid ip %s ipv6 %s, not in whitelist", ip, v6)
	}
	return apiMessages[code]
}

// rid is the request id the real API ends each errmsg with: the time in hex and 16 random
// hex digits, as three groups of 8.
func (a *API) rid() string {
	b := make([]byte, 8)
	rand.Read(b)
	r := hex.EncodeToString(b)
	return fmt.Sprintf("%08x-%s-%s", uint32(a.store.Now().Unix()), r[:8], r[8:])
}

// writeJSON answers v as the real API does: its content type, compact JSON with no
// trailing newline, never cached (tokens and session keys travel in these answers).
func writeJSON(c echo.Context, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, apiContentType)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	_, err = c.Response().Write(b)
	return err
}

type errorBody struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// fail answers an errcode with HTTP 200, as the real API does for every errcode.
func (a *API) fail(c echo.Context, code int, ip netip.Addr) error {
	return writeJSON(c, http.StatusOK, errorBody{ErrCode: code, ErrMsg: apiErrmsg(code, ip) + " rid: " + a.rid()})
}

// failWith answers a store error: its errcode, or a logged system error.
func (a *API) failWith(c echo.Context, err error, ip netip.Addr) error {
	var code store.APIError
	if errors.As(err, &code) {
		return a.fail(c, int(code), ip)
	}
	a.log.Error("api call failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "route", c.Path(), "err", err)
	return a.fail(c, apiSystemError, ip)
}

// Owns tells whether path belongs to the API, whose errors are JSON whatever happens.
func Owns(path string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// HandleError is the API's answer to an error no handler turned into an errcode: an
// unknown path (404, the real 40066 invalid url), a wrong method (405), a body over the
// limit (413) or a failure (500, logged): JSON of the real shape with the HTTP status kept,
// never the HTML error page.
func (a *API) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status = he.Code
	}
	code, msg := apiSystemError, strings.ToLower(http.StatusText(status))
	switch {
	case status == http.StatusNotFound:
		code, msg = apiInvalidURL, apiMessages[apiInvalidURL]
	case status >= 500:
		msg = apiMessages[apiSystemError]
		a.log.Error("api request failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "method", c.Request().Method,
			"route", c.Path(), "err", err)
	}
	writeJSON(c, status, errorBody{ErrCode: code, ErrMsg: msg + " rid: " + a.rid()})
}
