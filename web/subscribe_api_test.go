package web

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"mpconsole/store"
)

const pathSend = "/cgi-bin/message/subscribe/send"

// sendBody is subscribe/send's body as silenceper/wechat sends it: every field, the empty
// ones too, and each value with an empty color.
func sendBody(touser, templateID, page, state, lang string, data map[string]any) map[string]any {
	items := map[string]any{}
	for k, v := range data {
		items[k] = map[string]any{"value": v, "color": ""}
	}
	return map[string]any{"touser": touser, "template_id": templateID, "page": page, "data": items, "miniprogram_state": state, "lang": lang}
}

// shipment is a valid value for each keyword of tid 1458 with kidList [1,2,3,5].
var shipment = map[string]any{"thing1": "顺丰速运", "character_string2": "SF1234567890123", "time3": "2019年10月1日 15:01", "thing5": "无线蓝牙耳机"}

// subscribe/send delivers a message the person accepted once: it becomes their service
// notification, rendered from the template, whose link opens the state's version at page.
// The acceptance is spent; the next send is 43101.
func TestAPISubscribeSend(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	token := e.token()
	tmpl := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{1, 2, 3, 5}})
	openid := e.openid(e.admin)
	accept := func() {
		t.Helper()
		if err := e.st.AcceptSubscription(ctx, e.admin.ID, e.acct.AppID, tmpl); err != nil {
			t.Fatal(err)
		}
	}
	accept()
	r := e.postJSON(t, withToken(pathSend, token), sendBody(openid, tmpl, "pages/index/index?id=7", "developer", "", shipment))
	if !regexp.MustCompile(`^\{"errcode":0,"errmsg":"ok","msgid":[1-9][0-9]*\}$`).Match(r.Raw) {
		t.Fatalf("send: %s", r.Raw)
	}
	notices, err := e.st.Notices(ctx, e.admin.ID)
	if err != nil || len(notices) != 1 {
		t.Fatalf("notices %v, %v", notices, err)
	}
	n := notices[0]
	if n.AppID != e.acct.AppID || n.Title != "发货通知" || n.Page != "pages/index/index?id=7" || n.Env() != store.EnvDevelop || n.Lang != "zh_CN" ||
		len(n.Lines) != 4 || n.Lines[0].Name != "快递公司" || n.Lines[0].Value != "顺丰速运" || n.Lines[3].Value != "无线蓝牙耳机" {
		t.Fatalf("notice %+v", n)
	}
	var sent struct{ MsgID int64 }
	json.Unmarshal(r.Raw, &sent)
	if sent.MsgID != n.ID {
		t.Errorf("msgid %d, notice %d", sent.MsgID, n.ID)
	}
	const refused = "user refuse to accept the msg rid: "
	e.postJSON(t, withToken(pathSend, token), sendBody(openid, tmpl, "", "", "", shipment)).wantErrcode(t, 43101, refused)
	e.postJSON(t, withToken(pathSend, token), sendBody(store.MagicRefuse, tmpl, "", "", "", shipment)).wantErrcode(t, 43101, refused)

	// A number value (the SDKs' value is "any") is read as written.
	group := e.addTemplate(t, token, map[string]any{"tid": "3098", "kidList": []int{1, 2}})
	if err := e.st.AcceptSubscription(ctx, e.admin.ID, e.acct.AppID, group); err != nil {
		t.Fatal(err)
	}
	e.postJSON(t, withToken(pathSend, token), sendBody(openid, group, "", "trial", "en_US", map[string]any{"thing1": "三人团", "number2": 3})).wantOK(t)
	if notices, _ := e.st.Notices(ctx, e.admin.ID); notices[0].Lines[1].Value != "3" || notices[0].Env() != store.EnvTrial || notices[0].Lang != "en_US" {
		t.Fatalf("notice %+v", notices[0])
	}
}

