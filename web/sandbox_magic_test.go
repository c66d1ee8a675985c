package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"mpconsole/store"
)

// stateOf sums up what a call could change: codes issued and spent, subscriptions left,
// notices, tokens, visits, and each secret's last use. A magic value leaves all of it.
func (e *apiEnv) stateOf() string {
	e.t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT count(*) FROM js_codes`, `SELECT count(*) FROM js_codes WHERE used_at IS NOT NULL`,
		`SELECT count(*) FROM phone_codes WHERE used_at IS NOT NULL`, `SELECT COALESCE(sum(remaining), 0) FROM message_grants`,
		`SELECT count(*) FROM notices`, `SELECT count(*) FROM access_tokens`, `SELECT COALESCE(sum(visits), 0) FROM daily_visits`,
		`SELECT count(*) FROM app_secrets WHERE last_used_at IS NOT NULL`,
	} {
		parts = append(parts, fmt.Sprint(e.query(q)))
	}
	return strings.Join(parts, " ")
}

// Every magic value of SPEC §18 answers its errcode with the real errmsg through the real
// endpoint, journals that it was a magic value, and changes nothing but the refused
// call's own count; the checks before it (the secret, the access token) still come first.
func TestMagicValues(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	token := e.token()
	if _, err := e.st.UpdateProfile(ctx, e.admin.ID, store.Profile{Nickname: "admin_one", Phone: "139 1234 5678"}); err != nil {
		t.Fatal(err)
	}
	e.code(e.admin)
	e.sharePhone(e.admin)
	tmpl := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{1, 2, 3, 5}})
	if err := e.st.AcceptSubscription(ctx, e.admin.ID, e.acct.AppID, tmpl); err != nil {
		t.Fatal(err)
	}
	get := func(code string) func() apiResp {
		return func() apiResp { return e.apiGet(t, sessionURL(e.acct.AppID, e.secret, code)) }
	}
	post := func(path string, body any) func() apiResp {
		return func() apiResp { return e.postAPI(t, path, token, body) }
	}
	cases := []struct {
		value, endpoint string
		call            func() apiResp
		code            int
		msg             string
	}{
		{"magic-40029", "/sns/jscode2session", get("magic-40029"), 40029, "invalid code"},
		{"magic-40163", "/sns/jscode2session", get("magic-40163"), 40163, "code been used"},
		{"magic-40226", "/sns/jscode2session", get("magic-40226"), 40226, "code blocked"},
		{"magic-45011", "/sns/jscode2session", get("magic-45011"), 45011, "api minute-quota reach limit, must slower, retry next minute"},
		{"magic-40029", "/wxa/business/getuserphonenumber", post("/wxa/business/getuserphonenumber", map[string]string{"code": "magic-40029"}),
			40029, "invalid code"},
		{"magic-43101", "/cgi-bin/message/subscribe/send", post(pathSend, sendBody("magic-43101", tmpl, "", "", "", shipment)),
			43101, "user refuse to accept the msg"},
	}
	for _, c := range cases {
		before := e.stateOf()
		calls := e.query(`SELECT COALESCE(sum(calls), 0) FROM api_call_counts`)
		r := c.call()
		wantAPIErr(t, r, c.code, c.msg)
		if after := e.stateOf(); after != before {
			t.Errorf("%s %s: state changed: %s → %s", c.endpoint, c.value, before, after)
		}
		if n := e.query(`SELECT COALESCE(sum(calls), 0) FROM api_call_counts`); n != calls+1 {
			t.Errorf("%s %s: %d calls counted, want 1", c.endpoint, c.value, n-calls)
		}
		if n := e.query(`SELECT calls FROM api_call_counts WHERE endpoint = ? AND outcome = ?`, c.endpoint, itoa(c.code)); n != 1 {
			t.Errorf("%d refusals %d counted under %s, want 1", n, c.code, c.endpoint)
		}
		e.exec(`DELETE FROM api_call_counts`)
		entry := e.journalFor(t, ridOf(t, r)).doc.Find(`[data-testid="journal-entry"]`)
		reason := entry.Find(`[data-testid="journal-reason"]`)
		want := c.value + " is a sandbox magic value: it always answers " + itoa(c.code) + " and changes nothing."
		if reason.AttrOr("data-reason", "") != "magic_value" || strings.TrimSpace(reason.Text()) != want {
			t.Errorf("%s: journal reason %q (%s), want %q", c.value, reason.Text(), reason.AttrOr("data-reason", ""), want)
		}
	}
	// The secret is checked first: a magic js_code with a wrong secret gets the secret's error.
	wantAPIErr(t, e.apiGet(t, sessionURL(e.acct.AppID, "0123456789abcdef0123456789abcdef", "magic-40163")), 40125, "invalid appsecret")
	// And the access token: a magic phone code without a valid token gets the token's error.
	wantAPIErr(t, e.postAPI(t, "/wxa/business/getuserphonenumber", "nope", map[string]string{"code": "magic-40029"}), 40001,
		"invalid credential, access_token is invalid or not latest, could get access_token by getStableAccessToken, more details at https://mmbizurl.cn/s/JtxxFh33r")
}
