// Package wxapi is the WeChat-compatible API (SPEC §11): JSON only, HTTP 200 even for
// errcodes, the real errcode/errmsg shape with a request id, no session and no CSRF. It
// owns its URL prefixes, and every error under them, including an unknown path or a wrong
// method, is answered as JSON by HandleError.
package wxapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// DefaultTokenDailyQuota is the real daily limit of /cgi-bin/token per account.
const DefaultTokenDailyQuota = 2000

// The grant types of the real API.
const (
	apiGrantClient    = "client_credential"
	apiGrantAuthorize = "authorization_code"
)

// prefixes are the URL prefixes the API owns, each an Echo group of its own; later
// surfaces (/sandbox) are added here. /ci answers in a shape of its own (ciupload.go).
var prefixes = []string{"/cgi-bin", "/sns", "/wxa", "/wxaapi", "/datacube", ciPrefix}

// The methods that answer the real 43002 on a POST-only endpoint, and 43001 on a GET-only
// one that takes an access token.
var (
	notPost = []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete}
	notGet  = []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
)

// Options are the API's settings from the command line.
type Options struct {
	// TokenDailyQuota is how many /cgi-bin/token calls an account gets a day (0: 2,000,
	// the real limit).
	TokenDailyQuota int
	// Logger receives the failures; nil discards.
	Logger *slog.Logger
	// BaseURL is the server's absolute root (--base-url), which mini-program codes hold.
	BaseURL string
	// Observe, when set, is told each journaled call's endpoint and errcode (observe.go).
	Observe func(endpoint, errcode string)
}

// API answers the WeChat-compatible endpoints from the store.
type API struct {
	store   *store.Store
	log     *slog.Logger
	quota   int
	baseURL string
	// paths are the endpoints quota/get knows, read from the routes once mounted.
	paths map[string]bool
	// onCall is Options.Observe.
	onCall func(endpoint, errcode string)
}

// New builds the API around a store.
func New(st *store.Store, opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.TokenDailyQuota <= 0 {
		opts.TokenDailyQuota = DefaultTokenDailyQuota
	}
	return &API{store: st, log: opts.Logger, quota: opts.TokenDailyQuota, baseURL: opts.BaseURL, onCall: opts.Observe}
}

// Mount registers the API's groups on e (groups without middleware, so Echo adds no
// catch-all routes: an unknown path stays a 404 and a wrong method a 405 for HandleError).
// The calls behind an access token carry RequireToken as route middleware. Journal runs in
// front of every route (it passes the other surfaces by), so that unknown paths and wrong
// methods are journaled too.
func (a *API) Mount(e *echo.Echo) {
	e.Use(a.Journal)
	cgi := e.Group("/cgi-bin")
	cgi.GET("/token", a.Token)
	a.post(cgi, "/stable_token", a.StableToken)
	a.post(cgi, "/message/subscribe/send", a.SubscribeSend, a.RequireToken)
	a.post(cgi, "/wxaapp/createwxaqrcode", a.CreateQRCode, a.RequireToken)
	sns := e.Group("/sns")
	sns.GET("/jscode2session", a.Code2Session)
	wxa := e.Group("/wxa")
	a.post(wxa, "/business/getuserphonenumber", a.PhoneNumber, a.RequireToken)
	a.post(wxa, "/getwxacodeunlimit", a.WXACodeUnlimit, a.RequireToken)
	a.post(wxa, "/getwxacode", a.WXACode, a.RequireToken)
	a.post(wxa, "/msg_sec_check", a.MsgSecCheck, a.RequireToken)
	tmpl := e.Group("/wxaapi/newtmpl")
	tmpl.GET("/gettemplate", a.GetTemplates, a.RequireToken)
	tmpl.Match(notGet, "/gettemplate", a.RequireGet)
	a.post(tmpl, "/addtemplate", a.AddTemplate, a.RequireToken)
	a.post(tmpl, "/deltemplate", a.DeleteTemplate, a.RequireToken)
	a.post(cgi, "/openapi/rid/get", a.RidGet, a.RequireToken)
	a.post(cgi, "/openapi/quota/get", a.QuotaGet, a.RequireToken)
	a.post(cgi, "/clear_quota", a.ClearQuota, a.RequireToken)
	e.Group(ciPrefix+"/v1").POST("/upload", a.CIUpload)
	datacube := e.Group("/datacube")
	a.post(datacube, "/getweanalysisappiddailysummarytrend", a.DailySummary, a.RequireToken)
	a.post(datacube, "/getweanalysisappiddailyvisittrend", a.DailyVisitTrend, a.RequireToken)
	a.paths = knownPaths(e)
}

