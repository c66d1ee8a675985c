package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// Helpers of the foundation's handler tests (wizard, login, simulator, ops registry).
// Every page these tests open goes through open/submit, which also check that the page
// shows no raw catalog id (T answers the id itself when a message is missing).

var (
	catalogOnce sync.Once
	catalogIDs  map[string]map[string]string // file name → id → text
	rawIDRegexp *regexp.Regexp
)

// catalog loads every views/locales/*.json file.
func catalog(t *testing.T) map[string]map[string]string {
	t.Helper()
	catalogOnce.Do(func() {
		files, _ := filepath.Glob("../views/locales/*.json")
		catalogIDs = map[string]map[string]string{}
		prefixes := map[string]bool{"error": true}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			m := map[string]string{}
			if json.Unmarshal(raw, &m) != nil {
				continue
			}
			catalogIDs[filepath.Base(f)] = m
			for id := range m {
				prefixes[strings.SplitN(id, ".", 2)[0]] = true
			}
		}
		var alts []string
		for p := range prefixes {
			alts = append(alts, regexp.QuoteMeta(p))
		}
		sort.Strings(alts)
		rawIDRegexp = regexp.MustCompile(`\b(` + strings.Join(alts, "|") + `)\.[a-z0-9_]+(\.[a-z0-9_]+)*\b`)
	})
	if len(catalogIDs) == 0 {
		t.Fatal("no catalog files under ../views/locales")
	}
	return catalogIDs
}

// rawIDs lists the catalog-id-looking words a page shows: its text and the attributes
// people read (alt, title, placeholder, aria-label).
func rawIDs(t *testing.T, r resp) []string {
	t.Helper()
	catalog(t)
	if r.doc == nil || !strings.Contains(r.header.Get("Content-Type"), "text/html") {
		return nil
	}
	texts := []string{r.doc.Text()}
	for _, attr := range []string{"alt", "title", "placeholder", "aria-label"} {
		r.doc.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
			texts = append(texts, s.AttrOr(attr, ""))
		})
	}
	var out []string
	for _, s := range texts {
		for _, id := range rawIDRegexp.FindAllString(s, -1) {
			if !fileNames[id] {
				out = append(out, id)
			}
		}
	}
	return out
}

// fileNames are words of the product's text that look like catalog ids: the mini
// program's app.json (SPEC §12) is named in the upload's hint and errors.
var fileNames = map[string]bool{"app.json": true}

func noRawIDs(t *testing.T, what string, r resp) {
	t.Helper()
	if ids := rawIDs(t, r); len(ids) > 0 {
		t.Errorf("%s shows raw catalog ids %v", what, ids)
	}
}

// open GETs path like get, and checks the page for raw catalog ids.
func (c *client) open(path string) resp {
	c.e.t.Helper()
	r := c.get(path)
	noRawIDs(c.e.t, "GET "+path, r)
	return r
}

// submit posts like post, and checks the answer for raw catalog ids.
func (c *client) submit(path string, form url.Values, htmx bool) resp {
	c.e.t.Helper()
	r := c.post(path, form, htmx)
	noRawIDs(c.e.t, "POST "+path, r)
	return r
}

// poll is the htmx poll of a waiting page.
func (c *client) poll(path string) resp {
	c.e.t.Helper()
	r := c.do("GET", path, nil, "", true)
	noRawIDs(c.e.t, "poll "+path, r)
	return r
}

// modes runs f once for a plain form post and once for htmx.
func modes(t *testing.T, f func(t *testing.T, htmx bool)) {
	t.Helper()
	t.Run("plain", func(t *testing.T) { f(t, false) })
	t.Run("htmx", func(t *testing.T) { f(t, true) })
}

// wantFragment checks that a plain request got a whole page and htmx a fragment.
func wantFragment(t *testing.T, r resp, htmx bool) {
	t.Helper()
	if r.fullPage() == htmx {
		t.Errorf("htmx=%v but whole page=%v", htmx, r.fullPage())
	}
}

// choiceFields are answered with radio buttons or submit buttons, not one input that
// could carry aria-invalid.
var choiceFields = map[string]bool{"subject_type": true, "account": true, "decision": true}

// wantFieldError checks a 422 form answer: the SPEC §13 error next to field, the field
// marked aria-invalid, a whole page or a fragment as asked.
func wantFieldError(t *testing.T, r resp, htmx bool, field, code string) {
	t.Helper()
	wantStatus(t, r, http.StatusUnprocessableEntity)
	wantFragment(t, r, htmx)
	sel := `.field-error[data-error-for="` + field + `"][data-error-code="` + code + `"]`
	if r.doc.Find(sel).Length() != 1 {
		t.Fatalf("no %s; errors shown: %v", sel, errorsShown(r))
	}
	if strings.TrimSpace(r.doc.Find(sel).Text()) == "" {
		t.Errorf("%s has no message", sel)
	}
	if !choiceFields[field] && r.doc.Find(`[name="`+field+`"][aria-invalid="true"]`).Length() == 0 {
		t.Errorf("field %q is not marked aria-invalid", field)
	}
}

