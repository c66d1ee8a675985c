package web

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/miniprogram"
	"github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/util"
)

// toServer sends what an SDK addresses to api.weixin.qq.com to the test server instead.
type toServer struct{ base *url.URL }

func (t toServer) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "api.weixin.qq.com" {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = t.base.Scheme, t.base.Host
		req.Host = t.base.Host
	}
	return http.DefaultTransport.RoundTrip(req)
}

// pointSDK makes the silenceper/wechat SDK talk to the test server for the test's duration.
func (e *env) pointSDK() {
	base, _ := url.Parse(e.http.URL)
	old := util.DefaultHTTPClient
	util.DefaultHTTPClient = &http.Client{Transport: toServer{base}}
	e.t.Cleanup(func() { util.DefaultHTTPClient = old })
}

// The real github.com/silenceper/wechat/v2 SDK works against mpconsole unchanged: tokens
// (plain and stable), jscode2session, and the errcodes it reports.
func TestSilenceperSDK(t *testing.T) {
	e := newAPIEnv(t)
	e.pointSDK()
	sdk := func(secret string, stable bool) *miniprogram.MiniProgram {
		return miniprogram.NewMiniProgram(&config.Config{AppID: e.acct.AppID, AppSecret: secret, Cache: cache.NewMemory(), UseStableAK: stable})
	}
	for _, stable := range []bool{false, true} {
		token, err := sdk(e.secret, stable).GetContext().GetAccessToken()
		if err != nil || len(token) < 64 {
			t.Fatalf("stable=%v: token %q, %v", stable, token, err)
		}
		if _, err := e.st.CheckAccessToken(t.Context(), token); err != nil {
			t.Fatalf("stable=%v: the SDK's token is not valid here: %v", stable, err)
		}
		_, err = sdk("0123456789abcdef0123456789abcdef", stable).GetContext().GetAccessToken()
		if err == nil || !strings.Contains(err.Error(), "errcode=40125") {
			t.Fatalf("stable=%v: wrong secret: %v, want errcode=40125", stable, err)
		}
	}
	auth := sdk(e.secret, false).GetAuth()
	code := e.code(e.admin)
	res, err := auth.Code2Session(code)
	if err != nil || len(res.OpenID) != 28 || len(res.SessionKey) != 24 {
		t.Fatalf("Code2Session: %+v, %v", res, err)
	}
	if _, err := auth.Code2Session(code); err == nil || !strings.Contains(err.Error(), "errcode=40029") {
		t.Fatalf("a used code: %v, want errcode=40029", err)
	}
}

// Neither the AppSecret, nor an access token (plain or stable), nor a js_code is ever
// written to the database file or its WAL in plain text.
func TestNoPlaintextSecretsInDatabase(t *testing.T) {
	e := newAPIEnv(t)
	c := e.console(e.acct, e.admin)
	secret, _ := e.consoleSecret(c, e.admin, false)
	plain := e.apiGet(t, tokenURL(e.acct.AppID, secret)).AccessToken
	stable := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, secret, false)).AccessToken
	code := e.wx(e.admin).post("/wx/apps/"+e.acct.AppID+"/open", nil, false).testid("js-code")
	sess := e.apiGet(t, sessionURL(e.acct.AppID, secret, code))
	unused := e.wx(e.admin).post("/wx/apps/"+e.acct.AppID+"/open", nil, false).testid("js-code")
	values := map[string]string{"new secret": secret, "first secret": e.secret, "token": plain, "stable token": stable,
		"used js_code": code, "unused js_code": unused, "session_key": sess.SessionKey}
	for name, v := range values {
		if len(v) < 20 {
			t.Fatalf("%s %q was not issued", name, v)
		}
	}
	var files int
	for _, suffix := range []string{"", "-wal", "-shm"} {
		raw, err := os.ReadFile(e.dbPath() + suffix)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		files++
		for name, v := range values {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("the %s is stored in plain text in test.db%s", name, suffix)
			}
		}
	}
	if files < 2 {
		t.Fatalf("read %d database files, want the .db and its WAL", files)
	}
}
