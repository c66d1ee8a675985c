package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/crypto/bcrypt"

	"mpconsole/store"
	"mpconsole/store/dbtemplate"
)

func TestMain(m *testing.M) {
	store.PasswordCost = bcrypt.MinCost
	code := m.Run()
	closeBrowser()
	dbtemplate.Remove()
	os.Exit(code)
}

// clock is the injected time of a test: it moves only when the test says so.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is one test's server: a real store in a temp dir, a real HTTP listener, a clock.
type env struct {
	t     *testing.T
	srv   *Server
	st    *store.Store
	clock *clock
	http  *httptest.Server
	mails []store.Mail
}

// testMasterKey is the master key of every test server.
var testMasterKey = []byte("test-master-key-0123456789abcdef0123456789")

func newEnv(t *testing.T) *env {
	return newEnvWith(t, Options{})
}

// newEnvWith is newEnv with options; BaseURL defaults to the test listener's URL, as
// mpconsole serve defaults it to the listen address.
func newEnvWith(t *testing.T, opts Options) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	// Each test starts from a copy of one migrated database: migrating under -race costs
	// about 1.5 s a store.
	err := dbtemplate.Copy(path, func(p string) error {
		st, err := store.Open(context.Background(), p)
		if err != nil {
			return err
		}
		return st.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.UseMasterKey(context.Background(), testMasterKey); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	st.Now = clk.Now
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	if opts.BaseURL == "" {
		opts.BaseURL = ts.URL
	}
	srv := New(st, testMasterKey, opts)
	ts.Config.Handler = srv
	t.Cleanup(func() { ts.Close(); st.Close() })
	return &env{t: t, srv: srv, st: st, clock: clk, http: ts}
}

// client is a browser without JavaScript: a cookie jar, no automatic redirects.
type client struct {
	e   *env
	hc  *http.Client
	jar *cookiejar.Jar
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, jar: jar, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// resp is an answer with its parsed HTML.
type resp struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

// location is where a 303 or an HX-Redirect points.
func (r resp) location() string {
	if l := r.header.Get("Location"); l != "" {
		return l
	}
	return r.header.Get("HX-Redirect")
}

// errCode is the data-error-code shown for field ("" = the page-level alert).
func (r resp) errCode(field string) string {
	if field == "" {
		return r.doc.Find(`[role="alert"][data-error-code]`).AttrOr("data-error-code", "")
	}
	return r.doc.Find(`.field-error[data-error-for="`+field+`"]`).AttrOr("data-error-code", "")
}

func (r resp) testid(id string) string {
	return strings.TrimSpace(r.doc.Find(`[data-testid="` + id + `"]`).First().Text())
}

// fullPage tells whether the answer is a whole page (goquery wraps fragments in <html>).
func (r resp) fullPage() bool { return strings.Contains(r.body, "<html") }

func (c *client) do(method, path string, body io.Reader, contentType string, htmx bool) resp {
	c.e.t.Helper()
	req, err := http.NewRequest(method, c.e.http.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept-Language", "en")
	if htmx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("X-CSRF-Token", c.csrf())
	}
	return c.send(req)
}

// send makes the request with this browser's cookies and parses the answer.
func (c *client) send(req *http.Request) resp {
	c.e.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	return resp{status: res.StatusCode, header: res.Header, body: string(raw), doc: doc}
}

func (c *client) get(path string) resp { return c.do("GET", path, nil, "", false) }

// csrf is this browser's CSRF token, fetched from a page the first time.
func (c *client) csrf() string {
	u, _ := url.Parse(c.e.http.URL)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "_csrf" {
			return ck.Value
		}
	}
	c.get("/login")
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "_csrf" {
			return ck.Value
		}
	}
	c.e.t.Fatal("no CSRF cookie")
	return ""
}

