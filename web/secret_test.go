package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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

// Freeze and unfreeze take effect at once; each refuses the wrong state with a page alert.
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
			wantDone(t, c.post("/dev/settings/secret/freeze", nil, htmx), htmx)
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
			wantDone(t, c.post("/dev/settings/secret/unfreeze", nil, htmx), htmx)
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
