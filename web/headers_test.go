package web

import (
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"mpconsole/static"
	"mpconsole/store"
)

const wantCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// Every route of every surface (console, simulator, ops, API, static files, unknown paths)
// answers with SPEC §19's headers: the CSP without inline script or style and without
// framing, X-Frame-Options DENY, nosniff and same-origin referrers.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	admin := e.console(tm.a, tm.admin)
	wx := e.wx(tm.admin)
	seen := 0
	routes := append(e.srv.echo.Routes(), &echo.Route{Method: "GET", Path: "/nosuch"}, &echo.Route{Method: "POST", Path: "/nosuch"})
	for _, r := range routes {
		path := concretePath(strings.Replace(r.Path, "*", strings.TrimPrefix(static.Path("console.css"), static.Prefix), 1), tm.a)
		c := admin
		if surfaceOf(path) != surfaceConsole {
			c = wx
		}
		res := c.sendEmpty(r.Method, path)
		h := res.header
		if h.Get("Content-Security-Policy") != wantCSP || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s %s (%d): CSP %q, XFO %q, nosniff %q, referrer %q", r.Method, path, res.status,
				h.Get("Content-Security-Policy"), h.Get("X-Frame-Options"), h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		if strings.Contains(res.body, " style=") || strings.Contains(res.body, "<script>") || strings.Contains(res.body, " onclick=") {
			t.Errorf("%s %s carries an inline style or script, which the CSP blocks", r.Method, path)
		}
		seen++
	}
	if seen < 60 {
		t.Fatalf("walked %d routes only", seen)
	}
}

// The one-time AppSecret page and the token JSON are never stored by a cache.
func TestNoStoreOnOneTimeValues(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	show := c.get(e.secretShowPath(c, admin))
	wantStatus(t, show, http.StatusOK)
	if got := show.header.Get("Cache-Control"); got != "no-store" {
		t.Fatalf("the one-time page: Cache-Control %q", got)
	}
	status, h, _ := e.raw(t, "GET", tokenURL(a.AppID, show.testid("app-secret")), "")
	if status != http.StatusOK || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("the token JSON: %d, Cache-Control %q", status, h.Get("Cache-Control"))
	}
}

// Replaying the cookies held before the one-time page was first opened cannot show the
// secret again: it is kept on the server and deleted by the view that shows it (410).
func TestOneTimeSecretCannotBeReplayed(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	show := e.secretShowPath(c, admin)
	before := c.cookies()
	for _, ck := range before {
		if strings.Contains(ck.Value, "secret") || len(ck.Value) > 200 {
			t.Fatalf("cookie %s looks like it carries more than an id: %q", ck.Name, ck.Value)
		}
	}
	first := c.get(show)
	wantStatus(t, first, http.StatusOK)
	if !hex32.MatchString(first.testid("app-secret")) {
		t.Fatalf("the first view shows %q", first.testid("app-secret"))
	}
	again := e.replay(before).get(show)
	wantStatus(t, again, http.StatusGone)
	if strings.Contains(again.body, first.testid("app-secret")) {
		t.Fatal("the replayed cookie showed the secret again")
	}
}

// secretShowPath asks for a new AppSecret as c, confirms the scan as admin, and returns
// the one-time page's path, not yet opened.
func (e *env) secretShowPath(c *client, admin store.Person) string {
	e.t.Helper()
	wait := c.post("/dev/settings/secret", nil, false).location()
	token := tokenInPath.FindStringSubmatch(wait)[1]
	if r := e.wx(admin).post("/wx/scan/"+token, url.Values{"decision": {"confirm"}}, false); r.status != http.StatusSeeOther {
		e.t.Fatalf("confirming: %d", r.status)
	}
	show := c.get(wait).location()
	if show == "" {
		e.t.Fatal("the waiting page did not move on")
	}
	return show
}

// Cookies are Secure when --base-url is https, or when a trusted proxy says the browser
// came over https; a proxy that is not trusted cannot say so.
func TestSecureCookies(t *testing.T) {
	secureCookies := func(e *env, proto string) bool {
		req, _ := http.NewRequest("GET", e.http.URL+"/login", nil)
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		cks := res.Cookies()
		if len(cks) == 0 {
			t.Fatal("no cookie set on /login")
		}
		for _, ck := range cks {
			if !ck.Secure {
				return false
			}
		}
		return true
	}
	e := newEnv(t)
	if secureCookies(e, "") || secureCookies(e, "https") {
		t.Fatal("Secure cookies over plain http from an untrusted peer")
	}
	e.restart(Options{TrustProxy: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if !secureCookies(e, "https") || secureCookies(e, "") {
		t.Fatal("a trusted proxy's X-Forwarded-Proto: https does not make cookies Secure")
	}
	e.restart(Options{BaseURL: "https://console.example"})
	if !secureCookies(e, "") {
		t.Fatal("an https base URL does not make cookies Secure")
	}
}

// fromHost sends method path as c would, but with Host: host (the cookie jar keys cookies by
// URL, so they are copied by hand, with a CSRF token of our own).
func (c *client) fromHost(host, method, path string, form url.Values) resp {
	c.e.t.Helper()
	f := url.Values{"_csrf": {"host-test-csrf-token"}}
	for k, v := range form {
		f[k] = v
	}
	req, _ := http.NewRequest(method, c.e.http.URL+path, strings.NewReader(f.Encode()))
	req.Host = host
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range c.cookies() {
		if ck.Name != "_csrf" {
			req.AddCookie(ck)
		}
	}
	req.AddCookie(&http.Cookie{Name: "_csrf", Value: "host-test-csrf-token"})
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	io.Copy(&b, res.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	return resp{status: res.StatusCode, header: res.Header, body: b.String(), doc: doc}
}

// The Host header changes no absolute URL: the activation mail and the QR code of a scan
// come from --base-url.
func TestHostHeaderIgnored(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	c := e.client()
	wantStatus(t, c.fromHost("attacker.example", "POST", "/register", registrationForm("new@example.com")), http.StatusSeeOther)
	wantStatus(t, c.fromHost("attacker.example", "POST", "/register/resend", url.Values{"email": {"new@example.com"}}), http.StatusSeeOther)
	mails, err := e.st.AllMail(t.Context(), 10)
	if err != nil || len(mails) != 2 {
		t.Fatalf("%d mails, %v", len(mails), err)
	}
	for _, m := range mails {
		if !strings.HasPrefix(m.Link, e.http.URL+"/register/activate?token=") {
			t.Fatalf("mail link %q, want it under %s", m.Link, e.http.URL)
		}
	}
	a := e.account("owner@example.com", admin, "personal")
	cc := e.console(a, admin)
	wait := cc.fromHost("attacker.example", "POST", "/dev/settings/secret", nil).header.Get("Location")
	page := cc.fromHost("attacker.example", "GET", wait, nil)
	if link := page.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", ""); !strings.HasPrefix(link, e.http.URL+"/wx/scan/") {
		t.Fatalf("QR link %q (status %d), want it under %s", link, page.status, e.http.URL)
	}
}
