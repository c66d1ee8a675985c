package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// Step 1: every rule's code next to its field, plainly and with htmx; typed values kept,
// passwords never echoed; nothing stored.
func TestRegisterStepErrors(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	e.account("owner@example.com", admin, "personal")
	if err := e.st.AddRegistryEmail(context.Background(), "open@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreatePerson(context.Background(), store.NewPerson{WechatID: "bound_one", Nickname: "b", Password: "Wx-pass-123", BoundEmail: "bound@example.com"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field, code string
		edit              url.Values
	}{
		{"email syntax", "email", "email_invalid", url.Values{"email": {"owner.example.com"}}},
		{"email here", "email", "email_registered_platform", url.Values{"email": {"Owner@Example.com"}}},
		{"open platform", "email", "email_registered_open", url.Values{"email": {"OPEN@example.com"}}},
		{"bound wechat", "email", "email_bound_wechat", url.Values{"email": {"bound@example.com"}}},
		{"weak password", "password", "password_weak", url.Values{"password": {"short"}, "password_confirm": {"short"}}},
		{"mismatch", "password_confirm", "password_mismatch", url.Values{"password_confirm": {"Passw0rd?"}}},
		{"agreement", "agree", "agree_required", url.Values{"agree": {""}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				f := registrationForm("new@example.com")
				for k, v := range tc.edit {
					f[k] = v
				}
				before, _ := e.st.AllMail(context.Background(), 100)
				r := e.client().submit("/register", f, htmx)
				wantFieldError(t, r, htmx, tc.field, tc.code)
				wantValue(t, r, "email", f.Get("email"))
				if r.doc.Find(`input[name="password"]`).AttrOr("value", "") != "" || strings.Contains(r.body, f.Get("password")) && f.Get("password") != "" {
					t.Error("the password was echoed back")
				}
				if agreed := r.doc.Find(`input[name="agree"][checked]`).Length() == 1; agreed != (f.Get("agree") != "") {
					t.Errorf("agree box checked=%v, typed %q", agreed, f.Get("agree"))
				}
				if after, _ := e.st.AllMail(context.Background(), 100); len(after) != len(before) {
					t.Error("a refused registration queued a mail")
				}
			})
		})
	}
}

// Step 1 succeeds with 303 (HX-Redirect for htmx) to step 2, which tells where the mail
// went and links to the sandbox mailbox; the mailbox shows the activation link.
func TestRegisterStepSuccess(t *testing.T) {
	e := newEnv(t)
	modes(t, func(t *testing.T, htmx bool) {
		email := "new" + map[bool]string{false: "plain", true: "htmx"}[htmx] + "@example.com"
		c := e.client()
		wantRedirect(t, c.submit("/register", registrationForm(" "+strings.ToUpper(email)+" "), htmx), htmx, "/register/activate")
		r := c.open("/register/activate")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.testid("activation-sent"), email) {
			t.Fatalf("step 2 does not say where the mail went: %q", r.testid("activation-sent"))
		}
		if r.doc.Find(`a[data-testid="mailbox-link"][href="/mailbox"]`).Length() != 1 {
			t.Fatal("step 2 does not link to the mailbox")
		}
		if link := e.activationLink(c, email); !strings.HasPrefix(link, "/register/activate?token=") {
			t.Fatalf("activation link %q", link)
		}
	})
}

// Step 2: the link signs the browser into the registration once; a used or expired link
// answers 410, an unknown one 404, each with the resend form; resending works.
func TestActivationLink(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	e.startRegistration(c, "owner@example.com")
	link := e.activationLink(c, "owner@example.com")
	other := e.client()
	wantRedirect(t, other.open(link), false, "/register/subject")
	if r := other.open("/register/subject"); r.status != http.StatusOK || r.doc.Find(`input[name="subject_type"]`).Length() != 6 {
		t.Fatalf("the link did not sign this browser into the registration: %d", r.status)
	}

	used := other.open(link)
	wantAlert(t, used, http.StatusGone, false, "activation_used")
	wantResendForm(t, used, "owner@example.com")

	unknown := e.client().open("/register/activate?token=" + store.NewToken())
	wantAlert(t, unknown, http.StatusNotFound, false, "activation_invalid")
	wantResendForm(t, unknown, "")

	late := e.client()
	e.startRegistration(late, "late@example.com")
	lateLink := e.activationLink(late, "late@example.com")
	e.clock.Advance(store.ActivationTTL)
	expired := late.open(lateLink)
	wantAlert(t, expired, http.StatusGone, false, "activation_expired")
	wantResendForm(t, expired, "late@example.com")
	// 48 hours on, the browser's session (and with it its mailbox) has timed out: the
	// password brings the registration, and its mail, back to this browser (SPEC §5, §6).
	wantRedirect(t, late.submit("/login", url.Values{"email": {"late@example.com"}, "password": goodRegistration["password"]}, false), false, "/register/activate")

	modes(t, func(t *testing.T, htmx bool) {
		r := late.submit("/register/resend", url.Values{"email": {"late@example.com"}}, htmx)
		wantRedirect(t, r, htmx, "/register/activate")
		fresh := e.activationLink(late, "late@example.com")
		if fresh == lateLink {
			t.Fatal("no new link was mailed")
		}
		lateLink = fresh
	})
	wantRedirect(t, late.open(lateLink), false, "/register/subject")
}

