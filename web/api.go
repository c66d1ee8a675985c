package web

// The WeChat-compatible API (SPEC §11): JSON only, HTTP 200 even for errors, the real
// errcode/errmsg shape with a request id, no session and no CSRF.

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

// DefaultTokenDailyQuota is the real daily limit of /cgi-bin/token per account.
const DefaultTokenDailyQuota = 2000

// Errcodes about the request's shape, decided here; the store decides the others.
const (
	apiSystemError   = -1
	apiInvalidGrant  = 40002
	apiAppIDMissing  = 41002
	apiSecretMissing = 41004
	apiCodeMissing   = 41008
	apiRequirePost   = 43002
	apiDataFormat    = 47001
)

// The real API's content type and grant types.
const (
	apiContentType    = "application/json; encoding=utf-8"
	apiGrantClient    = "client_credential"
	apiGrantAuthorize = "authorization_code"
)

// apiMessages are the real errmsg texts; " rid: …" is appended to each.
var apiMessages = map[int]string{
	apiSystemError:                  "system error",
	int(store.APIInvalidCredential): "invalid credential, access_token is invalid or not latest",
	apiInvalidGrant:                 "invalid grant_type",
	int(store.APIInvalidAppID):      "invalid appid",
	int(store.APIInvalidCode):       "invalid code",
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
func (s *Server) rid() string {
	b := make([]byte, 8)
	rand.Read(b)
	r := hex.EncodeToString(b)
	return fmt.Sprintf("%08x-%s-%s", uint32(s.store.Now().Unix()), r[:8], r[8:])
}

// apiJSON answers v as the real API does: status 200, its content type, compact JSON.
func apiJSON(c echo.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, apiContentType)
	c.Response().WriteHeader(http.StatusOK)
	_, err = c.Response().Write(b)
	return err
}

type apiErrorBody struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// apiError answers an errcode.
func (s *Server) apiError(c echo.Context, code int, ip netip.Addr) error {
	return apiJSON(c, apiErrorBody{ErrCode: code, ErrMsg: apiErrmsg(code, ip) + " rid: " + s.rid()})
}

// apiFail answers a store error: its errcode, or a logged system error.
func (s *Server) apiFail(c echo.Context, err error, ip netip.Addr) error {
	var code store.APIError
	if errors.As(err, &code) {
		return s.apiError(c, int(code), ip)
	}
	s.log.Error("api call failed", "id", c.Response().Header().Get(echo.HeaderXRequestID), "route", c.Path(), "err", err)
	return s.apiError(c, apiSystemError, ip)
}

// ParseProxies reads --trust-proxy: comma-separated addresses or CIDR prefixes.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trust-proxy: %q is not an address or a prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.opts.TrustProxy {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address the IP whitelist judges: the connection's peer, or, when the
// peer is a trusted proxy, the nearest X-Forwarded-For hop that is not a trusted proxy
// (walking from the right, since each proxy appends). An unreadable hop stops the walk at
// the last trusted address.
func (s *Server) clientIP(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr := ap.Addr().Unmap()
	if !s.trusted(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr
		}
		if addr = a.Unmap(); !s.trusted(addr) {
			return addr
		}
	}
	return addr
}

// apiCall collects the credentials every secret-carrying call presents.
func (s *Server) apiCall(c echo.Context, appid, secret string) store.APICall {
	return store.APICall{AppID: appid, Secret: secret, IP: s.clientIP(c.Request())}
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

// APIToken is GET /cgi-bin/token: a new access token, counted against the daily quota.
func (s *Server) APIToken(c echo.Context) error {
	q := c.QueryParams()
	call := s.apiCall(c, q.Get("appid"), q.Get("secret"))
	if code := requestProblem(q.Get("grant_type"), apiGrantClient, call); code != 0 {
		return s.apiError(c, code, call.IP)
	}
	t, err := s.store.IssueAccessToken(c.Request().Context(), call, s.opts.TokenDailyQuota)
	if err != nil {
		return s.apiFail(c, err, call.IP)
	}
	return apiJSON(c, tokenBody{AccessToken: t.Token, ExpiresIn: t.ExpiresIn})
}

// APIStableToken is POST /cgi-bin/stable_token (a JSON body).
func (s *Server) APIStableToken(c echo.Context) error {
	var in struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	ip := s.clientIP(c.Request())
	if err := json.NewDecoder(c.Request().Body).Decode(&in); err != nil {
		return s.apiError(c, apiDataFormat, ip)
	}
	call := store.APICall{AppID: in.AppID, Secret: in.Secret, IP: ip}
	if code := requestProblem(in.GrantType, apiGrantClient, call); code != 0 {
		return s.apiError(c, code, ip)
	}
	t, err := s.store.StableAccessToken(c.Request().Context(), call, in.ForceRefresh)
	if err != nil {
		return s.apiFail(c, err, ip)
	}
	return apiJSON(c, tokenBody{AccessToken: t.Token, ExpiresIn: t.ExpiresIn})
}

// APIRequirePost answers the POST-only endpoints' other methods.
func (s *Server) APIRequirePost(c echo.Context) error {
	return s.apiError(c, apiRequirePost, s.clientIP(c.Request()))
}

type sessionBody struct {
	SessionKey string `json:"session_key"`
	OpenID     string `json:"openid"`
}

// APICode2Session is GET /sns/jscode2session: a js_code from the simulated WeChat becomes
// the person's openid and a session_key. No unionid: open-platform binding is not
// simulated.
func (s *Server) APICode2Session(c echo.Context) error {
	q := c.QueryParams()
	call := s.apiCall(c, q.Get("appid"), q.Get("secret"))
	if code := requestProblem(q.Get("grant_type"), apiGrantAuthorize, call); code != 0 {
		return s.apiError(c, code, call.IP)
	}
	if q.Get("js_code") == "" {
		return s.apiError(c, apiCodeMissing, call.IP)
	}
	sess, err := s.store.CodeToSession(c.Request().Context(), call, q.Get("js_code"))
	if err != nil {
		return s.apiFail(c, err, call.IP)
	}
	return apiJSON(c, sessionBody{SessionKey: sess.SessionKey, OpenID: sess.OpenID})
}
