package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// team is an account with one person in every seat the permission matrix knows.
type team struct {
	a                                        store.Account
	admin, operator, developer, analyst      store.Person
	experience, outsider                     store.Person
	opRow, devRow, analystRow, experienceRow int64 // member row ids
}

func newTeam(e *env) team {
	e.t.Helper()
	tm := team{admin: e.person("admin_one", "张三")}
	tm.a = e.account("owner@example.com", tm.admin, "personal")
	tm.operator, tm.opRow = e.activeMember(tm.a, "op_one", "operator")
	tm.developer, tm.devRow = e.activeMember(tm.a, "dev_one", "developer")
	tm.analyst, tm.analystRow = e.activeMember(tm.a, "analyst_one", "analyst")
	tm.experience = e.person("exp_one", "")
	m, err := e.st.AddExperienceMember(context.Background(), tm.a.ID, tm.admin.ID, "exp_one")
	if err != nil {
		e.t.Fatal(err)
	}
	tm.experienceRow = m.ID
	tm.outsider = e.person("outsider", "")
	return tm
}

// activeMember signs up wechatID, invites it into a's project list with roles and accepts.
func (e *env) activeMember(a store.Account, wechatID string, roles ...string) (store.Person, int64) {
	e.t.Helper()
	p := e.person(wechatID, "")
	ctx := context.Background()
	m, err := e.st.AddProjectMember(ctx, a.ID, a.AdminPersonID, wechatID, roles)
	if err != nil {
		e.t.Fatalf("invite %s: %v", wechatID, err)
	}
	if err := e.st.DecideInvitation(ctx, p.ID, m.ID, true); err != nil {
		e.t.Fatal(err)
	}
	return p, m.ID
}

// memberRow is the member row of wechatID in list kind, as attributes (nil when absent).
func (r resp) memberRow(kind, wechatID string) map[string]string {
	sel := r.doc.Find(fmt.Sprintf(`tr[data-testid="member-row"][data-kind="%s"][data-wechat-id="%s"]`, kind, wechatID))
	if sel.Length() == 0 {
		return nil
	}
	out := map[string]string{}
	for _, a := range []string{"data-status", "data-roles", "data-member-id"} {
		out[a] = sel.AttrOr(a, "")
	}
	return out
}

func (r resp) hasSel(sel string) bool { return r.doc.Find(sel).Length() > 0 }

// noRawIDs fails when a catalog id leaked into the page untranslated.
func TestMembersPageShowsThreeLists(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	if _, err := e.st.AddProjectMember(t.Context(), tm.a.ID, tm.admin.ID, "outsider", []string{"analyst", "operator"}); err != nil {
		t.Fatal(err)
	}
	r := e.console(tm.a, tm.admin).get("/members")
	wantStatus(t, r, http.StatusOK)
	noRawIDs(t, t.Name(), r)
	if !r.hasSel(`tr[data-testid="admin-row"][data-wechat-id="admin_one"]`) {
		t.Fatal("no administrator row")
	}
	for _, tc := range []struct{ kind, wechatID, status, roles string }{
		{"project", "op_one", "active", "operator"},
		{"project", "dev_one", "active", "developer"},
		{"project", "analyst_one", "active", "analyst"},
		{"project", "outsider", "invited", "operator analyst"},
		{"experience", "exp_one", "active", ""},
	} {
		row := r.memberRow(tc.kind, tc.wechatID)
		if row == nil || row["data-status"] != tc.status || row["data-roles"] != tc.roles {
			t.Errorf("%s row of %s = %v, want status %s roles %q", tc.kind, tc.wechatID, row, tc.status, tc.roles)
		}
	}
	if got := r.testid("project-count"); got != "4 / 15" {
		t.Errorf("project count = %q, want 4 / 15", got)
	}
	if got := r.doc.Find(`tr[data-wechat-id="op_one"]`).Text(); !strings.Contains(got, "admin_one") || !strings.Contains(got, "2026-03-10") {
		t.Errorf("row lacks who added it and when: %q", got)
	}
}