func wantResendForm(t *testing.T, r resp, email string) {
	t.Helper()
	form := r.doc.Find(`form[action="/register/resend"]`)
	if form.Length() != 1 || form.Find(`input[name="_csrf"]`).Length() != 1 {
		t.Fatal("the page offers no resend form")
	}
	if got := form.Find(`input[name="email"]`).AttrOr("value", ""); got != email {
		t.Fatalf("resend form offers %q, want %q", got, email)
	}
}

func TestResendErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	e.toSubject(c, "done@example.com")
	modes(t, func(t *testing.T, htmx bool) {
		r := c.submit("/register/resend", url.Values{"email": {"nobody@example.com"}}, htmx)
		wantFieldError(t, r, htmx, "email", "email_not_registered")
		wantValue(t, r, "email", "nobody@example.com")
		wantFieldError(t, c.submit("/register/resend", url.Values{"email": {"done@example.com"}}, htmx), htmx, "email", "already_activated")
	})
	if mails, _ := e.st.AllMail(context.Background(), 10); len(mails) != 1 {
		t.Fatalf("%d mails, want only the first", len(mails))
	}
}

// The wizard's pages follow the registration: jumping ahead or back lands on its step,
// without a registration on /login, and a finished account on /home.
func TestWizardGuard(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	pages := []string{"/register/subject", "/register/admin", "/register/confirm"}
	want := func(c *client, step string, to map[string]string) {
		t.Helper()
		for _, p := range pages {
			for _, htmx := range []bool{false, true} {
				var r resp
				if htmx {
					r = c.poll(p)
				} else {
					r = c.open(p)
				}
				if to[p] == "" {
					wantStatus(t, r, http.StatusOK)
					continue
				}
				wantRedirect(t, r, htmx, to[p])
			}
		}
	}
	c := e.client()
	want(c, "none", map[string]string{"/register/subject": "/login", "/register/admin": "/login", "/register/confirm": "/login"})
	e.startRegistration(c, "owner@example.com")
	want(c, "activate", map[string]string{"/register/subject": "/register/activate", "/register/admin": "/register/activate", "/register/confirm": "/register/activate"})
	wantRedirect(t, c.open(e.activationLink(c, "owner@example.com")), false, "/register/subject")
	want(c, "subject", map[string]string{"/register/admin": "/register/subject", "/register/confirm": "/register/subject"})
	wantRedirect(t, c.open("/register/activate"), false, "/register/subject")
	wantRedirect(t, c.submit("/register/subject", subjectForm(admin), false), false, "/register/admin")
	want(c, "admin", map[string]string{"/register/confirm": "/register/admin"})
	path := scanPath(t, c.open("/register/admin"))
	decide(t, e.wx(admin), path, "confirm")
	wantRedirect(t, c.open("/register/admin"), false, "/register/confirm")
	want(c, "confirm", map[string]string{"/register/subject": "/register/confirm", "/register/admin": "/register/confirm"})
	// A post to a step that is not the current one changes nothing.
	if r := c.submit("/register/subject", subjectForm(e.person("admin_two", "李四")), false); r.status != http.StatusSeeOther || r.location() != "/register/confirm" {
		t.Fatalf("subject post at the confirm step: %d → %q", r.status, r.location())
	}
	wantRedirect(t, c.submit("/register/confirm", url.Values{"confirm": {"on"}}, false), false, "/home")
	want(c, "done", map[string]string{"/register/subject": "/home", "/register/admin": "/home", "/register/confirm": "/home"})
	wantStatus(t, c.open("/home"), http.StatusOK)
}

