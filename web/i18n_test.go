package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
	"mpconsole/views"
)

// getLang GETs path with the given Accept-Language (the test client otherwise says en).
func (c *client) getLang(path, acceptLanguage string) resp {
	c.e.t.Helper()
	req, _ := http.NewRequest("GET", c.e.http.URL+path, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	r := c.send(req)
	noRawIDs(c.e.t, "GET "+path, r)
	return r
}

func tr(lang, id string) string {
	return views.T(views.WithLanguage(context.Background(), lang), id)
}

// The language comes from ?lang=, then the lang cookie (which ?lang= sets), then
// Accept-Language, then Simplified Chinese.
func TestLanguageChoice(t *testing.T) {
	e := newEnv(t)
	zh, en := tr("zh-CN", "login.title"), tr("en", "login.title")
	if zh == en || zh == "login.title" || en == "login.title" {
		t.Fatalf("the catalog does not translate login.title: %q / %q", zh, en)
	}
	want := func(r resp, lang, title string) {
		t.Helper()
		wantStatus(t, r, http.StatusOK)
		if got := r.doc.Find("html").AttrOr("lang", ""); got != lang {
			t.Errorf("html lang = %q, want %q", got, lang)
		}
		if got := r.doc.Find("title").Text(); !strings.HasPrefix(got, title+" ·") {
			t.Errorf("title %q, want %q", got, title)
		}
	}
	c := e.client()
	want(c.getLang("/login", "zh-CN,zh;q=0.9"), "zh-CN", zh)
	want(c.getLang("/login", "en-US,en;q=0.8"), "en", en)
	want(c.getLang("/login", "fr-FR"), "zh-CN", zh)
	want(c.getLang("/login", ""), "zh-CN", zh)
	r := c.getLang("/login?lang=en", "zh-CN")
	want(r, "en", en)
	if !strings.Contains(strings.Join(r.header.Values("Set-Cookie"), "\n"), "lang=en;") {
		t.Fatal("?lang=en set no lang cookie")
	}
	want(c.getLang("/login", "zh-CN"), "en", en)
	want(c.getLang("/wx/login", "zh-CN"), "en", tr("en", "wx.login"))
	want(c.getLang("/login?lang=zh-CN", "en"), "zh-CN", zh)
	want(c.getLang("/login", "en"), "zh-CN", zh)
	want(c.getLang("/login?lang=xx", "en"), "zh-CN", zh)
}

// Every catalog file has a twin in the other language with exactly the same ids, and no
// message is empty.
func TestCatalogTwins(t *testing.T) {
	files := catalog(t)
	for name, ids := range files {
		lang := langOf(name)
		if lang == "" {
			t.Errorf("%s is not named FEATURE.en.json or FEATURE.zh-CN.json", name)
			continue
		}
		other := strings.TrimSuffix(name, lang+".json") + map[string]string{"en": "zh-CN", "zh-CN": "en"}[lang] + ".json"
		twin, ok := files[other]
		if !ok {
			t.Errorf("%s has no twin %s", name, other)
			continue
		}
		for id, text := range ids {
			if _, ok := twin[id]; !ok {
				t.Errorf("%s has %q, %s does not", name, id, other)
			}
			if strings.TrimSpace(text) == "" && !strings.HasSuffix(id, ".") {
				t.Errorf("%s: %q is empty", name, id)
			}
		}
	}
}

func langOf(name string) string {
	for _, l := range []string{"zh-CN", "en"} {
		if strings.HasSuffix(name, "."+l+".json") {
			return l
		}
	}
	return ""
}

// Every error code the code can produce has a message in both languages.
func TestErrorCodesInCatalog(t *testing.T) {
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`invalid\("[a-z_]*", "([a-z_]+)"\)`),
		regexp.MustCompile(`\.Add\((?:"[a-z_]*"|\w+), "([a-z_]+)"\)`),
		regexp.MustCompile(`Errors: map\[string\]string\{"[a-z_]*": "([a-z_]+)"\}`),
		regexp.MustCompile(`ErrorPage\([^,]+, "([a-z_]+)"\)`),
	}
	// Rule helpers answer a code as a plain string: who may decide a scan, a role list, a
	// transfer's new administrator.
	plain := regexp.MustCompile(`return "([a-z_]+)", nil|return nil, "([a-z_]+)"|return "([a-z_]+)"\n`)
	files, _ := filepath.Glob("../store/*.go")
	more, _ := filepath.Glob("*.go")
	codes := map[string]bool{}
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ps := patterns
		switch filepath.Base(f) {
		case "members.go", "transfer.go":
			ps = append(ps, plain)
		case "scans.go":
			ps = append(ps, regexp.MustCompile(`return "([a-z_]+)", nil`))
		}
		for _, p := range ps {
			for _, m := range p.FindAllStringSubmatch(string(src), -1) {
				for _, code := range m[1:] {
					if code != "" {
						codes[code] = true
					}
				}
			}
		}
	}
	for _, code := range []string{"email_invalid", "id_quota_exceeded", "admin_identity_mismatch", "login_locked", "confirm_required", "not_a_member", "not_operator",
		"domain_quota", "roles_required", "already_admin", "admin_identity_missing"} {
		if !codes[code] {
			t.Fatalf("the source scan missed %q: the patterns are stale", code)
		}
	}
	var missing []string
	for code := range codes {
		for _, lang := range []string{"zh-CN", "en"} {
			if tr(lang, "error."+code) == "error."+code {
				missing = append(missing, lang+":error."+code)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("error codes without a message: %v", missing)
	}
}

// The raw-id detector finds a missing message and leaves ordinary text alone.
func TestRawIDDetector(t *testing.T) {
	page := func(html string) resp {
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(html))
		return resp{header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: html, doc: doc}
	}
	for html, want := range map[string]int{
		`<p>error.no_such_code</p>`:                            1,
		`<img alt="scan.qr_alt"><title>register.title</title>`: 2,
		`<p>owner@example.com, wx1234 · 3.5 · e.g. a.b</p>`:    0,
		`<p>Log in</p>`: 0,
	} {
		if got := rawIDs(t, page(html)); len(got) != want {
			t.Errorf("%s: found %v, want %d", html, got, want)
		}
	}
}