// wantAlert checks a page-level error: role=alert with its code.
func wantAlert(t *testing.T, r resp, status int, htmx bool, code string) {
	t.Helper()
	wantStatus(t, r, status)
	wantFragment(t, r, htmx)
	if got := r.errCode(""); got != code {
		t.Fatalf("alert code %q, want %q; errors shown: %v", got, code, errorsShown(r))
	}
}

func errorsShown(r resp) []string {
	var out []string
	r.doc.Find("[data-error-code]").Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-error-for", "")+"="+s.AttrOr("data-error-code", ""))
	})
	return out
}

// wantValue checks that the form kept what was typed in field.
func wantValue(t *testing.T, r resp, field, value string) {
	t.Helper()
	if got := r.doc.Find(`input[name="`+field+`"]`).AttrOr("value", ""); got != value {
		t.Errorf("field %q shows %q, want the typed %q", field, got, value)
	}
}

// wantRedirect checks the end of a successful post or a guarded GET: 303 with Location
// for a browser, HX-Redirect for htmx.
func wantRedirect(t *testing.T, r resp, htmx bool, to string) {
	t.Helper()
	if htmx {
		if got := r.header.Get("HX-Redirect"); got != to || r.status >= 300 {
			t.Fatalf("htmx answer %d with HX-Redirect %q, want %q; body: %.300s", r.status, got, to, r.body)
		}
		return
	}
	if r.status != http.StatusSeeOther || r.header.Get("Location") != to {
		t.Fatalf("answer %d → %q, want 303 → %q; body: %.300s", r.status, r.header.Get("Location"), to, r.body)
	}
}

// ---- the wizard through HTTP, as a browser without JavaScript walks it ----

var goodRegistration = url.Values{"password": {"Passw0rd!"}, "password_confirm": {"Passw0rd!"}, "agree": {"on"}}

func registrationForm(email string) url.Values {
	f := url.Values{"email": {email}}
	for k, v := range goodRegistration {
		f[k] = v
	}
	return f
}

// startRegistration is step 1 in browser c.
func (e *env) startRegistration(c *client, email string) {
	e.t.Helper()
	wantRedirect(e.t, c.submit("/register", registrationForm(email), false), false, "/register/activate")
}

// activationLink is the path of the newest activation link mailed to email, read off
// the sandbox mailbox of browser c (the one that registered) as a person would.
func (e *env) activationLink(c *client, email string) string {
	e.t.Helper()
	mb := c.open("/mailbox")
	wantStatus(e.t, mb, http.StatusOK)
	href := mb.doc.Find(`article[data-testid="mail"][data-to="`+email+`"] a[href*="/register/activate?token="]`).First().AttrOr("href", "")
	if href == "" {
		e.t.Fatalf("no activation link for %s in the mailbox", email)
	}
	return pathOf(href)
}

func pathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || !p.IsAbs() {
		return u
	}
	return p.RequestURI()
}

// toSubject registers and activates email in c: the browser is at the subject step.
func (e *env) toSubject(c *client, email string) {
	e.t.Helper()
	e.startRegistration(c, email)
	wantRedirect(e.t, c.open(e.activationLink(c, email)), false, "/register/subject")
}

// badIDNumber is a valid ID number with one typo in its check character.
func badIDNumber() string {
	id := idNumber()
	if id[17] == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

func subjectForm(admin store.Person) url.Values {
	return url.Values{"subject_type": {"personal"}, "admin_name": {admin.RealName}, "admin_id_number": {admin.IDNumber}, "admin_phone": {"13800138000"}}
}

// toAdmin brings c to the administrator step with admin named in the subject.
func (e *env) toAdmin(c *client, email string, admin store.Person) {
	e.t.Helper()
	e.toSubject(c, email)
	wantRedirect(e.t, c.submit("/register/subject", subjectForm(admin), false), false, "/register/admin")
}

// scanPath is the /wx/scan/{token} path a waiting page links to.
func scanPath(t *testing.T, r resp) string {
	t.Helper()
	href := r.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", "")
	if !strings.Contains(href, "/wx/scan/") {
		t.Fatalf("no scan link on the page (status %d): %.300s", r.status, r.body)
	}
	return pathOf(href)
}

// decide confirms or rejects the scan at path on the phone of the signed-in phone.
func decide(t *testing.T, phone *client, path, decision string) resp {
	t.Helper()
	return phone.submit(path, url.Values{"decision": {decision}}, false)
}

// toConfirm brings c to the confirm step: admin scans and confirms.
func (e *env) toConfirm(c *client, email string, admin store.Person) {
	e.t.Helper()
	e.toAdmin(c, email, admin)
	path := scanPath(e.t, c.open("/register/admin"))
	wantRedirect(e.t, decide(e.t, e.wx(admin), path, "confirm"), false, path)
	wantRedirect(e.t, c.open("/register/admin"), false, "/register/confirm")
}
