package main

// The one place that knows how the product is set up for a load run: the server's command
// line and environment, the seeded account, signing in the way a person does, the
// AppSecret and the js_codes. When sessions, keys or flags change, this is the file to adapt.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// serverArgs is the command line of `mpconsole serve` for a run on db at addr. The daily
// token quota is lifted: the load spends more tokens in a second than the real limit of a
// day.
func serverArgs(db, addr string) []string {
	return []string{"serve", "--db", db, "--addr", addr, "--token-daily-quota", "1000000000"}
}

// serverEnv is the caller's environment without any MPCONSOLE_ setting, so every run
// starts the server the same way, plus the profiling address when profiles are taken.
func serverEnv(pprofAddr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MPCONSOLE_") {
			env = append(env, kv)
		}
	}
	if pprofAddr != "" {
		env = append(env, "MPCONSOLE_PPROF="+pprofAddr)
	}
	return env
}

// acceptLanguage is what the browser of the load sends, as a Chinese browser would.
const acceptLanguage = "zh-CN,zh;q=0.9,en;q=0.8"

// account is what the targets need: a signed-in console browser's cookies and CSRF token,
// and the credentials of the API.
type account struct {
	load   store.Load
	cookie string // the Cookie header of the signed-in console browser
	csrf   string // its CSRF token, sent with each form post
	secret string // the AppSecret, read once from its one-time page
}

// signIn signs in to the console as the load account's administrator the way a person
// does (the simulator on the phone, email and password in the browser, the scan confirmed
// on the phone), checks that the members page shows the 30 members, and generates the
// AppSecret (another confirmed scan) to read it from its one-time page.
func signIn(base string, l store.Load) (account, error) {
	acct := account{load: l}
	phone, console := newBrowser(base), newBrowser(base)
	if _, err := phone.expect("GET", "/wx/login", nil, http.StatusOK); err != nil {
		return acct, err
	}
	if _, err := phone.expect("POST", "/wx/login", url.Values{"wechat_id": {l.AdminWechatID}, "password": {l.WxPassword}}, http.StatusSeeOther); err != nil {
		return acct, err
	}
	if _, err := console.expect("GET", "/login", nil, http.StatusOK); err != nil {
		return acct, err
	}
	if _, err := console.expect("POST", "/login", url.Values{"email": {l.Email}, "password": {l.Password}}, http.StatusSeeOther); err != nil {
		return acct, err
	}
	if err := confirmScan(console, phone, "/login/scan"); err != nil {
		return acct, err
	}
	if r, err := console.expect("GET", "/login/scan", nil, http.StatusSeeOther); err != nil {
		return acct, err
	} else if r.location != "/home" {
		return acct, fmt.Errorf("sign-in ended at %q, not /home", r.location)
	}
	r, err := console.expect("GET", "/members", nil, http.StatusOK)
	if err != nil {
		return acct, err
	}
	if n := r.doc.Find(`tr[data-testid="member-row"]`).Length(); n != l.ProjectMembers+l.ExperienceMembers {
		return acct, fmt.Errorf("the members page shows %d members, want %d", n, l.ProjectMembers+l.ExperienceMembers)
	}
	if acct.secret, err = appSecret(console, phone); err != nil {
		return acct, err
	}
	acct.cookie, acct.csrf = console.cookieHeader(), console.cookieValue("_csrf")
	return acct, nil
}

// appSecret generates (or resets) the AppSecret: the administrator confirms the scan on
// the phone, and the secret is shown once.
func appSecret(console, phone *browser) (string, error) {
	r, err := console.expect("POST", "/dev/settings/secret", url.Values{}, http.StatusSeeOther)
	if err != nil {
		return "", err
	}
	wait := r.location
	if err := confirmScan(console, phone, wait); err != nil {
		return "", err
	}
	if r, err = console.expect("GET", wait, nil, http.StatusSeeOther); err != nil {
		return "", err
	}
	if r, err = console.expect("GET", r.location, nil, http.StatusOK); err != nil {
		return "", err
	}
	secret := strings.TrimSpace(r.doc.Find(`[data-testid="app-secret"]`).Text())
	if len(secret) != 32 {
		return "", fmt.Errorf("no AppSecret on its one-time page")
	}
	return secret, nil
}

// confirmScan opens the waiting page at path in the browser and confirms its scan on the
// phone, through the link shown beside the QR code.
func confirmScan(console, phone *browser, path string) error {
	r, err := console.expect("GET", path, nil, http.StatusOK)
	if err != nil {
		return err
	}
	link, ok := r.doc.Find(`a[data-testid="scan-link"]`).Attr("href")
	u, perr := url.Parse(link)
	if !ok || perr != nil {
		return fmt.Errorf("%s shows no scan link", path)
	}
	_, err = phone.expect("POST", u.Path, url.Values{"decision": {"confirm"}}, http.StatusSeeOther)
	return err
}

// mintCodes gives n fresh js_codes of the load account, written straight into the
// database (the simulator would need one request per code).
func mintCodes(ctx context.Context, st *store.Store, acct account, n int) ([]string, error) {
	return st.MintJSCodes(ctx, acct.load.AccountID, n)
}

// browser is a browser without JavaScript: a cookie jar, no automatic redirects.
type browser struct {
	base string
	hc   *http.Client
	jar  http.CookieJar
}

func newBrowser(base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{base: base, jar: jar, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	location string
	doc      *goquery.Document
}

// expect sends a GET, or a POST of form with the CSRF token as the page's form would,
// and fails unless the answer has status.
func (b *browser) expect(method, path string, form url.Values, status int) (page, error) {
	var body io.Reader
	if form != nil {
		form.Set("_csrf", b.cookieValue("_csrf"))
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		return page{}, err
	}
	req.Header.Set("Accept-Language", acceptLanguage)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.hc.Do(req)
	if err != nil {
		return page{}, err
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		return page{}, err
	}
	if res.StatusCode != status {
		return page{}, fmt.Errorf("%s %s: status %d, want %d: %.200s", method, path, res.StatusCode, status,
			strings.Join(strings.Fields(doc.Find("main").Text()), " "))
	}
	return page{location: res.Header.Get("Location"), doc: doc}, nil
}

func (b *browser) cookies() []*http.Cookie {
	u, _ := url.Parse(b.base)
	return b.jar.Cookies(u)
}

func (b *browser) cookieValue(name string) string {
	for _, c := range b.cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// cookieHeader is the Cookie header this browser sends.
func (b *browser) cookieHeader() string {
	var parts []string
	for _, c := range b.cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}
