package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"mpconsole/store"
)

// Wrong password and unknown email: one code, one message, the email kept, 422.
func TestLoginFailed(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	e.account("owner@example.com", admin, "personal")
	modes(t, func(t *testing.T, htmx bool) {
		wrong := e.client().submit("/login", url.Values{"email": {"owner@example.com"}, "password": {"Wrong-pass1"}}, htmx)
		wantAlert(t, wrong, http.StatusUnprocessableEntity, htmx, "login_failed")
		wantValue(t, wrong, "email", "owner@example.com")
		if wrong.doc.Find(`input[name="password"]`).AttrOr("value", "") != "" {
			t.Error("the password was echoed back")
		}
		unknown := e.client().submit("/login", url.Values{"email": {"nobody@example.com"}, "password": {"Passw0rd!"}}, htmx)
		wantAlert(t, unknown, http.StatusUnprocessableEntity, htmx, "login_failed")
		if a, b := wrong.doc.Find(`[role="alert"]`).Text(), unknown.doc.Find(`[role="alert"]`).Text(); a != b || a == "" {
			t.Errorf("the two failures read differently: %q vs %q", a, b)
		}
		if len(errorsShown(wrong)) != 1 {
			t.Errorf("more than one hint: %v", errorsShown(wrong))
		}
	})
}

// Five failures within 15 minutes: 429 with login_locked, even for the right password,
// until 15 minutes have passed.
func TestLoginLocked(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	e.account("owner@example.com", admin, "personal")
	c := e.client()
	bad := url.Values{"email": {"owner@example.com"}, "password": {"Wrong-pass1"}}
	good := url.Values{"email": {"owner@example.com"}, "password": {"Passw0rd!"}}
	for i := 0; i < store.LockoutFailures; i++ {
		wantAlert(t, c.submit("/login", bad, i%2 == 0), http.StatusUnprocessableEntity, i%2 == 0, "login_failed")
	}
	modes(t, func(t *testing.T, htmx bool) {
		r := c.submit("/login", good, htmx)
		wantAlert(t, r, http.StatusTooManyRequests, htmx, "login_locked")
		wantValue(t, r, "email", "owner@example.com")
	})
	e.clock.Advance(store.LockoutWindow)
	wantRedirect(t, c.submit("/login", good, false), false, "/login/scan")
}

// Login asks for a scan by a member: a random person gets not_a_member (on the phone and
// on the console), the administrator's confirmation signs in on the next GET.
func TestLoginScan(t *testing.T) {
	e := newEnv(t)
	stranger := e.person("stranger", "")
	modes(t, func(t *testing.T, htmx bool) {
		admin := e.person("admin_"+strconv.FormatBool(htmx), "张三")
		a := e.account(admin.WechatID+"@example.com", admin, "personal")
		c := e.client()
		wantRedirect(t, c.submit("/login", url.Values{"email": {a.Email}, "password": {"Passw0rd!"}}, htmx), htmx, "/login/scan")
		w := c.open("/login/scan")
		wantStatus(t, w, http.StatusOK)
		if w.doc.Find(`[data-testid="scan-state"][data-state="pending"]`).Length() != 1 || w.doc.Find(`img[data-testid="scan-qr"]`).Length() != 1 {
			t.Fatalf("no pending login scan: %s", w.body)
		}
		path := scanPath(t, w)
		if r := e.wx(stranger).open(path); r.doc.Find(`[data-testid="wx-scan"][data-purpose="login"]`).Length() != 1 {
			t.Fatal("the phone does not show a login request")
		}
		wantAlert(t, decide(t, e.wx(stranger), path, "confirm"), http.StatusUnprocessableEntity, false, "not_a_member")
		if p := c.poll("/login/scan"); p.doc.Find(`[data-testid="scan-state"][data-state="pending"] [data-error-code="not_a_member"]`).Length() != 1 {
			t.Fatalf("the console does not show the refusal: %s", p.body)
		}
		if r := c.open("/home"); r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Fatalf("signed in before the scan: %d", r.status)
		}
		decide(t, e.wx(admin), path, "confirm")
		if htmx {
			wantRedirect(t, c.poll("/login/scan"), true, "/home")
		} else {
			wantRedirect(t, c.open("/login/scan"), false, "/home")
		}
		home := c.open("/home")
		wantStatus(t, home, http.StatusOK)
		if home.testid("app-id") != a.AppID {
			t.Fatalf("signed in to %q, want %q", home.testid("app-id"), a.AppID)
		}
		wantRedirect(t, c.open("/login/scan"), false, "/login")
	})
}

// A login scan that expires or is rejected says so and offers a new code.
func TestLoginScanExpiredAndRejected(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.client()
	wantRedirect(t, c.submit("/login", url.Values{"email": {a.Email}, "password": {"Passw0rd!"}}, false), false, "/login/scan")
	path := scanPath(t, c.open("/login/scan"))
	e.clock.Advance(store.ScanTTL + time.Second)
	r := c.poll("/login/scan")
	if r.doc.Find(`[data-testid="scan-state"][data-state="expired"] form[action="/login/qr?renew=1"]`).Length() != 1 {
		t.Fatalf("no expired state with a new-code form: %s", r.body)
	}
	wantAlert(t, decide(t, e.wx(admin), path, "confirm"), http.StatusGone, false, "scan_gone")
	wantRedirect(t, c.submit("/login/qr", nil, false), false, "/login/scan")
	path = scanPath(t, c.open("/login/scan"))
	decide(t, e.wx(admin), path, "reject")
	if r := c.open("/login/scan"); r.doc.Find(`[data-testid="scan-state"][data-state="rejected"]`).Length() != 1 {
		t.Fatalf("no rejected state: %s", r.body)
	}
	if r := c.open("/home"); r.status != http.StatusSeeOther {
		t.Fatalf("a rejected scan signed in: %d", r.status)
	}
}