// An unfinished registration resumes in any browser by logging in with its email and
// password, at its step; no scan is asked before the administrator is bound.
func TestResumeByLogin(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	first := e.client()
	login := url.Values{"email": {"Owner@Example.com"}, "password": {"Passw0rd!"}}
	e.startRegistration(first, "owner@example.com")
	modes(t, func(t *testing.T, htmx bool) {
		wantRedirect(t, e.client().submit("/login", login, htmx), htmx, "/register/activate")
	})
	wantRedirect(t, first.open(e.activationLink(first, "owner@example.com")), false, "/register/subject")
	second := e.client()
	wantRedirect(t, second.submit("/login", login, false), false, "/register/subject")
	wantRedirect(t, second.submit("/register/subject", subjectForm(admin), false), false, "/register/admin")
	third := e.client()
	wantRedirect(t, third.submit("/login", login, true), true, "/register/admin")
	r := third.open("/register/admin")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="scan-state"][data-state="pending"]`).Length() != 1 {
		t.Fatal("the resumed registration does not show its administrator scan")
	}
	decide(t, e.wx(admin), scanPath(t, r), "confirm")
	wantRedirect(t, third.open("/register/admin"), false, "/register/confirm")
	wantRedirect(t, e.client().submit("/login", login, false), false, "/register/confirm")
}

// Step 5: the box must be ticked; then the account gets its IDs and the administrator
// lands on /home signed in.
func TestConfirmStep(t *testing.T) {
	e := newEnv(t)
	modes(t, func(t *testing.T, htmx bool) {
		admin := e.person(map[bool]string{false: "admin_plain", true: "admin_htmx"}[htmx], "张三")
		c := e.client()
		email := admin.WechatID + "@example.com"
		e.toConfirm(c, email, admin)
		page := c.open("/register/confirm")
		wantStatus(t, page, http.StatusOK)
		if got := page.testid("admin-wechat-id"); !strings.Contains(got, admin.WechatID) {
			t.Fatalf("confirm page names administrator %q", got)
		}
		if strings.Contains(page.body, admin.IDNumber) {
			t.Fatal("the confirm page shows the full ID number")
		}
		r := c.submit("/register/confirm", url.Values{}, htmx)
		wantFieldError(t, r, htmx, "confirm", "confirm_required")
		wantRedirect(t, c.submit("/register/confirm", url.Values{"confirm": {"on"}}, htmx), htmx, "/home")
		home := c.open("/home")
		wantStatus(t, home, http.StatusOK)
		a, err := e.st.AccountByAppID(context.Background(), home.testid("app-id"))
		if err != nil || a.Email != email || a.Step != store.StepDone || a.AdminPersonID != admin.ID {
			t.Fatalf("home shows %q: %+v, %v", home.testid("app-id"), a, err)
		}
		if home.testid("original-id") != a.OriginalID || home.testid("flash") == "" {
			t.Fatalf("home: original ID %q, flash %q", home.testid("original-id"), home.testid("flash"))
		}
	})
}

// Non-personal subjects finish with their verification pending, shown on /home.
func TestConfirmOrganisation(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	c := e.client()
	e.toSubject(c, "org@example.com")
	f := subjectForm(admin)
	f.Set("subject_type", "enterprise")
	f.Set("org_name", "示例科技有限公司")
	f.Set("credit_code", store.CreditCodeWithCheck("91350100M000100Y4"))
	wantRedirect(t, c.submit("/register/subject", f, false), false, "/register/admin")
	decide(t, e.wx(admin), scanPath(t, c.open("/register/admin")), "confirm")
	wantRedirect(t, c.open("/register/admin"), false, "/register/confirm")
	if page := c.open("/register/confirm"); !strings.Contains(page.body, "示例科技有限公司") {
		t.Fatal("the confirm page does not show the organisation")
	}
	wantRedirect(t, c.submit("/register/confirm", url.Values{"confirm": {"on"}}, false), false, "/home")
	home := c.open("/home")
	if got := home.doc.Find(`[data-testid="subject-verification"]`).AttrOr("data-state", ""); got != "pending" {
		t.Fatalf("subject verification %q, want pending", got)
	}
}
