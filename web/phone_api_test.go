package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"mpconsole/store"
)

// secondApp is another finished account with an AppSecret, opened by its administrator,
// and an access token of it.
func (e *apiEnv) secondApp() (store.Account, store.Person, string) {
	e.t.Helper()
	admin := e.person("admin_two", "李四")
	b := e.account("other@example.com", admin, "personal")
	secret := e.appSecret(b, admin)
	if _, err := e.st.OpenApp(context.Background(), admin.ID, b.AppID, ""); err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.st.IssueAccessToken(context.Background(), store.APICall{AppID: b.AppID, Secret: secret}, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return b, admin, tok.Token
}

// sharePhone has p (who has opened the mini program) share the number: the one-time code.
func (e *apiEnv) sharePhone(p store.Person) string {
	e.t.Helper()
	c, err := e.st.SharePhone(context.Background(), p.ID, e.acct.AppID)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.Code
}

// getuserphonenumber answers the shared number in the real shape (countryCode a string,
// the watermark's time the share's), once; a used, expired, other app's, magic or missing
// code is 40029 invalid code.
func TestAPIPhoneNumber(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	const path = "/wxa/business/getuserphonenumber"
	token := e.token()
	if _, err := e.st.UpdateProfile(ctx, e.admin.ID, store.Profile{Nickname: "admin_one", Phone: "139 1234 5678"}); err != nil {
		t.Fatal(err)
	}
	e.code(e.admin)
	shared := e.clock.Now().Unix()
	code := e.sharePhone(e.admin)
	e.clock.Advance(time.Minute)
	r := e.postJSON(t, withToken(path, token), map[string]string{"code": code})
	want := fmt.Sprintf(`{"errcode":0,"errmsg":"ok","phone_info":{"phoneNumber":"13912345678","purePhoneNumber":"13912345678","countryCode":"86","watermark":{"timestamp":%d,"appid":"%s"}}}`,
		shared, e.acct.AppID)
	if r.wantOK(t); string(r.Raw) != want {
		t.Fatalf("got  %s\nwant %s", r.Raw, want)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a phone number may be cached: Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	const invalid = "invalid code rid: "
	e.postJSON(t, withToken(path, token), map[string]string{"code": code}).wantErrcode(t, 40029, invalid)

	expired := e.sharePhone(e.admin)
	e.clock.Advance(5 * time.Minute)
	token = e.token()
	e.postJSON(t, withToken(path, token), map[string]string{"code": expired}).wantErrcode(t, 40029, invalid)
	e.postJSON(t, withToken(path, token), map[string]string{"code": store.MagicPhoneCode}).wantErrcode(t, 40029, invalid)
	e.postJSON(t, withToken(path, token), map[string]string{}).wantErrcode(t, 40029, invalid)

	_, _, otherToken := e.secondApp()
	e.postJSON(t, withToken(path, otherToken), map[string]string{"code": e.sharePhone(e.admin)}).wantErrcode(t, 40029, invalid)

	if _, err := e.st.UpdateProfile(ctx, e.admin.ID, store.Profile{Nickname: "admin_one", Phone: "+1 202-555-0123"}); err != nil {
		t.Fatal(err)
	}
	info := e.postJSON(t, withToken(path, token), map[string]string{"code": e.sharePhone(e.admin)}).wantOK(t)["phone_info"].(map[string]any)
	if info["phoneNumber"] != "+12025550123" || info["purePhoneNumber"] != "2025550123" || info["countryCode"] != "1" {
		t.Fatalf("a number outside the mainland: %v", info)
	}
}