// The administrator sees every member form; a project member only the experience ones. A
// row's forms are in its dialog, which app.js fetches from the row's link.
func TestMembersFormsFollowTheRole(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	adminForms := []string{`form[action="/members/project"]`, `form[action="/members/admin/transfer"]`}
	everyone := []string{`form[action="/members/experience"]`}
	type rowForm struct{ link, form string } // a row's dialog link, and the form in its dialog
	adminRows := []rowForm{
		{`a[data-dialog][href$="/roles"]`, `form[action$="/roles"]`},
		{`a[data-dialog][href^="/members/project/"][href$="/delete"]`, `form[action^="/members/project/"][action$="/delete"]`},
	}
	everyoneRows := []rowForm{{`a[data-dialog][href^="/members/experience/"][href$="/delete"]`, `form[action^="/members/experience/"][action$="/delete"]`}}
	for _, p := range []store.Person{tm.admin, tm.operator, tm.developer, tm.analyst} {
		c := e.console(tm.a, p)
		r := c.get("/members")
		wantStatus(t, r, http.StatusOK)
		isAdmin := p.ID == tm.admin.ID
		for _, sel := range adminForms {
			if r.hasSel(sel) != isAdmin {
				t.Errorf("%s: %s shown = %v", p.WechatID, sel, r.hasSel(sel))
			}
		}
		for _, sel := range everyone {
			if !r.hasSel(sel) {
				t.Errorf("%s: %s missing", p.WechatID, sel)
			}
		}
		rows := func(list []rowForm, want bool) {
			for _, rf := range list {
				link := r.doc.Find(rf.link).First()
				if (link.Length() > 0) != want {
					t.Errorf("%s: %s shown = %v", p.WechatID, rf.link, link.Length() > 0)
					continue
				}
				if want && !c.dialog(link.AttrOr("href", "")).hasSel("dialog "+rf.form) {
					t.Errorf("%s: the dialog of %s has no %s", p.WechatID, rf.link, rf.form)
				}
			}
		}
		rows(adminRows, isAdmin)
		rows(everyoneRows, true)
	}
}

