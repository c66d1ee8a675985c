package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// Changing the account password (SPEC §6): each rule answers 422 next to its field and
// changes nothing; success ends every other console session of the account at once, keeps
// this one, and the new password is the one that logs in.
func TestPasswordChange(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	dev, _ := e.activeMember(a, "dev_one", "developer")
	me, other, devSession := e.console(a, admin), e.console(a, admin), e.console(a, dev)
	for _, tc := range []struct {
		name                   string
		current, next, confirm string
		field, code            string
	}{
		{"wrong current password", "Nope-1234", "N3w-passw0rd", "N3w-passw0rd", "current_password", "password_wrong"},
		{"weak new password", "Passw0rd!", "short", "short", "password", "password_weak"},
		{"mismatch", "Passw0rd!", "N3w-passw0rd", "N3w-passw0rd-x", "password_confirm", "password_mismatch"},
	} {
		for _, htmx := range []bool{false, true} {
			r := me.post("/settings/password", url.Values{"current_password": {tc.current}, "password": {tc.next}, "password_confirm": {tc.confirm}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.errCode(tc.field); got != tc.code {
				t.Errorf("%s (htmx %v): %s shows %q, want %q", tc.name, htmx, tc.field, got, tc.code)
			}
			if r.fullPage() == htmx {
				t.Errorf("%s: htmx=%v but full page=%v", tc.name, htmx, r.fullPage())
			}
		}
	}
	if _, err := e.st.CheckAccountPassword(context.Background(), a.Email, "Passw0rd!"); err != nil {
		t.Fatalf("a refused change changed the password: %v", err)
	}
	wantStatus(t, devSession.get("/settings/password"), http.StatusForbidden)

	r := me.post("/settings/password", url.Values{"current_password": {"Passw0rd!"}, "password": {"N3w-passw0rd"}, "password_confirm": {"N3w-passw0rd"}}, false)
	if r.status != http.StatusSeeOther || r.location() != "/home" {
		t.Fatalf("change: %d → %q, want 303 → /home", r.status, r.location())
	}
	wantStatus(t, me.get("/home"), http.StatusOK)
	for name, c := range map[string]*client{"the administrator's other browser": other, "the developer": devSession} {
		if r := c.get("/home"); r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Errorf("%s after the change: %d → %q, want 303 → /login", name, r.status, r.location())
		}
	}
	if _, err := e.st.CheckAccountPassword(context.Background(), a.Email, "Passw0rd!"); err == nil {
		t.Error("the old password still logs in")
	}
	if _, err := e.st.CheckAccountPassword(context.Background(), a.Email, "N3w-passw0rd"); err != nil {
		t.Errorf("the new password does not log in: %v", err)
	}
}