// subscribe/send's refusals with the real wording; none spends the acceptance.
func TestAPISubscribeSendErrors(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	tmpl := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{1, 2, 3, 5}})
	openid := e.openid(e.admin)
	if err := e.st.AcceptSubscription(context.Background(), e.admin.ID, e.acct.AppID, tmpl); err != nil {
		t.Fatal(err)
	}
	other, otherAdmin, _ := e.secondApp()
	otherOpenid, err := e.st.OpenID(context.Background(), other.AppID, otherAdmin.ID)
	if err != nil {
		t.Fatal(err)
	}
	with := func(key string, v any) map[string]any {
		d := map[string]any{}
		for k, x := range shipment {
			d[k] = x
		}
		if v == nil {
			delete(d, key)
		} else {
			d[key] = v
		}
		return d
	}
	send := func(body any) callResp { return e.postJSON(t, withToken(pathSend, token), body) }
	for _, tc := range []struct {
		name string
		body any
		code int
		msg  string
	}{
		{"unknown openid", sendBody(otherLast(openid), tmpl, "", "", "", shipment), 40003, "invalid openid rid: "},
		{"empty openid", sendBody("", tmpl, "", "", "", shipment), 40003, "invalid openid rid: "},
		{"another app's openid", sendBody(otherOpenid, tmpl, "", "", "", shipment), 40003, "invalid openid rid: "},
		{"unknown template", sendBody(openid, "nosuch", "", "", "", shipment), 40037, "invalid template_id rid: "},
		{"no template", sendBody(openid, "", "", "", "", shipment), 40037, "invalid template_id rid: "},
		{"bad state", sendBody(openid, tmpl, "", "release", "", shipment), 40097, "invalid args rid: "},
		{"bad lang", sendBody(openid, tmpl, "", "", "fr_FR", shipment), 40097, "invalid args rid: "},
		{"a missing key", sendBody(openid, tmpl, "", "", "", with("thing1", nil)), 47003, "argument invalid! data.thing1.value is empty rid: "},
		{"an empty value", sendBody(openid, tmpl, "", "", "", with("time3", "")), 47003, "argument invalid! data.time3.value is empty rid: "},
		{"thing over 20", sendBody(openid, tmpl, "", "", "", with("thing5", "一二三四五六七八九十一二三四五六七八九十一")), 47003, "argument invalid! data.thing5.value invalid rid: "},
		{"character_string with Chinese", sendBody(openid, tmpl, "", "", "", with("character_string2", "顺丰123")), 47003, "argument invalid! data.character_string2.value invalid rid: "},
		{"a bad time", sendBody(openid, tmpl, "", "", "", with("time3", "25:61")), 47003, "argument invalid! data.time3.value invalid rid: "},
		{"data as a string", map[string]any{"touser": openid, "template_id": tmpl, "data": `{"thing1":{"value":"x"}}`}, 47003, "argument invalid! data.thing1.value is empty rid: "},
		{"keys with .DATA", map[string]any{"touser": openid, "template_id": tmpl, "data": map[string]any{"thing1.DATA": map[string]string{"value": "x"}}}, 47003, "argument invalid! data.thing1.value is empty rid: "},
		{"formal before any release", sendBody(openid, tmpl, "pages/index/index", "formal", "", shipment), 41030, "invalid page rid: "},
	} {
		t.Run(tc.name, func(t *testing.T) { send(tc.body).wantErrcode(t, tc.code, tc.msg) })
	}

	e.release("pages/index/index", "pages/order/detail")
	send(sendBody(openid, tmpl, "pages/missing/x", "", "", shipment)).wantErrcode(t, 41030, "invalid page rid: ")
	send(sendBody(openid, tmpl, "pages/order/detail?id=1", "", "", shipment)).wantOK(t)
	if notices, _ := e.st.Notices(context.Background(), e.admin.ID); len(notices) != 1 || notices[0].Env() != store.EnvRelease {
		t.Fatalf("after the refusals the acceptance still delivers one notice: %+v", notices)
	}
}

// otherLast is openid with another last character: an openid no one has (one that
// already ends in x gets a y, so it never stays the real one).
func otherLast(openid string) string {
	last := "x"
	if strings.HasSuffix(openid, "x") {
		last = "y"
	}
	return openid[:len(openid)-1] + last
}