func TestMemberProjectCreate(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	e.person("bob_dev", "")
	e.person("carol_ops", "")
	c := e.console(a, admin)

	r := c.post("/members/project", url.Values{"wechat_id": {"bob_dev"}, "roles": {"developer", "analyst"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	if r.location() != "/members" {
		t.Fatalf("location = %q", r.location())
	}
	r = c.get("/members")
	if row := r.memberRow("project", "bob_dev"); row == nil || row["data-status"] != "invited" || row["data-roles"] != "developer analyst" {
		t.Fatalf("row = %v", row)
	}
	if r.testid("flash") == "" {
		t.Fatal("no flash after inviting")
	}

	r = c.post("/members/project", url.Values{"wechat_id": {"carol_ops"}, "roles": {"operator"}}, true)
	wantStatus(t, r, http.StatusOK)
	if r.fullPage() || r.memberRow("project", "carol_ops") == nil || r.testid("flash") == "" {
		t.Fatalf("htmx answer is not the updated list in place: %.300s", r.body)
	}

	for _, tc := range []struct {
		name, wechatID string
		roles          []string
		field, code    string
	}{
		{"unknown", "nobody_here", []string{"developer"}, "wechat_id", "wechat_id_not_found"},
		{"twice", "bob_dev", []string{"operator"}, "wechat_id", "already_member"},
		{"the administrator", "admin_one", []string{"operator"}, "wechat_id", "already_member"},
		{"no role", "carol_ops", nil, "roles", "roles_required"},
		{"not a project role", "carol_ops", []string{"admin"}, "roles", "roles_invalid"},
	} {
		for _, htmx := range []bool{false, true} {
			r := c.post("/members/project", url.Values{"wechat_id": {tc.wechatID}, "roles": tc.roles}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.errCode(tc.field); got != tc.code {
				t.Errorf("%s (htmx %v): %s error = %q, want %q", tc.name, htmx, tc.field, got, tc.code)
			}
			if r.fullPage() == htmx {
				t.Errorf("%s: htmx=%v but full page=%v", tc.name, htmx, r.fullPage())
			}
			if got := r.doc.Find(`#project-wechat_id`).AttrOr("value", ""); got != tc.wechatID {
				t.Errorf("%s: typed WeChat ID lost: %q", tc.name, got)
			}
			for _, role := range tc.roles {
				if role != "admin" && !r.hasSel(`#project-role-`+role+`[checked]`) {
					t.Errorf("%s: ticked role %s lost", tc.name, role)
				}
			}
			noRawIDs(t, t.Name(), r)
		}
	}
	lists, _ := e.st.Members(t.Context(), a.ID)
	if len(lists.Project) != 2 {
		t.Fatalf("project list = %+v, want bob and carol only", lists.Project)
	}
}

func TestMemberRolesUpdate(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	path := fmt.Sprintf("/members/project/%d/roles", tm.devRow)
	wantStatus(t, c.post(path, url.Values{"roles": {"developer", "operator"}}, false), http.StatusSeeOther)
	r := c.post(path, url.Values{"roles": {"analyst"}}, true)
	wantStatus(t, r, http.StatusOK)
	if row := r.memberRow("project", "dev_one"); row["data-roles"] != "analyst" || r.fullPage() {
		t.Fatalf("row after htmx change = %v", row)
	}
	for _, htmx := range []bool{false, true} {
		r = c.post(path, url.Values{}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if r.errCode("roles") != "roles_required" {
			t.Fatalf("error = %q, want roles_required", r.errCode("roles"))
		}
	}
	wantStatus(t, c.post("/members/project/999999/roles", url.Values{"roles": {"analyst"}}, false), http.StatusNotFound)
	wantStatus(t, c.post("/members/project/x/roles", url.Values{"roles": {"analyst"}}, false), http.StatusNotFound)
	wantStatus(t, c.post(fmt.Sprintf("/members/project/%d/roles", tm.experienceRow), url.Values{"roles": {"analyst"}}, false), http.StatusNotFound)
	if rs, _ := e.st.AccessOf(t.Context(), tm.a.ID, tm.developer.ID); rs.Roles.String() != "analyst" {
		t.Fatalf("roles in the database = %v", rs.Roles)
	}
}

func TestMemberExperienceCreateAndDelete(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.person("tester_two", "")
	e.person("tester_three", "")
	c := e.console(tm.a, tm.analyst) // any project member may
	wantStatus(t, c.post("/members/experience", url.Values{"wechat_id": {"tester_two"}}, false), http.StatusSeeOther)
	r := c.post("/members/experience", url.Values{"wechat_id": {"tester_three"}}, true)
	wantStatus(t, r, http.StatusOK)
	if r.memberRow("experience", "tester_three")["data-status"] != "active" || r.fullPage() {
		t.Fatalf("htmx answer: %.300s", r.body)
	}
	for _, tc := range []struct{ wechatID, code string }{{"nobody_here", "wechat_id_not_found"}, {"tester_two", "already_member"}} {
		for _, htmx := range []bool{false, true} {
			r := c.post("/members/experience", url.Values{"wechat_id": {tc.wechatID}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("wechat_id") != tc.code || r.doc.Find("#experience-wechat_id").AttrOr("value", "") != tc.wechatID {
				t.Fatalf("%s: error %q", tc.wechatID, r.errCode("wechat_id"))
			}
		}
	}
	del := fmt.Sprintf("/members/experience/%d/delete", tm.experienceRow)
	wantStatus(t, c.post(fmt.Sprintf("/members/experience/%d/delete", tm.devRow), nil, false), http.StatusNotFound)
	r = c.post(del, nil, true)
	wantStatus(t, r, http.StatusOK)
	if r.memberRow("experience", "exp_one") != nil {
		t.Fatal("removed experience member still listed")
	}
	wantStatus(t, c.post(del, nil, false), http.StatusNotFound)
	log, _ := e.st.OpLog(t.Context(), tm.a.ID, store.LogFilter{}, 0)
	if l := log.Entries[0]; l.Action != "experience_member_removed" || l.WechatID != "analyst_one" || l.Target != "exp_one" {
		t.Fatalf("last log entry = %+v", l)
	}
}

// A removed project member is out on their next request; one whose roles shrink loses
// what the old roles allowed on their next request.
func TestRemovalAndShrinkTakeEffectAtOnce(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	// A probe route guarded like a dev-settings page, so this test does not depend on
	// another feature's routes.
	e.srv.echo.GET("/probe/dev", func(c echo.Context) error { return c.NoContent(http.StatusOK) }, e.srv.chrome, e.srv.member(store.ActViewDev))
	dev := e.console(tm.a, tm.developer)
	wantStatus(t, dev.get("/probe/dev"), http.StatusOK)
	admin := e.console(tm.a, tm.admin)
	wantStatus(t, admin.post(fmt.Sprintf("/members/project/%d/roles", tm.devRow), url.Values{"roles": {"analyst"}}, false), http.StatusSeeOther)
	wantStatus(t, dev.get("/probe/dev"), http.StatusForbidden)
	wantStatus(t, dev.get("/home"), http.StatusOK)

	wantStatus(t, admin.post(fmt.Sprintf("/members/project/%d/delete", tm.devRow), nil, true), http.StatusOK)
	r := dev.get("/home")
	if r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("removed member's next click: %d → %q, want 303 → /login", r.status, r.location())
	}
	wantStatus(t, admin.post(fmt.Sprintf("/members/project/%d/delete", tm.devRow), nil, false), http.StatusNotFound)
	wantStatus(t, admin.post(fmt.Sprintf("/members/project/%d/delete", tm.opRow), nil, false), http.StatusSeeOther)
	if r := e.console(tm.a, tm.operator).get("/members"); r.status != http.StatusSeeOther {
		t.Fatalf("removed operator: %d", r.status)
	}
}
