package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"mpconsole/store"
)

func signupForm(wechatID string) url.Values {
	return url.Values{"wechat_id": {wechatID}, "nickname": {"昵称"}, "password": {"Wx-pass-123"}, "real_name": {"张三"}, "id_number": {idNumber()}}
}

// Sign-up errors next to their fields, plainly and with htmx; typed values kept, the
// password never; nobody stored.
func TestWxSignupErrors(t *testing.T) {
	e := newEnv(t)
	e.person("Taken_One", "")
	if _, err := e.st.CreatePerson(context.Background(), store.NewPerson{WechatID: "bound_one", Nickname: "b", Password: "Wx-pass-123", BoundEmail: "bound@example.com"}); err != nil {
		t.Fatal(err)
	}
	admin := e.person("admin_one", "张三")
	e.account("owner@example.com", admin, "personal")
	for _, tc := range []struct {
		name, field, code string
		edit              map[string]string
	}{
		{"id shape", "wechat_id", "wechat_id_invalid", map[string]string{"wechat_id": "1abc"}},
		{"id taken", "wechat_id", "wechat_id_taken", map[string]string{"wechat_id": "taken_ONE"}},
		{"email bound", "bound_email", "email_taken", map[string]string{"bound_email": "Bound@example.com"}},
		{"email of an account", "bound_email", "email_taken", map[string]string{"bound_email": "owner@example.com"}},
		{"id number", "id_number", "id_number_invalid", map[string]string{"id_number": badIDNumber()}},
		{"id number without name", "real_name", "real_name_required", map[string]string{"real_name": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				f := signupForm("fresh_one")
				f.Set("bound_email", "fresh@example.com")
				for k, v := range tc.edit {
					f.Set(k, v)
				}
				r := e.client().submit("/wx/signup", f, htmx)
				wantFieldError(t, r, htmx, tc.field, tc.code)
				for _, name := range []string{"wechat_id", "nickname", "real_name", "id_number", "bound_email"} {
					wantValue(t, r, name, f.Get(name))
				}
				wantValue(t, r, "password", "")
				if _, err := e.st.PersonByWechatID(context.Background(), "fresh_one"); !errors.Is(err, store.ErrNotFound) {
					t.Fatal("a refused sign-up was stored")
				}
			})
		})
	}
}

// Sign-up stores the identity and signs it in to the simulator.
func TestWxSignup(t *testing.T) {
	e := newEnv(t)
	modes(t, func(t *testing.T, htmx bool) {
		id := map[bool]string{false: "plain_one", true: "htmx_one"}[htmx]
		c := e.client()
		wantRedirect(t, c.submit("/wx/signup", signupForm(id), htmx), htmx, "/wx")
		r := c.open("/wx")
		wantStatus(t, r, http.StatusOK)
		if got := r.doc.Find(`[data-testid="wx-me"]`).AttrOr("data-wechat-id", ""); got != id {
			t.Fatalf("signed in as %q, want %q", got, id)
		}
		if p, err := e.st.PersonByWechatID(context.Background(), id); err != nil || p.RealName != "张三" {
			t.Fatalf("stored %+v, %v", p, err)
		}
	})
	// Real-name data is optional.
	wantRedirect(t, e.client().submit("/wx/signup", url.Values{"wechat_id": {"bare_one"}, "nickname": {"b"}, "password": {"Wx-pass-123"}}, false), false, "/wx")
}

func TestWxLogin(t *testing.T) {
	e := newEnv(t)
	p := e.person("Alice_01", "")
	modes(t, func(t *testing.T, htmx bool) {
		for _, f := range []url.Values{
			{"wechat_id": {"alice_01"}, "password": {"wrong-pass"}},
			{"wechat_id": {"nobody_01"}, "password": {"Wx-pass-123"}},
		} {
			r := e.client().submit("/wx/login", f, htmx)
			wantAlert(t, r, http.StatusUnprocessableEntity, htmx, "login_failed")
			wantValue(t, r, "wechat_id", f.Get("wechat_id"))
		}
		c := e.client()
		wantRedirect(t, c.submit("/wx/login", url.Values{"wechat_id": {"ALICE_01"}, "password": {"Wx-pass-123"}}, htmx), htmx, "/wx")
		if got := c.open("/wx").doc.Find(`[data-testid="wx-me"]`).AttrOr("data-wechat-id", ""); got != p.WechatID {
			t.Fatalf("signed in as %q", got)
		}
		wantRedirect(t, c.submit("/wx/logout", nil, htmx), htmx, "/wx/login")
		wantRedirect(t, c.open("/wx"), false, "/wx/login?next=%2Fwx")
	})
}

// A scan opened signed out goes through the simulator's sign-in and back to the scan;
// next never leaves the simulator.
func TestWxScanNeedsSignIn(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	console := e.client()
	e.toAdmin(console, "owner@example.com", admin)
	path := scanPath(t, console.open("/register/admin"))
	phone := e.client()
	r := phone.open(path)
	wantRedirect(t, r, false, "/wx/login?next="+url.QueryEscape(path))
	login := phone.open(r.location())
	wantStatus(t, login, http.StatusOK)
	if got := login.doc.Find(`input[name="next"]`).AttrOr("value", ""); got != path {
		t.Fatalf("the sign-in form carries next=%q", got)
	}
	back := phone.submit("/wx/login", url.Values{"wechat_id": {"admin_one"}, "password": {"Wx-pass-123"}, "next": {path}}, false)
	wantRedirect(t, back, false, path)
	scan := phone.open(path)
	wantStatus(t, scan, http.StatusOK)
	if scan.doc.Find(`[data-testid="wx-scan"][data-purpose="bind_admin"][data-state="pending"] [data-testid="scan-confirm"]`).Length() != 1 {
		t.Fatalf("the scan page does not ask: %s", scan.body)
	}
	// A post signed out changes nothing and also goes to sign in.
	if r := e.client().submit(path, url.Values{"decision": {"confirm"}}, false); r.status != http.StatusSeeOther {
		t.Fatalf("signed-out decision: %d", r.status)
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/wx", "/home", `/wx\evil`} {
		r := e.client().submit("/wx/login", url.Values{"wechat_id": {"admin_one"}, "password": {"Wx-pass-123"}, "next": {next}}, false)
		wantRedirect(t, r, false, "/wx")
	}
	if r := console.open("/register/admin"); r.doc.Find(`[data-testid="scan-state"][data-state="pending"]`).Length() != 1 {
		t.Fatal("the scan was decided by a signed-out post")
	}
}

// The phone page: a decision must be confirm or reject; unknown tokens are 404.
func TestWxScanDecision(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	console := e.client()
	e.toAdmin(console, "owner@example.com", admin)
	path := scanPath(t, console.open("/register/admin"))
	phone := e.wx(admin)
	modes(t, func(t *testing.T, htmx bool) {
		r := phone.submit(path, url.Values{"decision": {"maybe"}}, htmx)
		wantFieldError(t, r, htmx, "decision", "decision_invalid")
	})
	wantStatus(t, phone.open("/wx/scan/"+store.NewToken()), http.StatusNotFound)
	wantStatus(t, phone.submit("/wx/scan/"+store.NewToken(), url.Values{"decision": {"confirm"}}, false), http.StatusNotFound)
	wantRedirect(t, phone.submit(path, url.Values{"decision": {"confirm"}}, true), true, path)
	// Someone else opening a decided code learns nothing more than that it is gone.
	if r := e.wx(e.person("stranger", "")).open(path); r.status != http.StatusGone {
		t.Fatalf("a decided scan opened by another person: %d", r.status)
	}
}
