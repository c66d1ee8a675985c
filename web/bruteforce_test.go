package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// The simulator's sign-in is locked like the console's (SPEC §6): 5 wrong passwords for one
// WeChat ID within 15 minutes, then 429 login_locked even for the right one, until 15
// minutes after the fifth failure.
func TestWxLoginLockout(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newEnv(t)
		e.person("alice_01", "")
		c := e.client()
		for i := 0; i < 5; i++ {
			r := c.post("/wx/login", url.Values{"wechat_id": {"alice_01"}, "password": {"wrong-pass"}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("") != "login_failed" {
				t.Fatalf("failure %d: %q", i+1, r.errCode(""))
			}
		}
		r := c.post("/wx/login", url.Values{"wechat_id": {"alice_01"}, "password": {"Wx-pass-123"}}, htmx)
		wantStatus(t, r, http.StatusTooManyRequests)
		if r.errCode("") != "login_locked" || r.fullPage() == htmx {
			t.Fatalf("locked: code %q, full page %v", r.errCode(""), r.fullPage())
		}
		e.clock.Advance(15*time.Minute - time.Second)
		wantStatus(t, c.post("/wx/login", url.Values{"wechat_id": {"alice_01"}, "password": {"Wx-pass-123"}}, htmx), http.StatusTooManyRequests)
		e.clock.Advance(time.Second)
		if r := c.post("/wx/login", url.Values{"wechat_id": {"alice_01"}, "password": {"Wx-pass-123"}}, htmx); r.location() != "/wx" {
			t.Fatalf("15 minutes after the fifth failure: %d → %q", r.status, r.location())
		}
	})
}

// Every password form is limited per client address (20 posts at once, then one every
// 6 s): past it, 429 with Retry-After and the form with a page-level alert; once the
// address's budget refills, posts go through again. The clock is the server's.
func TestPasswordFormsRateLimitedPerAddress(t *testing.T) {
	forms := []struct {
		path   string
		form   url.Values
		field  string // a typed field the 429 page keeps, and varied per post (one lockout each)
		signIn bool   // the form needs a console session
	}{
		{"/login", url.Values{"email": {"ghost@example.com"}, "password": {"x"}}, "email", false},
		{"/wx/login", url.Values{"wechat_id": {"nobody_"}, "password": {"x"}}, "wechat_id", false},
		{"/wx/signup", url.Values{"wechat_id": {"1bad"}, "nickname": {"n"}, "password": {"x"}}, "wechat_id", false},
		{"/register", url.Values{"email": {"bad"}, "password": {"x"}}, "email", false},
		{"/settings/password", url.Values{"current_password": {"wrong"}, "password": {"x"}}, "", true},
	}
	for _, f := range forms {
		t.Run(f.path, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				e := newEnv(t)
				c := e.client()
				if f.signIn {
					admin := e.person("admin_one", "张三")
					c = e.console(e.account("owner@example.com", admin, "personal"), admin)
				}
				for i := 0; i < 20; i++ {
					form := url.Values{}
					for k, v := range f.form {
						form[k] = v
					}
					if f.field != "" {
						form.Set(f.field, itoa(i)+f.form.Get(f.field)) // another identity each time: no lockout
					}
					if r := c.post(f.path, form, htmx); r.status == http.StatusTooManyRequests {
						t.Fatalf("post %d of 20 refused", i+1)
					}
				}
				r := c.post(f.path, f.form, htmx)
				wantStatus(t, r, http.StatusTooManyRequests)
				if got := r.header.Get("Retry-After"); got != "6" {
					t.Fatalf("Retry-After %q, want 6", got)
				}
				if r.errCode("") != "too_many_attempts" || r.fullPage() == htmx {
					t.Fatalf("alert %q, full page %v", r.errCode(""), r.fullPage())
				}
				if f.field != "" && r.doc.Find(`[name="`+f.field+`"]`).AttrOr("value", "") != f.form.Get(f.field) {
					t.Fatalf("the 429 form lost the typed %s", f.field)
				}
				e.clock.Advance(6 * time.Second)
				if r := c.post(f.path, f.form, htmx); r.status == http.StatusTooManyRequests {
					t.Fatal("6 s later the address is still refused")
				}
				wantStatus(t, c.post(f.path, f.form, htmx), http.StatusTooManyRequests)
			})
		})
	}
}
