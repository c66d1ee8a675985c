package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mpconsole/store"
)

// Generating shows the secret exactly once, after the administrator's scan, and the
// one-time page answers 410 afterwards; a reset makes the old secret fail at once.
func TestSecretGenerateAndReset(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			a := e.account("owner@example.com", admin, "personal")
			c := e.console(a, admin)
			secret, show := e.consoleSecret(c, admin, htmx)
			if !hex32.MatchString(secret) {
				t.Fatalf("app-secret %q, want 32 lowercase hex", secret)
			}
			wantStatus(t, c.get(show), http.StatusGone)
			wantStatus(t, e.console(a, admin).get(show), http.StatusGone)
			if tok := e.apiGet(t, tokenURL(a.AppID, secret)); tok.AccessToken == "" {
				t.Fatalf("the new secret gets no token: %+v", tok)
			}

			second, _ := e.consoleSecret(c, admin, htmx)
			if second == secret || !hex32.MatchString(second) {
				t.Fatalf("reset gave %q after %q", second, secret)
			}
			wantAPIErr(t, e.apiGet(t, tokenURL(a.AppID, secret)), 40125, "invalid appsecret")
			if tok := e.apiGet(t, tokenURL(a.AppID, second)); tok.AccessToken == "" {
				t.Fatalf("the reset secret gets no token: %+v", tok)
			}
			if got := e.oplogActions(a); !slices.Contains(got, "secret_generated") || !slices.Contains(got, "secret_reset") {
				t.Fatalf("operation log %q lacks secret_generated and secret_reset", got)
			}
		})
	}
}