// post submits a form as a browser would (with the CSRF token), plainly or with htmx.
func (c *client) post(path string, form url.Values, htmx bool) resp {
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if !htmx {
		f.Set("_csrf", c.csrf())
	}
	return c.do("POST", path, strings.NewReader(f.Encode()), "application/x-www-form-urlencoded", htmx)
}

// wantStatus fails the test unless r has the status.
func wantStatus(t *testing.T, r resp, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %.400s", r.status, status, r.body)
	}
}

// ---- fixtures: people and accounts made through the store, as the wizard would ----

var idSerial int

// idNumber makes a valid mainland ID number (GB 11643), different on each call.
func idNumber() string {
	idSerial++
	return store.IDNumberWithCheck("11010519900101" + strings.Repeat("0", 3-len(itoa(idSerial%1000))) + itoa(idSerial%1000))
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// person signs up a WeChat identity; a real name makes it eligible as an administrator.
func (e *env) person(wechatID, realName string) store.Person {
	e.t.Helper()
	n := store.NewPerson{WechatID: wechatID, Nickname: wechatID, Password: "Wx-pass-123"}
	if realName != "" {
		n.RealName, n.IDNumber = realName, idNumber()
	}
	p, err := e.st.CreatePerson(context.Background(), n)
	if err != nil {
		e.t.Fatalf("person %s: %v", wechatID, err)
	}
	return p
}

func (e *env) mailer() store.MailFunc {
	return func(to, token string) store.Mail {
		m := store.Mail{To: to, Subject: "activate", Body: token, Link: "/register/activate?token=" + token}
		e.mails = append(e.mails, m)
		return m
	}
}

// account runs the whole wizard in the store for admin and returns the finished account.
// Non-personal subjects get a valid credit code.
func (e *env) account(email string, admin store.Person, subjectType string) store.Account {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.st.Register(ctx, store.Registration{Email: email, Password: "Passw0rd!", PasswordConfirm: "Passw0rd!", Agree: true}, e.mailer())
	if err != nil {
		e.t.Fatalf("register %s: %v", email, err)
	}
	if _, err := e.st.Activate(ctx, e.mails[len(e.mails)-1].Body); err != nil {
		e.t.Fatal(err)
	}
	sub := store.Subject{Type: subjectType, AdminName: admin.RealName, AdminIDNumber: admin.IDNumber, AdminPhone: "13800138000"}
	if subjectType != "personal" {
		sub.OrgName, sub.CreditCode = "示例科技有限公司", store.CreditCodeWithCheck("91350100M000100Y4")
	}
	if err := e.st.SaveSubject(ctx, id, sub); err != nil {
		e.t.Fatalf("subject: %v", err)
	}
	token, err := e.st.CreateScan(ctx, store.PurposeBindAdmin, id, 0, store.Requester{})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.DecideScan(ctx, token, admin.ID, true); err != nil {
		e.t.Fatalf("bind admin: %v", err)
	}
	if err := e.st.CompleteBindAdmin(ctx, token, id); err != nil {
		e.t.Fatal(err)
	}
	a, err := e.st.ConfirmRegistration(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// console is a browser signed in to account as person, with the session cookie minted
// the way login would mint it (roles are still read from the database on every request).
func (e *env) console(a store.Account, p store.Person) *client {
	e.t.Helper()
	return e.withSession(consoleSession, map[any]any{keyAccount: a.ID, keyPerson: p.ID})
}

// wx is a browser signed in to the simulated WeChat as p.
func (e *env) wx(p store.Person) *client {
	e.t.Helper()
	return e.withSession(wxSession, map[any]any{keyWxPerson: p.ID})
}

func (e *env) withSession(name string, values map[any]any) *client {
	c := e.client()
	req := httptest.NewRequest("GET", "/", nil)
	rec := httptest.NewRecorder()
	sess, _ := e.srv.sessions.New(req, name)
	for k, v := range values {
		sess.Values[k] = v
	}
	if err := sess.Save(req, rec); err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(e.http.URL)
	c.jar.SetCookies(u, rec.Result().Cookies())
	return c
}
