package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"mpconsole/static"
	"mpconsole/store"
)

// The fixtures and the console session work end to end: a finished account's
// administrator sees its AppID on /home.
func TestHomeShowsAppID(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	r := e.console(a, admin).get("/home")
	wantStatus(t, r, http.StatusOK)
	if got := r.testid("app-id"); got != a.AppID || !strings.HasPrefix(got, "wx") {
		t.Fatalf("app-id = %q, want %q", got, a.AppID)
	}
	if r := e.client().get("/home"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("signed out /home: %d → %q, want 303 → /login", r.status, r.location())
	}
}

// A state-changing request without the CSRF token is refused with 403 and stores nothing.
func TestPostWithoutCSRFIsForbidden(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	f := url.Values{"email": {"a@example.com"}, "password": {"Passw0rd!"}, "password_confirm": {"Passw0rd!"}, "agree": {"on"}}
	r := c.do("POST", "/register", strings.NewReader(f.Encode()), "application/x-www-form-urlencoded", false)
	wantStatus(t, r, http.StatusForbidden)
	if mails, _ := e.st.AllMail(t.Context(), 10); len(mails) != 0 {
		t.Fatalf("a refused post queued %d mails", len(mails))
	}
}

// The browser harness starts Chromium and renders the login page.
func TestBrowserRendersLogin(t *testing.T) {
	e := newEnv(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.http.URL+"/login"), chromedp.WaitVisible(`input[name="email"]`)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(title) == "" {
		t.Fatal("login page has no heading")
	}
}

// HEAD answers like GET, without a body, for static files and icons; on pages it is
// refused, so it can never spend what a GET spends (here an activation link).
func TestHeadOnlyForStaticFiles(t *testing.T) {
	e := newEnv(t)
	r := e.client().do("HEAD", static.Path("console.css"), nil, "", false)
	wantStatus(t, r, http.StatusOK)
	if r.body != "" {
		t.Fatalf("HEAD answered a body of %d bytes", len(r.body))
	}
	if _, err := e.st.Register(t.Context(), store.Registration{Email: "a@example.com", Password: "Passw0rd!", PasswordConfirm: "Passw0rd!", Agree: true}, e.mailer()); err != nil {
		t.Fatal(err)
	}
	link := e.mails[0].Link
	if r := e.client().do("HEAD", link, nil, "", false); r.status < 400 {
		t.Fatalf("HEAD of an activation link: %d, want a 4xx", r.status)
	}
	if r := e.client().get(link); r.status != http.StatusSeeOther || r.location() != "/register/subject" {
		t.Fatalf("the activation link after a HEAD: %d → %q, want 303 → /register/subject", r.status, r.location())
	}
}