// The poll of a pending wait page keeps polling; someone other than the administrator
// cannot confirm (not_admin) and the page says so.
func TestSecretScanOnlyAdmin(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	dev := e.person("dev_one", "")
	a := e.account("owner@example.com", admin, "personal")
	e.member(a, dev, "project", "developer", "active")
	c := e.console(a, admin)
	r := c.post("/dev/settings/secret", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	token := tokenInPath.FindStringSubmatch(r.location())[1]
	phone := e.wx(dev).post("/wx/scan/"+token, url.Values{"decision": {"confirm"}}, false)
	wantStatus(t, phone, http.StatusUnprocessableEntity)
	if phone.errCode("") != "not_admin" {
		t.Fatalf("a developer confirming: error %q, want not_admin", phone.errCode(""))
	}
	w := c.do("GET", r.location(), nil, "", true)
	wantStatus(t, w, http.StatusOK)
	state := w.doc.Find(`[data-testid="scan-state"]`)
	if state.AttrOr("data-state", "") != "pending" || state.Find(`[data-error-code="not_admin"]`).Length() != 1 {
		t.Fatalf("after a wrong person: %s", w.body)
	}
	if sec, _ := e.st.AppSecretOf(context.Background(), a.ID); sec.State != store.SecretNone {
		t.Fatalf("a refused scan generated a secret: %+v", sec)
	}
}

// Unknown tokens and another account's tokens are 404 on both secret pages.
func TestSecretPagesOtherTokens(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	other := e.person("admin_two", "李四")
	a := e.account("owner@example.com", admin, "personal")
	b := e.account("other@example.com", other, "personal")
	r := e.console(b, other).post("/dev/settings/secret", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	theirs := tokenInPath.FindStringSubmatch(r.location())[1]
	c := e.console(a, admin)
	for _, p := range []string{"/dev/settings/secret/wait/" + theirs, "/dev/settings/secret/" + theirs,
		"/dev/settings/secret/wait/" + strings.Repeat("0", 64), "/dev/settings/secret/" + strings.Repeat("0", 64)} {
		wantStatus(t, c.get(p), http.StatusNotFound)
	}
}

// Freeze and unfreeze need the administrator's freeze_secret scan (SPEC §10) and take
// effect once it is confirmed; each refuses the wrong state with a page alert before any
// scan is asked.
func TestSecretFreeze(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			a := e.account("owner@example.com", admin, "personal")
			c := e.console(a, admin)
			r := c.post("/dev/settings/secret/freeze", nil, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("") != "secret_missing" || r.fullPage() == htmx {
				t.Fatalf("freeze without a secret: %q (full page %v)", r.errCode(""), r.fullPage())
			}
			secret := e.appSecret(a, admin)
			e.consoleFreeze(c, admin, "freeze", htmx)
			if st := c.get("/dev/settings").doc.Find(`[data-testid="secret-state"]`).AttrOr("data-state", ""); st != store.SecretFrozen {
				t.Fatalf("after freeze the state is %q", st)
			}
			wantAPIErr(t, e.apiGet(t, tokenURL(a.AppID, secret)), 40243, "AppSecret已被冻结，请登录小程序平台解冻后再次调用。")
			for _, p := range []string{"/dev/settings/secret/freeze", "/dev/settings/secret"} {
				r = c.post(p, nil, htmx)
				wantStatus(t, r, http.StatusUnprocessableEntity)
				if r.errCode("") != "secret_frozen" {
					t.Fatalf("POST %s while frozen: %q, want secret_frozen", p, r.errCode(""))
				}
			}
			e.consoleFreeze(c, admin, "unfreeze", htmx)
			if tok := e.apiGet(t, tokenURL(a.AppID, secret)); tok.AccessToken == "" {
				t.Fatalf("after unfreeze the secret works again: %+v", tok)
			}
			r = c.post("/dev/settings/secret/unfreeze", nil, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("") != "secret_not_frozen" {
				t.Fatalf("unfreeze when not frozen: %q", r.errCode(""))
			}
			if got := e.oplogActions(a); !slices.Contains(got, "secret_frozen") || !slices.Contains(got, "secret_unfrozen") {
				t.Fatalf("operation log %q", got)
			}
		})
	}
}

// A freeze waits for the administrator: a developer's confirmation is refused on the phone
// and shown on the waiting page, the secret keeps working meanwhile, and the phone names
// what is asked (freeze, then unfreeze).
func TestSecretFreezeWaitsForTheAdministrator(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	dev := e.person("dev_one", "")
	a := e.account("owner@example.com", admin, "personal")
	e.member(a, dev, "project", "developer", "active")
	secret := e.appSecret(a, admin)
	c := e.console(a, admin)
	r := c.post("/dev/settings/secret/freeze", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	m := freezeWaitPath.FindStringSubmatch(r.location())
	if m == nil || m[1] != "freeze" {
		t.Fatalf("POST freeze went to %q, want the freeze waiting page", r.location())
	}
	scan := "/wx/scan/" + m[2]
	if p := e.wx(admin).get(scan); p.doc.Find(`[data-testid="wx-scan"][data-purpose="freeze_secret"] h2`).Text() != tr("en", "scan.purpose.freeze_secret") {
		t.Fatalf("the phone does not say it freezes: %q", p.doc.Find(`[data-testid="wx-scan"] h2`).Text())
	}
	phone := e.wx(dev).post(scan, url.Values{"decision": {"confirm"}}, false)
	wantStatus(t, phone, http.StatusUnprocessableEntity)
	if phone.errCode("") != "not_admin" {
		t.Fatalf("a developer confirming: %q, want not_admin", phone.errCode(""))
	}
	w := c.get(r.location())
	wantStatus(t, w, http.StatusOK)
	if w.doc.Find(`[data-testid="scan-state"][data-state="pending"] [data-error-code="not_admin"]`).Length() != 1 {
		t.Fatalf("the waiting page does not say who may confirm: %.500s", w.body)
	}
	if tok := e.apiGet(t, tokenURL(a.AppID, secret)); tok.AccessToken == "" {
		t.Fatalf("the secret stops working before the administrator confirmed: %+v", tok)
	}
	if got := e.oplogActions(a); slices.Contains(got, "secret_frozen") {
		t.Fatalf("frozen without the administrator: %q", got)
	}
	wantStatus(t, e.wx(admin).post(scan, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	wantRedirect(t, c.get(r.location()), false, "/dev/settings")
	wantRedirect(t, c.get(r.location()), false, "/dev/settings") // spent: a reload changes nothing
	if got := e.oplogActions(a); !slices.Contains(got, "secret_frozen") {
		t.Fatalf("operation log %q", got)
	}
	r = c.post("/dev/settings/secret/unfreeze", nil, false)
	m = freezeWaitPath.FindStringSubmatch(r.location())
	if m == nil || m[1] != "unfreeze" {
		t.Fatalf("POST unfreeze went to %q", r.location())
	}
	if p := e.wx(admin).get("/wx/scan/" + m[2]); p.doc.Find(`[data-testid="wx-scan"] h2`).Text() != tr("en", "scan.purpose.unfreeze_secret") {
		t.Fatalf("the phone does not say it unfreezes: %q", p.doc.Find(`[data-testid="wx-scan"] h2`).Text())
	}
	// A freeze token is not a reset token, nor the other way round.
	wantStatus(t, c.get("/dev/settings/secret/wait/"+m[2]), http.StatusNotFound)
	wantStatus(t, c.get("/dev/settings/secret/freeze/"+strings.Repeat("0", 64)), http.StatusNotFound)
}

var freezeWaitPath = regexp.MustCompile(`^/dev/settings/secret/(freeze|unfreeze)/([0-9a-f]{64})$`)

// consoleFreeze walks the console's freeze (what = "freeze") or unfreeze: the POST, the
// waiting page with its code, the administrator's scan, and the waiting page moving on to
// /dev/settings with the flash.
func (e *env) consoleFreeze(c *client, admin store.Person, what string, htmx bool) {
	e.t.Helper()
	r := c.post("/dev/settings/secret/"+what, nil, htmx)
	wantDone(e.t, r, htmx)
	m := freezeWaitPath.FindStringSubmatch(r.location())
	if m == nil || m[1] != what {
		e.t.Fatalf("POST %s went to %q, want its waiting page", what, r.location())
	}
	w := c.get(r.location())
	wantStatus(e.t, w, http.StatusOK)
	if w.doc.Find(`[data-testid="scan-state"][data-state="pending"]`).Length() != 1 || w.doc.Find(`img[data-testid="scan-qr"]`).Length() != 1 {
		e.t.Fatalf("the %s waiting page shows no pending code: %.300s", what, w.body)
	}
	wantStatus(e.t, e.wx(admin).post("/wx/scan/"+m[2], url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	done := c.do("GET", r.location(), nil, "", htmx)
	wantRedirect(e.t, done, htmx, "/dev/settings")
	if c.get("/dev/settings").testid("flash") == "" {
		e.t.Fatalf("no flash after the %s", what)
	}
}
