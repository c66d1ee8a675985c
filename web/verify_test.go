package web

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"mpconsole/store"
)

var verifyFieldsOK = map[string]string{"contact_name": "李四", "contact_phone": "13900139000", "invoice_title": "示例科技有限公司"}

func latestAuth(t *testing.T, e *env, a store.Account) store.Authentication {
	t.Helper()
	auth, err := e.st.LatestAuthentication(context.Background(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return auth
}

// A personal subject pays 30 and needs no document; ops approval authenticates it for a
// year, /home shows the expiry and the reminders at 90, 60, 30 and 7 days, then expiry.
func TestVerifyPersonalAndReminders(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	r := c.get("/settings/verify")
	wantStatus(t, r, http.StatusOK)
	if got := r.doc.Find(`[data-testid="auth-fee"]`).AttrOr("data-fee", ""); got != "30" {
		t.Fatalf("fee %q, want 30", got)
	}
	if r.doc.Find(`input[name="document"]`).Length() != 0 {
		t.Fatal("a personal subject is asked for a document")
	}
	for _, htmx := range []bool{false, true} {
		r := biUpload(c, "/settings/verify", map[string]string{"contact_name": "李", "contact_phone": "1390013900", "invoice_title": ""}, "", "", nil, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantFragment(t, r, htmx)
		for field, code := range map[string]string{"contact_name": "contact_name_invalid", "contact_phone": "phone_invalid", "invoice_title": "invoice_title_invalid"} {
			if got := r.errCode(field); got != code {
				t.Errorf("%s: %q, want %q", field, got, code)
			}
		}
	}
	wantStatus(t, biUpload(c, "/settings/verify", verifyFieldsOK, "", "", nil, false), http.StatusSeeOther)
	wantStatus(t, biUpload(c, "/settings/verify", verifyFieldsOK, "", "", nil, false), http.StatusConflict)
	if got := c.get("/home").doc.Find(`[data-todo="todo.verify_pending"]`).Length(); got != 1 {
		t.Fatal("/home does not show the pending authentication")
	}
	_, ops := newReviewer(e, "reviewer1")
	wantStatus(t, biDecide(ops, "authentication", latestAuth(t, e, a).ID, "approve", "", false), http.StatusSeeOther)
	got, _ := e.st.AccountByID(context.Background(), a.ID)
	if want := e.clock.Now().AddDate(1, 0, 0); !got.AuthExpiresAt.Equal(want) || !got.Authenticated(e.clock.Now()) {
		t.Fatalf("auth_expires_at = %v, want %v", got.AuthExpiresAt, want)
	}
	home := c.get("/home")
	if home.doc.Find(`[data-testid="auth-status"]`).AttrOr("data-state", "") != "approved" || home.testid("auth-expiry") == "" {
		t.Fatal("/home does not show the authentication and its expiry")
	}
	if home.doc.Find(`[data-testid="auth-reminder"]`).Length() != 0 {
		t.Fatal("a reminder a year before expiry")
	}
	// A renewal is refused until 90 days before expiry.
	wantStatus(t, biUpload(c, "/settings/verify", verifyFieldsOK, "", "", nil, false), http.StatusConflict)
	expires := got.AuthExpiresAt
	for _, tc := range []struct {
		before    time.Duration
		threshold string
	}{
		{91 * 24 * time.Hour, ""}, {90 * 24 * time.Hour, "90"}, {61 * 24 * time.Hour, "90"}, {60 * 24 * time.Hour, "60"},
		{30 * 24 * time.Hour, "30"}, {8 * 24 * time.Hour, "30"}, {7 * 24 * time.Hour, "7"}, {time.Hour, "7"},
	} {
		e.clock.Advance(expires.Add(-tc.before).Sub(e.clock.Now()))
		c = e.console(a, admin) // signed in again: the session timed out meanwhile (SPEC §6)
		h := c.get("/home")
		got := h.doc.Find(`[data-testid="auth-reminder"]`).AttrOr("data-threshold", "")
		if got != tc.threshold {
			t.Errorf("%v before expiry: reminder %q, want %q", tc.before, got, tc.threshold)
		}
		if (h.doc.Find(`[data-todo="todo.verify_renew"]`).Length() == 1) != (tc.threshold != "") {
			t.Errorf("%v before expiry: the renewal to-do does not match the reminder", tc.before)
		}
	}
	e.clock.Advance(2 * time.Hour)
	c = e.console(a, admin)
	h := c.get("/home")
	if h.doc.Find(`[data-testid="auth-status"]`).AttrOr("data-state", "") != "expired" || h.doc.Find(`[data-todo="todo.verify_expired"]`).Length() != 1 {
		t.Fatal("/home does not show the expired authentication")
	}
}

// Organisations pay 300 and must attach a document judged by content (PDF, PNG, JPEG,
// at most 5 MB); a rejection shows its reason; government subjects see the to-do until
// authenticated.
func TestVerifyOrganisation(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("gov@example.com", admin, "government")
	c := e.console(a, admin)
	r := c.get("/settings/verify")
	if got := r.doc.Find(`[data-testid="auth-fee"]`).AttrOr("data-fee", ""); got != "300" {
		t.Fatalf("fee %q, want 300", got)
	}
	if c.get("/home").doc.Find(`[data-todo="todo.verify"]`).Length() != 1 {
		t.Fatal("a government account has no authentication to-do")
	}
	for _, tc := range []struct {
		name string
		data []byte
		code string
	}{
		{"", nil, "document_required"},
		{"licence.pdf", []byte("just text, named pdf"), "document_format"},
		{"licence.pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{1}, 5<<20)...), "document_too_large"},
	} {
		for _, htmx := range []bool{false, true} {
			field := "document"
			if tc.name == "" {
				field = ""
			}
			r := biUpload(c, "/settings/verify", verifyFieldsOK, field, tc.name, tc.data, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode("document"); got != tc.code {
				t.Errorf("%s (htmx=%v): %q, want %q", tc.code, htmx, got, tc.code)
			}
		}
	}
	if latestAuth(t, e, a).Status != store.AuthNone {
		t.Fatal("a refused request was stored")
	}
	wantStatus(t, biUpload(c, "/settings/verify", verifyFieldsOK, "document", "licence.png", biImage(t, "png", 20, 20), true), http.StatusNoContent)
	_, ops := newReviewer(e, "reviewer1")
	req := latestAuth(t, e, a)
	if req.Fee != 300 || req.DocType != "image/png" {
		t.Fatalf("request: %+v", req)
	}
	doc := ops.get("/ops/authentication/" + itoa(int(req.ID)) + "/document")
	wantStatus(t, doc, http.StatusOK)
	if doc.header.Get("Content-Type") != "image/png" {
		t.Fatalf("document served as %q", doc.header.Get("Content-Type"))
	}
	wantStatus(t, biDecide(ops, "authentication", req.ID, "reject", "营业执照不清晰", false), http.StatusSeeOther)
	r = c.get("/settings/verify")
	if r.doc.Find(`[data-testid="auth-state"]`).AttrOr("data-state", "") != "rejected" || r.testid("auth-reason") == "" {
		t.Fatal("the rejection and its reason are not shown")
	}
	wantStatus(t, biUpload(c, "/settings/verify", verifyFieldsOK, "document", "licence.pdf", []byte("%PDF-1.7 licence"), false), http.StatusSeeOther)
	wantStatus(t, biDecide(ops, "authentication", latestAuth(t, e, a).ID, "approve", "", false), http.StatusSeeOther)
	home := c.get("/home")
	if home.doc.Find(`[data-todo^="todo.verify"]`).Length() != 0 {
		t.Fatal("the authentication to-do stays after approval")
	}
}
