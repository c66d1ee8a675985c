package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// Step 3: every rule's code next to its field, plainly and with htmx, typed values kept.
func TestSubjectStepErrors(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	full := e.person("admin_full", "王五")
	for i := 0; i < store.AccountsPerIDNumber; i++ {
		e.account(fmt.Sprintf("full%d@example.com", i), full, "personal")
	}
	c := e.client()
	e.toSubject(c, "owner@example.com")
	org := func(typ string) url.Values {
		f := subjectForm(admin)
		f.Set("subject_type", typ)
		f.Set("org_name", "示例科技有限公司")
		f.Set("credit_code", store.CreditCodeWithCheck("91350100M000100Y4"))
		return f
	}
	badID := badIDNumber()
	for _, tc := range []struct {
		name, field, code string
		form              url.Values
		edit              map[string]string
	}{
		{"type", "subject_type", "subject_type_invalid", subjectForm(admin), map[string]string{"subject_type": "club"}},
		{"id check digit", "admin_id_number", "id_number_invalid", subjectForm(admin), map[string]string{"admin_id_number": badID}},
		{"phone", "admin_phone", "phone_invalid", subjectForm(admin), map[string]string{"admin_phone": "12345"}},
		{"name", "admin_name", "admin_name_invalid", subjectForm(admin), map[string]string{"admin_name": ""}},
		{"credit code", "credit_code", "credit_code_invalid", org("enterprise"), map[string]string{"credit_code": "91350100M000100Y40"}},
		{"credit code of media", "credit_code", "credit_code_invalid", org("media"), map[string]string{"credit_code": ""}},
		{"org name", "org_name", "org_name_invalid", org("government"), map[string]string{"org_name": ""}},
		{"quota", "admin_id_number", "id_quota_exceeded", subjectForm(full), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				f := url.Values{}
				for k, v := range tc.form {
					f[k] = v
				}
				for k, v := range tc.edit {
					f.Set(k, v)
				}
				r := c.submit("/register/subject", f, htmx)
				wantFieldError(t, r, htmx, tc.field, tc.code)
				for _, name := range []string{"admin_name", "admin_id_number", "admin_phone", "org_name", "credit_code"} {
					wantValue(t, r, name, f.Get(name))
				}
				if typ := f.Get("subject_type"); typ != "club" && r.doc.Find(`input[name="subject_type"][value="`+typ+`"][checked]`).Length() != 1 {
					t.Errorf("the subject type %q is not kept", typ)
				}
			})
		})
	}
	a, _ := e.st.CheckAccountPassword(context.Background(), "owner@example.com", "Passw0rd!")
	if a.Step != store.StepSubject || a.Subject.Type != "" {
		t.Fatalf("a refused subject was stored: %+v at %q", a.Subject, a.Step)
	}
}

// Step 3 succeeds for every subject type, plainly and with htmx.
func TestSubjectStepSuccess(t *testing.T) {
	e := newEnv(t)
	for i, typ := range store.SubjectTypes {
		modes(t, func(t *testing.T, htmx bool) {
			admin := e.person(fmt.Sprintf("admin_%d_%v", i, htmx), "张三")
			c := e.client()
			e.toSubject(c, admin.WechatID+"@example.com")
			f := subjectForm(admin)
			f.Set("subject_type", typ)
			f.Set("org_name", "示例科技有限公司")
			f.Set("credit_code", strings.ToLower(store.CreditCodeWithCheck("91350100M000100Y4")))
			wantRedirect(t, c.submit("/register/subject", f, htmx), htmx, "/register/admin")
			page := c.open("/register/subject")
			wantStatus(t, page, http.StatusOK)
			if page.doc.Find(`input[name="subject_type"][value="`+typ+`"][checked]`).Length() != 1 {
				t.Fatalf("the subject page does not show the saved type %s", typ)
			}
		})
	}
}

// Step 4: the waiting page shows the QR code (a PNG), the link and the pending state;
// the poll keeps the same code.
func TestAdminScanPage(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	c := e.client()
	e.toAdmin(c, "owner@example.com", admin)
	r := c.open("/register/admin")
	wantStatus(t, r, http.StatusOK)
	link := r.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", "")
	if !strings.HasPrefix(link, e.http.URL+"/wx/scan/") {
		t.Fatalf("scan link %q is not the absolute /wx/scan/ URL", link)
	}
	src := r.doc.Find(`img[data-testid="scan-qr"]`).AttrOr("src", "")
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
	if !strings.HasPrefix(src, "data:image/png;base64,") || err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("QR image is not a PNG data URL: %.60s", src)
	}
	// Without JavaScript the page offers a reload link (the HTML parser keeps <noscript> as text).
	state := r.doc.Find(`[data-testid="scan-state"]`)
	if state.AttrOr("data-state", "") != "pending" || state.AttrOr("hx-get", "") != "/register/admin" || !strings.Contains(state.Find("noscript").Text(), `href="/register/admin"`) {
		t.Fatalf("scan state: %s", r.body)
	}
	p := c.poll("/register/admin")
	wantStatus(t, p, http.StatusOK)
	wantFragment(t, p, true)
	if p.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", "") != link {
		t.Fatal("polling changed the code")
	}
}

