package web

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

const pathSecCheck = "/wxa/msg_sec_check"

// secBody is msg_sec_check's body as silenceper/wechat sends it (version 2, empty extras).
func secBody(openid, content string, scene int) map[string]any {
	return map[string]any{"openid": openid, "scene": scene, "content": content, "nickname": "", "title": "", "signature": "", "version": 2}
}

// msg_sec_check judges content by the account's word list, in the real shape: result,
// detail (the content model and the keyword strategy, which names the word hit) and a
// trace_id shaped like a rid.
func TestAPIMsgSecCheck(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	openid := e.openid(e.admin)
	if err := e.st.SetSecurityWords(context.Background(), e.acct.ID, e.admin.ID, []store.SecurityWord{
		{Word: "赌博", Suggest: "risky", Label: 20006}, {Word: "加微信", Suggest: "review", Label: 10001}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ content, want string }{
		{"今天天气不错", `"result":{"suggest":"pass","label":100},"detail":[{"strategy":"content_model","errcode":0,"suggest":"pass","label":100,"prob":90},{"strategy":"keyword","errcode":0}],`},
		{"想赚钱请加微信", `"result":{"suggest":"review","label":10001},"detail":[{"strategy":"content_model","errcode":0,"suggest":"pass","label":100,"prob":90},{"strategy":"keyword","errcode":0,"suggest":"review","label":10001,"keyword":"加微信"}],`},
		{"加微信来赌博", `"result":{"suggest":"risky","label":20006},"detail":[{"strategy":"content_model","errcode":0,"suggest":"pass","label":100,"prob":90},{"strategy":"keyword","errcode":0,"suggest":"risky","label":20006,"keyword":"赌博"}],`},
	} {
		r := e.postJSON(t, withToken(pathSecCheck, token), secBody(openid, tc.content, 2))
		re := regexp.MustCompile(`^\{"errcode":0,"errmsg":"ok",` + regexp.QuoteMeta(tc.want) + `"trace_id":"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}"\}$`)
		if r.wantOK(t); !re.Match(r.Raw) {
			t.Errorf("%s:\n got %s\nwant %s", tc.content, r.Raw, re)
		}
	}
}

// msg_sec_check's refusals with the real wording: 40129 for a scene outside 1–4, 40003 for
// an openid nobody opened this mini program with, 43104 for another mini program's,
// 61010 when the person has not opened it for 2 hours; 40097 for a version other than 2.
func TestAPIMsgSecCheckErrors(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	openid := e.openid(e.admin)
	other, otherAdmin, _ := e.secondApp()
	otherOpenid, err := e.st.OpenID(context.Background(), other.AppID, otherAdmin.ID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(body any) callResp { return e.postJSON(t, withToken(pathSecCheck, token), body) }
	for _, scene := range []int{0, 5} {
		check(secBody(openid, "hi", scene)).wantErrcode(t, 40129, "invalid scene rid: ")
	}
	check(map[string]any{"openid": openid, "content": "hi", "version": 2}).wantErrcode(t, 40129, "invalid scene rid: ")
	check(secBody("", "hi", 1)).wantErrcode(t, 40003, "invalid openid rid: ")
	last := "x"
	if strings.HasSuffix(openid, last) { // an unknown openid must differ from the real one
		last = "y"
	}
	check(secBody(openid[:len(openid)-1]+last, "hi", 1)).wantErrcode(t, 40003, "invalid openid rid: ")
	check(secBody(otherOpenid, "hi", 1)).wantErrcode(t, 43104, "The openid does not match the appid rid: ")
	check(map[string]any{"openid": openid, "scene": 1, "content": "hi"}).wantErrcode(t, 40097, "invalid args rid: ")
	check(map[string]any{"content": "hi"}).wantErrcode(t, 40097, "invalid args rid: ")
	check(map[string]any{"openid": openid, "scene": 1, "content": "hi", "version": 1}).wantErrcode(t, 40097, "invalid args rid: ")

	e.clock.Advance(2 * time.Hour)
	token = e.token()
	check = func(body any) callResp { return e.postJSON(t, withToken(pathSecCheck, token), body) }
	check(secBody(openid, "hi", 1)).wantOK(t)
	e.clock.Advance(time.Second)
	check(secBody(openid, "hi", 1)).wantErrcode(t, 61010, "code is expired rid: ")
	e.code(e.admin)
	check(secBody(openid, "hi", 4)).wantOK(t)
}
