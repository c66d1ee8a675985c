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
	apiTokenMissing  = 41001
	apiAppIDMissing  = 41002
	apiSecretMissing = 41004
	apiCodeMissing   = 41008
	apiRequireGet    = 43001
	apiRequirePost   = 43002
	apiEmptyBody     = 44002
	apiDataFormat    = 47001
)

// Texts of one endpoint that differ from the table below, as the real API words them.
const (
	msgMissingTID = "missing parameter tid"                              // addtemplate without a tid (200014)
	msgQRScancode = "page or path not allow include scancode_time field" // createwxaqrcode's 85096
)

// apiContentType is the real API's content type.
const apiContentType = "application/json; encoding=utf-8"

// apiMessages are the real errmsg texts; " rid: …" is appended to each.
// No English capture was found for 20001, 20002, 200012 and 200021: theirs follow the
// wording of their neighbours.
var apiMessages = map[int]string{
	apiSystemError:                  "system error",
	int(store.APIInvalidCredential): "invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r",
	apiInvalidGrant:                 "invalid grant_type",
	int(store.APIInvalidAppID):      "invalid appid",
	int(store.APIInvalidCode):       "invalid code",
	int(store.APICodeUsed):          "code been used",
	int(store.APICodeBlocked):       "code blocked", // no capture found; the doc names it a high-risk user's login blocked
	apiInvalidURL:                   "invalid url",
	int(store.APIInvalidSecret):     "invalid appsecret",
	int(store.APISecretFrozen):      "AppSecret已被冻结，请登录小程序平台解冻后再次调用。",
	apiAppIDMissing:                 "appid missing",
	apiSecretMissing:                "appsecret missing",
	apiCodeMissing:                  "missing code",
	int(store.APITokenExpired):      "access_token expired",
	apiRequirePost:                  "require POST method",
	int(store.APIDailyQuota):        "reach max api daily quota limit",
	int(store.APIMinuteQuota):       "api minute-quota reach limit, must slower, retry next minute",
	apiDataFormat:                   "data format error",
	apiTokenMissing:                 "access_token missing",
	apiRequireGet:                   "require GET method",
	apiEmptyBody:                    "empty post data",
	int(store.APIInvalidOpenID):     "invalid openid",
	int(store.APIInvalidTemplateID): "invalid template_id",
	int(store.APIInvalidArgs):       "invalid args",
	int(store.APIInvalidScene):      "invalid scene",
	int(store.APIInvalidPath):       "invalid length for path, or the data is not json string",
	int(store.APIInvalidSceneLen):   "invalid length for scene, or the data is not json string",
	int(store.APIInvalidPage):       "invalid page",
	int(store.APIUserRefused):       "user refuse to accept the msg",
	int(store.APIOpenIDMismatch):    "The openid does not match the appid",
	int(store.APICodeQuota):         "qrcode count out of limit",
	int(store.APIArgumentInvalid):   "argument invalid!", // failWith answers store.ArgumentError's full text
	int(store.APIVisitExpired):      "code is expired",
	int(store.APIScancodeTime):      "not allow include scancode_time field",
	int(store.APITemplateDelete):    "template not found",
	int(store.APITemplateDelArgs):   "missing parameter priTmplId",
	int(store.APITemplateQuota):     "reach max template count limit",
	int(store.APITemplateTID):       "tid does not exist",
	int(store.APITemplateKids):      "invalid keywords",
	int(store.APITemplateScene):     "invalid parameter sceneDesc",
	int(store.APITemplateExists):    "template has added already",
	int(store.APIDateFormat):        "date format error", // no capture found; the name the notes give it
	int(store.APIDateRange):         "date range error",
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
	if m, ok := apiMessages[code]; ok {
		return m
	}
	return sandboxMessages[code]
}

// newRid is a request id as the real API makes them: the time in hex and 16 random hex
// digits, as three groups of 8.
func (a *API) newRid() string {
	b := make([]byte, 8)
	rand.Read(b)
	r := hex.EncodeToString(b)
	return fmt.Sprintf("%08x-%s-%s", uint32(a.store.Now().Unix()), r[:8], r[8:])
}

// ridKey is where the journal middleware leaves the call's rid.
const ridKey = "wxapi.rid"

// rid is the call's request id: the one the journal records it under.
func (a *API) rid(c echo.Context) string {
	if r, ok := c.Get(ridKey).(string); ok {
		return r
	}
	r := a.newRid()
	c.Set(ridKey, r)
	return r
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

// okStatus is the errcode and errmsg of a successful answer, which its results follow.
var okStatus = errorBody{ErrCode: 0, ErrMsg: "ok"}

// withRid ends an errmsg as the real API does, with the call's rid.
func (a *API) withRid(c echo.Context, msg string) string { return msg + " rid: " + a.rid(c) }

// fail answers an errcode with HTTP 200, as the real API does for every errcode.
func (a *API) fail(c echo.Context, code int, ip netip.Addr) error {
	return a.failText(c, code, apiErrmsg(code, ip))
}

// failText answers an errcode with an errmsg of its own (one endpoint's wording).
func (a *API) failText(c echo.Context, code int, msg string) error {
	return writeJSON(c, http.StatusOK, errorBody{ErrCode: code, ErrMsg: a.withRid(c, msg)})
}

// failWith answers a store error: its errcode (47003 naming the data key), or a logged
// system error.
func (a *API) failWith(c echo.Context, err error, ip netip.Addr) error {
	var arg *store.ArgumentError
	if errors.As(err, &arg) {
		return a.failText(c, int(store.APIArgumentInvalid), arg.Error())
	}
	var refusal *store.Refusal
	if errors.As(err, &refusal) {
		c.Set(refusalKey, refusal)
	}
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
	if isCI(c.Request().URL.Path) {
		a.ciHandleError(status, err, c)
		return
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
	writeJSON(c, status, errorBody{ErrCode: code, ErrMsg: a.withRid(c, msg)})
}