// A wrong person's confirm is refused on the phone and shown on the console; after the
// right person confirms, the next GET (plain or poll) moves on.
func TestAdminScanConfirm(t *testing.T) {
	e := newEnv(t)
	stranger := e.person("stranger", "李四")
	modes(t, func(t *testing.T, htmx bool) {
		admin := e.person(fmt.Sprintf("admin_%v", htmx), "张三")
		c := e.client()
		e.toAdmin(c, admin.WechatID+"@example.com", admin)
		path := scanPath(t, c.open("/register/admin"))
		phone := e.wx(stranger)
		wrong := decide(t, phone, path, "confirm")
		wantAlert(t, wrong, http.StatusUnprocessableEntity, false, "admin_identity_mismatch")
		if wrong.doc.Find(`[data-testid="wx-scan"][data-state="pending"]`).Length() != 1 {
			t.Fatal("the scan is no longer pending after a wrong person")
		}
		console := c.poll("/register/admin")
		wantStatus(t, console, http.StatusOK)
		if console.doc.Find(`[data-testid="scan-state"][data-state="pending"] [data-error-code="admin_identity_mismatch"]`).Length() != 1 {
			t.Fatalf("the console does not show the refusal: %s", console.body)
		}
		wantRedirect(t, decide(t, e.wx(admin), path, "confirm"), false, path)
		done := e.wx(admin).open(path)
		if done.doc.Find(`[data-testid="wx-scan"][data-state="confirmed"] [data-testid="scan-done"]`).Length() != 1 {
			t.Fatalf("the phone does not say it is done: %s", done.body)
		}
		if htmx {
			wantRedirect(t, c.poll("/register/admin"), true, "/register/confirm")
		} else {
			wantRedirect(t, c.open("/register/admin"), false, "/register/confirm")
		}
		a, _ := e.st.CheckAccountPassword(context.Background(), admin.WechatID+"@example.com", "Passw0rd!")
		if a.AdminPersonID != admin.ID || a.Step != store.StepConfirm {
			t.Fatalf("bound %d at %q", a.AdminPersonID, a.Step)
		}
		wantAlert(t, decide(t, phone, path, "confirm"), http.StatusGone, false, "scan_gone")
	})
}

// After 5 minutes the code expires: the page says so and offers a new code.
func TestAdminScanExpired(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	c := e.client()
	e.toAdmin(c, "owner@example.com", admin)
	old := scanPath(t, c.open("/register/admin"))
	e.clock.Advance(store.ScanTTL)
	r := c.poll("/register/admin")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="scan-state"][data-state="expired"]`).Length() != 1 {
		t.Fatalf("no expired state: %s", r.body)
	}
	if r.doc.Find(`[data-testid="scan-state"] form[action="/register/admin"] input[name="_csrf"]`).Length() != 1 {
		t.Fatal("no new-code form")
	}
	wx := e.wx(admin).open(old)
	if wx.doc.Find(`[data-testid="wx-scan"][data-state="expired"]`).Length() != 1 {
		t.Fatalf("the phone does not show the code expired: %d", wx.status)
	}
	wantAlert(t, decide(t, e.wx(admin), old, "confirm"), http.StatusGone, false, "scan_gone")
	modes(t, func(t *testing.T, htmx bool) {
		wantRedirect(t, c.submit("/register/admin", nil, htmx), htmx, "/register/admin")
		fresh := c.open("/register/admin")
		if p := scanPath(t, fresh); p == old || fresh.doc.Find(`[data-testid="scan-state"][data-state="pending"]`).Length() != 1 {
			t.Fatal("no new pending code")
		}
		old = scanPath(t, fresh)
	})
	decide(t, e.wx(admin), old, "confirm")
	wantRedirect(t, c.open("/register/admin"), false, "/register/confirm")
}

// Rejected on the phone: the console shows it and offers a new code.
func TestAdminScanRejected(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	c := e.client()
	e.toAdmin(c, "owner@example.com", admin)
	path := scanPath(t, c.open("/register/admin"))
	wantRedirect(t, decide(t, e.wx(admin), path, "reject"), false, path)
	r := c.open("/register/admin")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="scan-state"][data-state="rejected"] form[action="/register/admin"]`).Length() != 1 {
		t.Fatalf("no rejected state with a new-code form: %s", r.body)
	}
	wantAlert(t, decide(t, e.wx(admin), path, "confirm"), http.StatusGone, false, "scan_gone")
}

// Changing the subject after the scan retires the confirmed code: a new one is shown,
// and only the newly named administrator can bind.
func TestAdminScanAfterSubjectEdit(t *testing.T) {
	e := newEnv(t)
	admin, other := e.person("admin_one", "张三"), e.person("admin_two", "李四")
	c := e.client()
	e.toAdmin(c, "owner@example.com", admin)
	old := scanPath(t, c.open("/register/admin"))
	decide(t, e.wx(admin), old, "confirm")
	wantRedirect(t, c.submit("/register/subject", subjectForm(other), false), false, "/register/admin")
	r := c.open("/register/admin")
	wantStatus(t, r, http.StatusOK)
	fresh := scanPath(t, r)
	if fresh == old || r.doc.Find(`[data-testid="scan-state"][data-state="pending"]`).Length() != 1 {
		t.Fatal("the old confirmed code still counts")
	}
	wantAlert(t, decide(t, e.wx(admin), fresh, "confirm"), http.StatusUnprocessableEntity, false, "admin_identity_mismatch")
	decide(t, e.wx(other), fresh, "confirm")
	wantRedirect(t, c.open("/register/admin"), false, "/register/confirm")
}
