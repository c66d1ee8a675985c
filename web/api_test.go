package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// apiResp is any answer of the WeChat-compatible API.
type apiResp struct {
	Status      int
	ContentType string
	Raw         string
	ErrCode     int    `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	OpenID      string `json:"openid"`
	SessionKey  string `json:"session_key"`
	UnionID     string `json:"unionid"`
}

func (e *env) apiDo(t *testing.T, hc *http.Client, method, path, body string) apiResp {
	t.Helper()
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := apiResp{Status: res.StatusCode, ContentType: res.Header.Get("Content-Type"), Raw: string(raw)}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s answered no JSON: %d %s", method, path, res.StatusCode, raw)
	}
	if out.Status != http.StatusOK || out.ContentType != "application/json; encoding=utf-8" {
		t.Fatalf("%s %s: status %d, content type %q; want 200 and the real API's JSON", method, path, out.Status, out.ContentType)
	}
	return out
}

func (e *env) apiGet(t *testing.T, path string) apiResp { return e.apiDo(t, nil, "GET", path, "") }

func tokenURL(appid, secret string) string {
	return "/cgi-bin/token?" + url.Values{"grant_type": {"client_credential"}, "appid": {appid}, "secret": {secret}}.Encode()
}

func sessionURL(appid, secret, code string) string {
	return "/sns/jscode2session?" + url.Values{"appid": {appid}, "secret": {secret}, "js_code": {code}, "grant_type": {"authorization_code"}}.Encode()
}

func stableBody(appid, secret string, force bool) string {
	b, _ := json.Marshal(map[string]any{"grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": force})
	return string(b)
}

var ridSuffix = regexp.MustCompile(` rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$`)

// wantAPIErr checks an error answer: the errcode, the real errmsg wording and the rid.
func wantAPIErr(t *testing.T, r apiResp, code int, prefix string) {
	t.Helper()
	if r.ErrCode != code || !strings.HasPrefix(r.ErrMsg, prefix+" rid: ") || !ridSuffix.MatchString(r.ErrMsg) {
		t.Fatalf("got %s; want errcode %d and errmsg %q + rid", r.Raw, code, prefix)
	}
	if r.AccessToken != "" || r.OpenID != "" {
		t.Fatalf("an error answer carries a result: %s", r.Raw)
	}
}

// apiEnv is an account with an AppSecret, its administrator signed in to the simulator.
type apiEnv struct {
	*env
	admin  store.Person
	acct   store.Account
	secret string
}

func newAPIEnv(t *testing.T) *apiEnv {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	return &apiEnv{env: e, admin: admin, acct: a, secret: e.appSecret(a, admin)}
}

// code opens the mini program as p and returns the js_code.
func (e *apiEnv) code(p store.Person) string {
	e.t.Helper()
	c, err := e.st.OpenApp(context.Background(), p.ID, e.acct.AppID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Code
}

// Every errcode of SPEC §11 that the request alone decides, with the real wording.
func TestAPIRequestErrors(t *testing.T) {
	e := newAPIEnv(t)
	other := e.account("other@example.com", e.person("admin_two", "李四"), "personal")
	id, s := e.acct.AppID, e.secret
	for _, tc := range []struct {
		name, method, path, body string
		code                     int
		msg                      string
	}{
		{"token without grant_type", "GET", "/cgi-bin/token?appid=" + id + "&secret=" + s, "", 40002, "invalid grant_type"},
		{"token with another grant_type", "GET", "/cgi-bin/token?grant_type=password&appid=" + id + "&secret=" + s, "", 40002, "invalid grant_type"},
		{"token without appid", "GET", tokenURL("", s), "", 41002, "appid missing"},
		{"token without secret", "GET", tokenURL(id, ""), "", 41004, "appsecret missing"},
		{"token for an unknown appid", "GET", tokenURL("wx0000000000000000", s), "", 40013, "invalid appid"},
		{"token with a wrong secret", "GET", tokenURL(id, strings.Repeat("0", 32)), "", 40125, "invalid appsecret"},
		{"token with a malformed secret", "GET", tokenURL(id, "not-a-secret"), "", 40125, "invalid appsecret"},
		{"token for an app without secret", "GET", tokenURL(other.AppID, s), "", 40125, "invalid appsecret"},
		{"stable_token by GET", "GET", "/cgi-bin/stable_token", "", 43002, "require POST method"},
		{"stable_token with bad JSON", "POST", "/cgi-bin/stable_token", "{", 47001, "data format error"},
		{"stable_token with another grant_type", "POST", "/cgi-bin/stable_token", `{"grant_type":"x","appid":"` + id + `","secret":"` + s + `"}`, 40002, "invalid grant_type"},
		{"stable_token without appid", "POST", "/cgi-bin/stable_token", stableBody("", s, false), 41002, "appid missing"},
		{"stable_token without secret", "POST", "/cgi-bin/stable_token", stableBody(id, "", false), 41004, "appsecret missing"},
		{"stable_token for an unknown appid", "POST", "/cgi-bin/stable_token", stableBody("wx0000000000000000", s, false), 40013, "invalid appid"},
		{"stable_token with a wrong secret", "POST", "/cgi-bin/stable_token", stableBody(id, strings.Repeat("f", 32), false), 40125, "invalid appsecret"},
		{"jscode2session with another grant_type", "GET", "/sns/jscode2session?grant_type=x&appid=" + id + "&secret=" + s + "&js_code=a", "", 40002, "invalid grant_type"},
		{"jscode2session without appid", "GET", sessionURL("", s, "a"), "", 41002, "appid missing"},
		{"jscode2session without secret", "GET", sessionURL(id, "", "a"), "", 41004, "appsecret missing"},
		{"jscode2session without js_code", "GET", sessionURL(id, s, ""), "", 41008, "missing code"},
		{"jscode2session for an unknown appid", "GET", sessionURL("wx0000000000000000", s, "a"), "", 40013, "invalid appid"},
		{"jscode2session with a wrong secret", "GET", sessionURL(id, "0", "a"), "", 40125, "invalid appsecret"},
		{"jscode2session with an unknown code", "GET", sessionURL(id, s, strings.Repeat("a", 32)), "", 40029, "invalid code"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIErr(t, e.apiDo(t, nil, tc.method, tc.path, tc.body), tc.code, tc.msg)
		})
	}
}

// A token call answers a fresh token each time; the previous one works 5 more minutes.
func TestAPITokenOverlap(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	first := e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	if len(first.AccessToken) < 64 || first.ExpiresIn != 7200 || first.ErrCode != 0 {
		t.Fatalf("token answer %s", first.Raw)
	}
	if !regexp.MustCompile(`^\{"access_token":"[A-Za-z0-9_-]+","expires_in":7200\}$`).MatchString(first.Raw) {
		t.Fatalf("the token answer is not byte-compatible: %s", first.Raw)
	}
	second := e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	if second.AccessToken == first.AccessToken {
		t.Fatal("a second call returned the same token")
	}
	e.clock.Advance(5*time.Minute - time.Second)
	if _, err := e.st.CheckAccessToken(ctx, first.AccessToken); err != nil {
		t.Fatalf("the previous token should still work within 5 minutes: %v", err)
	}
	e.clock.Advance(time.Second)
	if _, err := e.st.CheckAccessToken(ctx, first.AccessToken); !errors.Is(err, store.APIInvalidCredential) {
		t.Fatalf("after 5 minutes the previous token should be invalid, got %v", err)
	}
	if _, err := e.st.CheckAccessToken(ctx, second.AccessToken); err != nil {
		t.Fatalf("the newest token should work: %v", err)
	}
}

// The daily quota of /cgi-bin/token (configurable; 2,000 by default) answers 45009 until
// the next platform day (midnight in Beijing).
func TestAPITokenDailyQuota(t *testing.T) {
	e := newAPIEnv(t)
	e.restart(Options{TokenDailyQuota: 3})
	for i := 0; i < 3; i++ {
		if r := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); r.AccessToken == "" {
			t.Fatalf("call %d: %s", i+1, r.Raw)
		}
	}
	wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 45009, "reach max api daily quota limit")
	if r := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, e.secret, false)); r.AccessToken == "" {
		t.Fatalf("stable_token has its own limits: %s", r.Raw)
	}
	e.clock.Advance(6*time.Hour + 59*time.Minute) // 2026-03-10 23:59 in Beijing
	wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 45009, "reach max api daily quota limit")
	e.clock.Advance(time.Minute)
	if r := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); r.AccessToken == "" {
		t.Fatalf("the next day the quota starts again: %s", r.Raw)
	}

	e.restart(Options{})
	e.exec(`UPDATE daily_counts SET token_calls = 1999 WHERE account_id = ? AND day = ?`, e.acct.ID, store.PlatformDay(e.clock.Now()))
	if r := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); r.AccessToken == "" {
		t.Fatalf("call 2,000 of the default quota: %s", r.Raw)
	}
	wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 45009, "reach max api daily quota limit")
}

// stable_token answers the same token with its remaining lifetime; force_refresh a new one.
func TestAPIStableToken(t *testing.T) {
	e := newAPIEnv(t)
	body := stableBody(e.acct.AppID, e.secret, false)
	first := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", body)
	e.clock.Advance(60 * time.Second)
	again := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", body)
	if first.AccessToken == "" || again.AccessToken != first.AccessToken || again.ExpiresIn != 7140 {
		t.Fatalf("stable tokens %s then %s", first.Raw, again.Raw)
	}
	plain := e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	if plain.AccessToken == first.AccessToken {
		t.Fatal("/cgi-bin/token and stable_token share a token")
	}
	forced := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, e.secret, true))
	if forced.AccessToken == first.AccessToken || forced.ExpiresIn != 7200 {
		t.Fatalf("force_refresh: %s", forced.Raw)
	}
	if _, err := e.st.CheckAccessToken(context.Background(), plain.AccessToken); err != nil {
		t.Fatalf("a forced stable refresh must not touch /cgi-bin/token's token: %v", err)
	}
}

// jscode2session: openid per (AppID, person), a fresh session_key, no unionid; a code works
// once, for 5 minutes, for its own app only.
func TestAPICode2Session(t *testing.T) {
	e := newAPIEnv(t)
	other := e.person("member_one", "")
	e.member(e.acct, other, "experience", "", "active")
	code := e.code(e.admin)
	r := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, code))
	if r.ErrCode != 0 || len(r.OpenID) != 28 || len(r.SessionKey) != 24 || strings.Contains(r.Raw, "unionid") {
		t.Fatalf("jscode2session: %s", r.Raw)
	}
	wantAPIErr(t, e.apiGet(t, sessionURL(e.acct.AppID, e.secret, code)), 40029, "invalid code")
	again := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, e.code(e.admin)))
	if again.OpenID != r.OpenID || again.SessionKey == r.SessionKey {
		t.Fatalf("same person: openid %q then %q, session_key %q then %q", r.OpenID, again.OpenID, r.SessionKey, again.SessionKey)
	}
	if m := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, e.code(other))); m.OpenID == r.OpenID || m.OpenID == "" {
		t.Fatalf("another person got openid %q (admin %q)", m.OpenID, r.OpenID)
	}

	expired := e.code(e.admin)
	e.clock.Advance(5 * time.Minute)
	wantAPIErr(t, e.apiGet(t, sessionURL(e.acct.AppID, e.secret, expired)), 40029, "invalid code")

	b := e.account("other@example.com", e.person("admin_two", "李四"), "personal")
	bSecret := e.appSecret(b, mustPerson(t, e.env, "admin_two"))
	wantAPIErr(t, e.apiGet(t, sessionURL(b.AppID, bSecret, e.code(e.admin))), 40029, "invalid code")
	bCode, err := e.st.OpenApp(context.Background(), mustPerson(t, e.env, "admin_two").ID, b.AppID, "")
	if err != nil {
		t.Fatal(err)
	}
	if o := e.apiGet(t, sessionURL(b.AppID, bSecret, bCode.Code)); o.OpenID == "" || o.OpenID == r.OpenID {
		t.Fatalf("openids differ per AppID: %s", o.Raw)
	}
}

func mustPerson(t *testing.T, e *env, wechatID string) store.Person {
	t.Helper()
	p, err := e.st.PersonByWechatID(context.Background(), wechatID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// More than 100 exchanges a minute for one person answer 45011 and spend nothing.
func TestAPICode2SessionMinuteQuota(t *testing.T) {
	e := newAPIEnv(t)
	for i := 0; i < store.JSCodeMinuteLimit; i++ {
		if r := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, e.code(e.admin))); r.OpenID == "" {
			t.Fatalf("call %d: %s", i+1, r.Raw)
		}
	}
	code := e.code(e.admin)
	wantAPIErr(t, e.apiGet(t, sessionURL(e.acct.AppID, e.secret, code)), 45011, "api minute-quota reach limit, must slower, retry next minute")
	e.clock.Advance(time.Minute)
	if r := e.apiGet(t, sessionURL(e.acct.AppID, e.secret, code)); r.OpenID == "" {
		t.Fatalf("the next minute the same code works: %s", r.Raw)
	}
}

// A frozen AppSecret answers 40243 on every call that carries it.
func TestAPIFrozen(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	token, err := e.st.StartSecretFreeze(ctx, e.acct.ID, true, store.Requester{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.DecideScan(ctx, token, e.admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.st.CompleteSecretFreeze(ctx, token, e.acct.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	const msg = "AppSecret已被冻结，请登录小程序平台解冻后再次调用。"
	wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 40243, msg)
	wantAPIErr(t, e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, e.secret, false)), 40243, msg)
	wantAPIErr(t, e.apiGet(t, sessionURL(e.acct.AppID, e.secret, e.code(e.admin))), 40243, msg)
}
