package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/miniprogram"
	"github.com/silenceper/wechat/v2/miniprogram/business"
	"github.com/silenceper/wechat/v2/miniprogram/config"
	"github.com/silenceper/wechat/v2/miniprogram/qrcode"
	"github.com/silenceper/wechat/v2/miniprogram/security"
	"github.com/silenceper/wechat/v2/miniprogram/subscribe"
	"github.com/silenceper/wechat/v2/util"

	"mpconsole/store"
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

// The server API behind an access token through the SDK's own code paths, the transport
// rewrite being all that points it here: the phone number, a mini-program code (JPEG, which
// the SDK insists on) that decodes to the simulator URL, a subscribe template added, a
// message sent and delivered as a notice, and a content check; each with an errcode the
// SDK reports.
func TestSilenceperSDKServerAPI(t *testing.T) {
	e := newAPIEnv(t)
	e.pointSDK()
	ctx := context.Background()
	mp := miniprogram.NewMiniProgram(&config.Config{AppID: e.acct.AppID, AppSecret: e.secret, Cache: cache.NewMemory()})
	if _, err := e.st.UpdateProfile(ctx, e.admin.ID, store.Profile{Nickname: "admin_one", Phone: "13800138000"}); err != nil {
		t.Fatal(err)
	}
	openid := e.openid(e.admin)

	code := e.sharePhone(e.admin)
	info, err := mp.GetBusiness().GetPhoneNumber(&business.GetPhoneNumberRequest{Code: code})
	if err != nil || info.PhoneNumber != "13800138000" || info.PurePhoneNumber != "13800138000" || info.CountryCode != "86" ||
		info.Watermark.AppID != e.acct.AppID || info.Watermark.Timestamp != e.clock.Now().Unix() {
		t.Fatalf("GetPhoneNumber: %+v, %v", info, err)
	}
	if _, err := mp.GetBusiness().GetPhoneNumber(&business.GetPhoneNumberRequest{Code: code}); err == nil || !strings.Contains(err.Error(), "errcode=40029") {
		t.Fatalf("a used phone code: %v, want errcode=40029", err)
	}

	no := false
	img, err := mp.GetQRCode().GetWXACodeUnlimit(qrcode.QRCoder{Scene: "id=42", Page: "pages/goods/detail", CheckPath: &no, Width: 600,
		LineColor: &qrcode.Color{R: "0", G: "0", B: "0"}})
	if err != nil {
		t.Fatalf("GetWXACodeUnlimit: %v", err)
	}
	width, u := scanCode(t, callResp{Status: http.StatusOK, Header: http.Header{"Content-Type": {"image/jpeg"}}, Raw: img})
	if want := e.http.URL + "/wx/apps/" + e.acct.AppID + "?env=release&path=pages/goods/detail&scene=id%3D42"; width != 600 || u != want {
		t.Fatalf("the code: %d px, %s; want 600 px, %s", width, u, want)
	}
	if _, err := mp.GetQRCode().GetWXACodeUnlimit(qrcode.QRCoder{Scene: "id=42", Page: "pages/goods/detail"}); err == nil ||
		!strings.Contains(err.Error(), "errcode=41030") {
		t.Fatalf("check_path before a release: %v, want errcode=41030", err)
	}

	sub := mp.GetSubscribe()
	tmpl, err := sub.Add("1458", []int{1, 2, 3, 5}, "发货提醒")
	if err != nil || !priTmplID.MatchString(tmpl) {
		t.Fatalf("Add: %q, %v", tmpl, err)
	}
	list, err := sub.ListTemplates()
	if err != nil || len(list.Data) != 1 || list.Data[0].PriTmplID != tmpl || list.Data[0].Type != 2 || list.Data[0].Title != "发货通知" {
		t.Fatalf("ListTemplates: %+v, %v", list, err)
	}
	if err := e.st.AcceptSubscription(ctx, e.admin.ID, e.acct.AppID, tmpl); err != nil {
		t.Fatal(err)
	}
	msg := &subscribe.Message{ToUser: openid, TemplateID: tmpl, Page: "pages/index/index?from=sdk", MiniprogramState: "developer",
		Data: map[string]*subscribe.DataItem{}}
	for k, v := range shipment {
		msg.Data[k] = &subscribe.DataItem{Value: v}
	}
	if err := sub.Send(msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	notices, err := e.st.Notices(ctx, e.admin.ID)
	if err != nil || len(notices) != 1 || notices[0].Title != "发货通知" || notices[0].Page != "pages/index/index?from=sdk" || notices[0].Env() != store.EnvDevelop {
		t.Fatalf("the notice: %+v, %v", notices, err)
	}
	if err := sub.Send(msg); err == nil || !strings.Contains(err.Error(), "errcode=43101") {
		t.Fatalf("a second send: %v, want errcode=43101", err)
	}
	if err := sub.Delete(tmpl); err != nil {
		t.Fatalf("Delete: %v", err)
	}

	if err := e.st.SetSecurityWords(ctx, e.acct.ID, e.admin.ID, []store.SecurityWord{{Word: "赌博", Suggest: "risky", Label: 20006}}); err != nil {
		t.Fatal(err)
	}
	sec := mp.GetSecurity()
	res, err := sec.MsgCheck(&security.MsgCheckRequest{OpenID: openid, Scene: security.MsgSceneComment, Content: "来赌博吧"})
	if err != nil || res.Result.Suggest != security.CheckSuggestRisky || res.Result.Label != 20006 || len(res.TraceID) != 26 {
		t.Fatalf("MsgCheck: %+v, %v", res, err)
	}
	if res, err := sec.MsgCheck(&security.MsgCheckRequest{OpenID: openid, Scene: security.MsgSceneForum, Content: "你好"}); err != nil ||
		res.Result.Suggest != "pass" || res.Result.Label != 100 {
		t.Fatalf("MsgCheck of ordinary text: %+v, %v", res, err)
	}
	if _, err := sec.MsgCheck(&security.MsgCheckRequest{OpenID: openid, Scene: 9, Content: "你好"}); err == nil || !strings.Contains(err.Error(), "errcode=40129") {
		t.Fatalf("MsgCheck with a bad scene: %v, want errcode=40129", err)
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