// post registers a POST-only endpoint, whose other methods answer the real 43002.
func (a *API) post(g *echo.Group, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
	g.POST(path, h, m...)
	g.Match(notPost, path, a.RequirePost)
}

// callIP is the address the IP whitelist judges: Echo's RealIP, which follows
// X-Forwarded-For only from the trusted proxies the server was told of.
func callIP(c echo.Context) netip.Addr {
	a, err := netip.ParseAddr(c.RealIP())
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// requestProblem is the errcode of a call whose grant_type is not want or that lacks its
// appid or secret, checked in the real API's order; 0 when the request is well formed.
func requestProblem(grant, want string, call store.APICall) int {
	switch {
	case grant != want:
		return apiInvalidGrant
	case call.AppID == "":
		return apiAppIDMissing
	case call.Secret == "":
		return apiSecretMissing
	}
	return 0
}

type tokenBody struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// Token is GET /cgi-bin/token: a new access token, counted against the daily quota.
func (a *API) Token(c echo.Context) error {
	q := c.QueryParams()
	call := store.APICall{AppID: q.Get("appid"), Secret: q.Get("secret"), IP: callIP(c), Note: callNote(c)}
	if code := requestProblem(q.Get("grant_type"), apiGrantClient, call); code != 0 {
		return a.fail(c, code, call.IP)
	}
	t, err := a.store.IssueAccessToken(c.Request().Context(), call, a.quota)
	if err != nil {
		return a.failWith(c, err, call.IP)
	}
	return writeJSON(c, http.StatusOK, tokenBody{AccessToken: t.Token, ExpiresIn: t.ExpiresIn})
}

// StableToken is POST /cgi-bin/stable_token (a JSON body).
func (a *API) StableToken(c echo.Context) error {
	var in struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	ip := callIP(c)
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return a.fail(c, apiDataFormat, ip)
	}
	call := store.APICall{AppID: in.AppID, Secret: in.Secret, IP: ip, Note: callNote(c)}
	if code := requestProblem(in.GrantType, apiGrantClient, call); code != 0 {
		return a.fail(c, code, ip)
	}
	t, err := a.store.StableAccessToken(c.Request().Context(), call, in.ForceRefresh)
	if err != nil {
		return a.failWith(c, err, ip)
	}
	return writeJSON(c, http.StatusOK, tokenBody{AccessToken: t.Token, ExpiresIn: t.ExpiresIn})
}

// RequirePost answers the other methods of the POST-only endpoints with the real 43002.
func (a *API) RequirePost(c echo.Context) error {
	return a.fail(c, apiRequirePost, callIP(c))
}

// RequireGet answers the other methods of a GET-only endpoint with the real 43001.
func (a *API) RequireGet(c echo.Context) error {
	return a.fail(c, apiRequireGet, callIP(c))
}

type sessionBody struct {
	SessionKey string `json:"session_key"`
	OpenID     string `json:"openid"`
}

// Code2Session is GET /sns/jscode2session: a js_code from the simulated WeChat becomes the
// person's openid and a session_key. No unionid: open-platform binding is not simulated.
func (a *API) Code2Session(c echo.Context) error {
	q := c.QueryParams()
	call := store.APICall{AppID: q.Get("appid"), Secret: q.Get("secret"), IP: callIP(c), Note: callNote(c)}
	if code := requestProblem(q.Get("grant_type"), apiGrantAuthorize, call); code != 0 {
		return a.fail(c, code, call.IP)
	}
	if q.Get("js_code") == "" {
		return a.fail(c, apiCodeMissing, call.IP)
	}
	sess, err := a.store.CodeToSession(c.Request().Context(), call, q.Get("js_code"))
	if err != nil {
		return a.failWith(c, err, call.IP)
	}
	return writeJSON(c, http.StatusOK, sessionBody{SessionKey: sess.SessionKey, OpenID: sess.OpenID})
}
