package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
	"mpconsole/web/sandboxapi"
	"mpconsole/web/wxapi"
)

// postWithout posts form as browser c would, but with the CSRF token missing (token "")
// or wrong; htmx sends it the htmx way (header, no form field).
func (c *client) postWithout(path string, form url.Values, htmx bool, token string) resp {
	c.e.t.Helper()
	c.csrf() // the browser has its CSRF cookie: only the token is missing
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if token != "" && !htmx {
		f.Set("_csrf", token)
	}
	req, err := http.NewRequest("POST", c.e.http.URL+path, strings.NewReader(f.Encode()))
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if htmx {
		req.Header.Set("HX-Request", "true")
		if token != "" {
			req.Header.Set("X-CSRF-Token", token)
		}
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	res.Body.Close()
	return resp{status: res.StatusCode, header: res.Header}
}

// Every state-changing request of the wizard, login, simulator and ops registry is refused
// with 403 without its CSRF token (or with a wrong one), and changes nothing.
func TestFoundationPostsNeedCSRF(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin, second, third := e.person("admin_one", "张三"), e.person("admin_two", "李四"), e.person("admin_three", "王五")
	acct := e.account("owner@example.com", admin, "personal")
	_, ops := newReviewer(e, "reviewer")
	if err := e.st.AddRegistryEmail(ctx, "kept@example.com"); err != nil {
		t.Fatal(err)
	}
	kept, _ := e.st.Registry(ctx)

	atActivate := e.client()
	e.startRegistration(atActivate, "activate@example.com")
	atSubject := e.client()
	e.toSubject(atSubject, "subject@example.com")
	atAdmin := e.client()
	e.toAdmin(atAdmin, "admin@example.com", second)
	adminScan := scanPath(t, atAdmin.open("/register/admin"))
	atConfirm := e.client()
	e.toConfirm(atConfirm, "confirm@example.com", third)
	picking := e.client()
	wantRedirect(t, picking.submit("/login/qr", nil, false), false, "/login/scan")
	decide(t, e.wx(admin), scanPath(t, picking.open("/login/scan")), "confirm")
	wantRedirect(t, picking.open("/login/scan"), false, "/login/scan")
	signedIn := e.console(acct, admin)
	wxIn := e.wx(admin)

	step := func(email string) string {
		a, err := e.st.CheckAccountPassword(ctx, email, "Passw0rd!")
		if err != nil {
			t.Fatal(err)
		}
		return a.Step
	}
	mailsTo := func(to string) int {
		mails, err := e.st.AllMail(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range mails {
			if m.To == to {
				n++
			}
		}
		return n
	}
	fresh := e.client()
	for _, tc := range []struct {
		path      string
		c         *client
		form      url.Values
		unchanged func() bool
	}{
		{"/register", e.client(), registrationForm("csrf@example.com"), func() bool { return mailsTo("csrf@example.com") == 0 }},
		{"/register/resend", atActivate, url.Values{"email": {"activate@example.com"}}, func() bool { return mailsTo("activate@example.com") == 1 }},
		{"/register/subject", atSubject, subjectForm(second), func() bool { return step("subject@example.com") == store.StepSubject }},
		{"/register/admin", atAdmin, nil, func() bool { return scanPath(t, atAdmin.open("/register/admin")) == adminScan }},
		{"/register/confirm", atConfirm, url.Values{"confirm": {"on"}}, func() bool { return step("confirm@example.com") == store.StepConfirm }},
		{"/login", fresh, url.Values{"email": {"owner@example.com"}, "password": {"Passw0rd!"}}, func() bool { return fresh.open("/login/scan").location() == "/login" }},
		{"/login/qr", fresh, nil, func() bool { return fresh.open("/login/scan").location() == "/login" }},
		{"/login/scan", picking, url.Values{"account": {fmt.Sprint(acct.ID)}}, func() bool { return picking.open("/home").location() == "/login" }},
		{"/logout", signedIn, nil, func() bool { return signedIn.open("/home").status == http.StatusOK }},
		{"/wx/signup", fresh, signupForm("csrf_one"), func() bool {
			_, err := e.st.PersonByWechatID(ctx, "csrf_one")
			return errors.Is(err, store.ErrNotFound)
		}},
		{"/wx/login", fresh, url.Values{"wechat_id": {"admin_one"}, "password": {"Wx-pass-123"}}, func() bool { return fresh.open("/wx").status == http.StatusSeeOther }},
		{"/wx/logout", wxIn, nil, func() bool { return wxIn.open("/wx").status == http.StatusOK }},
		{adminScan, e.wx(second), url.Values{"decision": {"confirm"}}, func() bool {
			return atAdmin.open("/register/admin").doc.Find(`[data-state="pending"]`).Length() == 1
		}},
		{"/ops/registry", ops, url.Values{"email": {"new@example.com"}}, func() bool { r, _ := e.st.Registry(ctx); return len(r) == 1 }},
		{fmt.Sprintf("/ops/registry/%d/delete", kept[0].ID), ops, nil, func() bool { r, _ := e.st.Registry(ctx); return len(r) == 1 }},
	} {
		for _, v := range []struct {
			name  string
			htmx  bool
			token string
		}{{"no token", false, ""}, {"htmx, no token", true, ""}, {"wrong token", false, "bogus-token"}, {"htmx, wrong token", true, "bogus-token"}} {
			if r := tc.c.postWithout(tc.path, tc.form, v.htmx, v.token); r.status != http.StatusForbidden {
				t.Errorf("POST %s (%s): %d, want 403", tc.path, v.name, r.status)
			}
			if !tc.unchanged() {
				t.Fatalf("POST %s (%s) changed something", tc.path, v.name)
			}
		}
	}
}

// Whatever routes the other features add, every POST of the HTML surfaces needs the token.
func TestEveryPostNeedsCSRF(t *testing.T) {
	e := newEnv(t)
	n := 0
	for _, r := range e.srv.echo.Routes() {
		if r.Method != http.MethodPost || wxapi.Owns(r.Path) || sandboxapi.Owns(r.Path) { // both APIs: no cookies, no CSRF
			continue
		}
		path := r.Path
		for _, seg := range strings.Split(r.Path, "/") {
			if strings.HasPrefix(seg, ":") {
				path = strings.Replace(path, seg, "1", 1)
			}
		}
		n++
		if got := e.client().postWithout(path, url.Values{}, false, ""); got.status != http.StatusForbidden {
			t.Errorf("POST %s without a token: %d, want 403", r.Path, got.status)
		}
	}
	if n < 15 {
		t.Fatalf("only %d POST routes found", n)
	}
}

// A browser that sends no Sec-Fetch-Site is still refused a cross-origin post: an Origin
// that is not this host gets 403 even with a valid CSRF token; the same origin passes.
func TestCrossOriginPostRefused(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	send := func(origin string) int {
		f := url.Values{"_csrf": {c.csrf()}, "email": {"x@example.com"}, "password": {"x"}}
		req, _ := http.NewRequest("POST", e.http.URL+"/login", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		res, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := send("http://evil.example"); got != http.StatusForbidden {
		t.Fatalf("cross-origin post: %d, want 403", got)
	}
	if got := send(e.http.URL); got != http.StatusUnprocessableEntity {
		t.Fatalf("same-origin post: %d, want 422 (wrong password)", got)
	}
}