// Scan login: any member scans, then picks one of their accounts.
func TestScanLogin(t *testing.T) {
	e := newEnv(t)
	admin, stranger := e.person("admin_one", "张三"), e.person("stranger", "")
	first := e.account("first@example.com", admin, "personal")
	second := e.account("second@example.com", admin, "enterprise")
	theirs := e.account("theirs@example.com", e.person("admin_two", "李四"), "personal")
	modes(t, func(t *testing.T, htmx bool) {
		c := e.client()
		wantRedirect(t, c.submit("/login/qr", nil, htmx), htmx, "/login/scan")
		path := scanPath(t, c.open("/login/scan"))
		wantAlert(t, decide(t, e.wx(stranger), path, "confirm"), http.StatusUnprocessableEntity, false, "not_a_member")
		decide(t, e.wx(admin), path, "confirm")
		wantRedirect(t, c.open("/login/scan"), false, "/login/scan")
		pick := c.open("/login/scan")
		wantStatus(t, pick, http.StatusOK)
		buttons := pick.doc.Find(`[data-testid="pick-account"]`)
		if buttons.Length() != 2 || buttons.Eq(0).AttrOr("value", "") != strconv.FormatInt(first.ID, 10) || buttons.Eq(1).AttrOr("value", "") != strconv.FormatInt(second.ID, 10) {
			t.Fatalf("picker offers %d accounts: %s", buttons.Length(), pick.body)
		}
		r := c.submit("/login/scan", url.Values{"account": {strconv.FormatInt(theirs.ID, 10)}}, htmx)
		wantFieldError(t, r, htmx, "account", "not_a_member")
		wantFieldError(t, c.submit("/login/scan", url.Values{"account": {"x"}}, htmx), htmx, "account", "not_a_member")
		wantRedirect(t, c.submit("/login/scan", url.Values{"account": {strconv.FormatInt(second.ID, 10)}}, htmx), htmx, "/home")
		if got := c.open("/home").testid("app-id"); got != second.AppID {
			t.Fatalf("signed in to %q, want %q", got, second.AppID)
		}
	})
	// Without a confirmed scan there is nothing to pick.
	wantRedirect(t, e.client().submit("/login/scan", url.Values{"account": {strconv.FormatInt(first.ID, 10)}}, false), false, "/login")
	wantRedirect(t, e.client().open("/login/scan"), false, "/login")
}

// Logout ends the console session (and only it).
func TestLogout(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	modes(t, func(t *testing.T, htmx bool) {
		c := e.console(a, admin)
		wantStatus(t, c.open("/home"), http.StatusOK)
		wantRedirect(t, c.submit("/logout", nil, htmx), htmx, "/login")
		wantRedirect(t, c.open("/home"), false, "/login")
	})
	// The console and the simulator are separate sessions in one browser.
	c := e.console(a, admin)
	u, _ := url.Parse(e.http.URL)
	c.jar.SetCookies(u, e.wx(admin).jar.Cookies(u))
	wantRedirect(t, c.submit("/logout", nil, false), false, "/login")
	if r := c.open("/wx"); r.status != http.StatusOK {
		t.Fatalf("console logout ended the simulator session: %d", r.status)
	}
}

// A new code for an expired email + password login stays a login to that account: the
// renewed scan is refused to a person who is no member of it.
func TestLoginScanRenewKeepsTheAccount(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	other := e.person("other_one", "李四")
	e.account("other@example.com", other, "personal")
	c := e.client()
	wantStatus(t, c.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"Passw0rd!"}}, false), http.StatusSeeOther)
	c.get("/login/scan")
	e.clock.Advance(6 * time.Minute)
	r := c.get("/login/scan")
	form := r.doc.Find(`[data-testid="scan-state"][data-state="expired"] form`)
	action := form.AttrOr("action", "")
	if action == "" {
		t.Fatalf("expired login scan offers no new code: %.300s", r.body)
	}
	wantStatus(t, c.post(action, url.Values{}, false), http.StatusSeeOther)
	r = c.get("/login/scan")
	link := r.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", "")
	u, _ := url.Parse(link)
	wantStatus(t, e.wx(other).post(u.Path, url.Values{"decision": {"confirm"}}, false), http.StatusUnprocessableEntity)
	wantStatus(t, e.wx(admin).post(u.Path, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	r = c.get("/login/scan")
	if r.status != http.StatusSeeOther || r.location() != "/home" {
		t.Fatalf("after the admin confirms the renewed code: %d → %q", r.status, r.location())
	}
	if got := c.get("/home").testid("app-id"); got != a.AppID {
		t.Fatalf("signed in to %q, want %q", got, a.AppID)
	}
}

// The account picker of a confirmed scan login does not wait for ever: after ScanTTL the
// browser is back at /login and a pick is refused.
func TestScanLoginPickerExpires(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("first@example.com", admin, "personal")
	c := e.client()
	wantRedirect(t, c.submit("/login/qr", nil, false), false, "/login/scan")
	decide(t, e.wx(admin), scanPath(t, c.open("/login/scan")), "confirm")
	wantRedirect(t, c.open("/login/scan"), false, "/login/scan")
	wantStatus(t, c.open("/login/scan"), http.StatusOK)
	e.clock.Advance(store.ScanTTL)
	wantRedirect(t, c.open("/login/scan"), false, "/login")
	wantRedirect(t, c.submit("/login/scan", url.Values{"account": {strconv.FormatInt(a.ID, 10)}}, false), false, "/login")
	if r := c.open("/home"); r.status != http.StatusSeeOther {
		t.Fatalf("an expired pick signed in: %d", r.status)
	}
}
