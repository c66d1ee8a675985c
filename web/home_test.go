package web

import (
	"net/http"
	"testing"
)

// /home shows every member what the account lacks, but links only to pages the member may
// open (SPEC §9: links to a forbidden action are not shown to that role).
func TestHomeTodoLinksFollowTheRole(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	dev, _ := e.activeMember(a, "dev_one", "developer")
	for _, tc := range []struct {
		who            string
		c              *client
		filing, secret bool
	}{
		{"administrator", e.console(a, admin), true, true},
		{"developer", e.console(a, dev), false, false},
	} {
		r := tc.c.get("/home")
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find(`[data-todo="todo.filing"]`).Length() != 1 {
			t.Fatalf("%s: the filing to-do is missing", tc.who)
		}
		if got := r.doc.Find(`[data-todo="todo.filing"] a[href="/settings/filing"]`).Length() == 1; got != tc.filing {
			t.Errorf("%s: link to /settings/filing shown = %v, want %v", tc.who, got, tc.filing)
		}
		if got := r.doc.Find(`[data-todo="todo.secret"]`).Length() == 1; got != tc.secret {
			t.Errorf("%s: AppSecret to-do shown = %v, want %v", tc.who, got, tc.secret)
		}
		if got := r.doc.Find(`[data-todo="todo.name"] a[href="/settings/basic"]`).Length(); got != 1 {
			t.Errorf("%s: no link to basic info, which every member may view", tc.who)
		}
	}
}