// Every page of the foundation, with its errors, in both languages: no raw catalog id
// (open and submit check each answer).
func TestPagesShowNoRawIDs(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		t.Run(lang, func(t *testing.T) {
			e := newEnv(t)
			in := func(c *client) *client {
				if r := c.open("/login?lang=" + lang); r.doc.Find("html").AttrOr("lang", "") != lang {
					t.Fatalf("page not in %s", lang)
				}
				return c
			}
			admin, stranger := e.person("admin_one", "张三"), e.person("stranger", "")
			a := e.account("owner@example.com", admin, "enterprise")
			c := in(e.client())
			// want checks each step's status, so every state below is really reached.
			want := func(r resp, status int) {
				t.Helper()
				if r.status != status {
					t.Fatalf("status %d, want %d: %.300s", r.status, status, r.body)
				}
			}
			for p, status := range map[string]int{"/register": 200, "/login": 200, "/mailbox": 200, "/wx/signup": 200, "/wx/login": 200, "/nope": 404, "/register/activate?token=x": 404} {
				want(c.open(p), status)
			}
			want(c.submit("/register", url.Values{"email": {"x"}, "password": {"short"}}, false), 422)
			want(c.submit("/register", url.Values{"email": {"owner@example.com"}, "password": {"Passw0rd!"}, "password_confirm": {"other-pass"}}, true), 422)
			want(c.submit("/register/resend", url.Values{"email": {"nobody@example.com"}}, false), 422)
			want(c.submit("/login", url.Values{"email": {"owner@example.com"}}, false), 422)
			want(c.submit("/wx/signup", url.Values{"wechat_id": {"1"}, "id_number": {"1"}, "bound_email": {"x"}}, false), 422)
			want(c.submit("/wx/login", url.Values{"wechat_id": {"1"}}, false), 422)
			e.toSubject(c, "new@example.com")
			usedLink := e.activationLink(c, "new@example.com")
			want(c.open("/register/subject"), 200)
			want(c.submit("/register/subject", url.Values{"subject_type": {"enterprise"}}, false), 422)
			want(c.submit("/register/subject", url.Values{"subject_type": {"x"}}, true), 422)
			wantRedirect(t, c.submit("/register/subject", subjectForm(admin), false), false, "/register/admin")
			path := scanPath(t, c.open("/register/admin"))
			phone := in(e.wx(stranger))
			want(phone.open(path), 200)
			want(decide(t, phone, path, "confirm"), 422) // not the administrator's identity
			want(phone.submit(path, url.Values{"decision": {"x"}}, false), 422)
			want(c.open("/register/admin"), 200)
			e.clock.Advance(store.ScanTTL)
			want(c.open("/register/admin"), 200) // expired, with a new-code form
			want(phone.open(path), 410)
			want(decide(t, phone, path, "confirm"), 410)
			want(c.submit("/register/admin", nil, false), 303)
			path = scanPath(t, c.open("/register/admin"))
			owner := in(e.wx(admin))
			want(decide(t, owner, path, "confirm"), 303)
			want(owner.open(path), 200)
			want(phone.open(path), 410)
			want(c.open("/register/admin"), 303)
			want(c.open("/register/confirm"), 200)
			want(c.submit("/register/confirm", nil, false), 422)
			want(c.submit("/register/confirm", url.Values{"confirm": {"on"}}, false), 303)
			want(c.open("/home"), 200)
			want(owner.open("/wx"), 200)
			want(c.open(usedLink), 410)
			l := in(e.client())
			want(l.submit("/login/qr", nil, false), 303)
			want(decide(t, owner, scanPath(t, l.open("/login/scan")), "confirm"), 303)
			want(l.open("/login/scan"), 303)
			want(l.open("/login/scan"), 200) // the account picker
			want(l.submit("/login/scan", url.Values{"account": {"0"}}, false), 422)
			want(in(e.console(a, admin)).open("/home"), 200)
			want(phone.open("/ops"), 403)
			if err := e.st.SetOperator(context.Background(), "stranger", true); err != nil {
				t.Fatal(err)
			}
			want(phone.open("/ops"), 200)
			want(phone.open("/ops/registry"), 200)
			want(phone.submit("/ops/registry", url.Values{"email": {"x"}}, false), 422)
			want(phone.submit("/ops/registry", url.Values{"email": {"a@example.com"}}, false), 303)
			want(phone.open("/ops/registry"), 200)
		})
	}
}
