package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
	"mpconsole/views"
)

// dialog is what app.js fetches when a row's dialog link is clicked: the link's page,
// asked for the dialog alone.
func (c *client) dialog(path string) resp {
	c.e.t.Helper()
	req, err := http.NewRequest("GET", c.e.http.URL+path, nil)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "en")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-Dialog", "true")
	return c.send(req)
}

// signedInLoad is the load tool's account (15 project and 15 experience members, all
// active), with its administrator signed in.
func (e *env) signedInLoad() (*client, store.Load) {
	e.t.Helper()
	l, err := e.st.SeedLoad(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	admin, err := e.st.PersonByWechatID(context.Background(), l.AdminWechatID)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.console(store.Account{ID: l.AccountID}, admin), l
}

// Issue 9: the members page of 30 rows carries no row's dialog (at most one <dialog> in
// all); each row's links still lead to pages of their own without JavaScript, and the
// same pages give app.js the row's dialog alone, as the page used to draw it.
func TestMembersPageDrawsNoRowDialogs(t *testing.T) {
	e := newEnv(t)
	c, _ := e.signedInLoad()
	r := c.get("/members")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`tr[data-testid="member-row"]`).Length(); n != 30 {
		t.Fatalf("%d member rows, want 30", n)
	}
	if n := r.doc.Find("dialog").Length(); n > 1 {
		t.Fatalf("the page carries %d <dialog> elements, want at most 1", n)
	}
	project := r.doc.Find(`tr[data-testid="member-row"][data-kind="project"]`)
	experience := r.doc.Find(`tr[data-testid="member-row"][data-kind="experience"]`)
	if project.Length() != 15 || experience.Length() != 15 {
		t.Fatalf("%d project and %d experience rows, want 15 and 15", project.Length(), experience.Length())
	}
	project.Each(func(_ int, row *goquery.Selection) {
		id := row.AttrOr("data-member-id", "")
		roles := row.Find(`a[data-testid="member-roles-link"]`)
		remove := row.Find(`a[data-testid="member-remove-link"]`)
		if roles.AttrOr("href", "") != "/members/project/"+id+"/roles" || roles.AttrOr("data-dialog", "") != "roles-"+id ||
			remove.AttrOr("href", "") != "/members/project/"+id+"/delete" || remove.AttrOr("data-dialog", "") != "remove-"+id {
			t.Errorf("project row %s: links %v %v", id, roles.Nodes, remove.Nodes)
		}
	})
	experience.Each(func(_ int, row *goquery.Selection) {
		id := row.AttrOr("data-member-id", "")
		remove := row.Find(`a[data-testid="member-remove-link"]`)
		if remove.AttrOr("href", "") != "/members/experience/"+id+"/delete" || remove.AttrOr("data-dialog", "") != "remove-"+id {
			t.Errorf("experience row %s: remove link %v", id, remove.Nodes)
		}
	})

	row := project.Eq(1)
	id, wechatID := row.AttrOr("data-member-id", ""), row.AttrOr("data-wechat-id", "")
	d := c.dialog("/members/project/" + id + "/roles")
	wantStatus(t, d, http.StatusOK)
	if d.fullPage() || d.doc.Find("dialog").Length() != 1 || !d.hasSel(`dialog#roles-`+id+`:not([open])[aria-labelledby="roles-`+id+`-title"] h2#roles-`+id+`-title`) {
		t.Fatalf("the roles dialog fetched is not the row's dialog alone: %.600s", d.body)
	}
	form := d.doc.Find(`dialog form[method="post"][action="/members/project/` + id + `/roles"][hx-post="/members/project/` + id + `/roles"][hx-target="#content"]`)
	if form.Length() != 1 || !form.Find(`button[data-testid="member-roles-save"]`).Is("button") || !form.Find(`a[data-close-dialog][href="/members"]`).Is("a") ||
		form.Find(`input[name="_csrf"]`).AttrOr("value", "") == "" || !strings.Contains(d.doc.Find("dialog").Text(), wechatID) {
		t.Fatalf("the roles dialog lacks its form, buttons or member: %.1200s", d.body)
	}
	var ticked []string
	form.Find(`input[type="checkbox"][name="roles"][checked]`).Each(func(_ int, s *goquery.Selection) { ticked = append(ticked, s.AttrOr("value", "")) })
	if strings.Join(ticked, " ") != row.AttrOr("data-roles", "?") {
		t.Fatalf("ticked %v, the row's roles are %q", ticked, row.AttrOr("data-roles", ""))
	}

	for _, tc := range []struct{ kind, id, wechatID string }{
		{"project", id, wechatID},
		{"experience", experience.Eq(2).AttrOr("data-member-id", ""), experience.Eq(2).AttrOr("data-wechat-id", "")},
	} {
		path := "/members/" + tc.kind + "/" + tc.id + "/delete"
		d := c.dialog(path)
		wantStatus(t, d, http.StatusOK)
		if d.fullPage() || d.doc.Find("dialog").Length() != 1 || !d.hasSel(`dialog#remove-`+tc.id+` h2#remove-`+tc.id+`-title`) ||
			!d.hasSel(`dialog form[action="`+path+`"][hx-post="`+path+`"][hx-target="#content"] button[data-testid="member-delete"]`) ||
			!d.hasSel(`dialog a[data-close-dialog][href="/members"]`) || !strings.Contains(d.doc.Find("dialog p").Text(), tc.wechatID) {
			t.Fatalf("%s: the removal dialog fetched is wrong: %.800s", tc.kind, d.body)
		}
		// Without JavaScript the same link is the page of its own, unchanged, and an htmx
		// navigation gets the page's content.
		for _, htmx := range []bool{false, true} {
			p := c.do("GET", path, nil, "", htmx)
			wantStatus(t, p, http.StatusOK)
			if p.fullPage() == htmx || !p.hasSel(`[data-testid="confirm-page"] form[action="`+path+`"]:not([hx-post]) button[data-testid="member-delete"]`) || p.hasSel("dialog") {
				t.Fatalf("%s, htmx %v: the confirmation page changed: %.600s", tc.kind, htmx, p.body)
			}
		}
	}
	if p := c.get("/members/project/" + id + "/roles"); !p.fullPage() || p.hasSel("dialog") || !p.hasSel(`form[action="/members/project/`+id+`/roles"] button[data-testid="member-roles-save"]`) {
		t.Fatalf("the roles page without JavaScript changed: %.600s", p.body)
	}
}

// A roles change that failed re-renders the page with that row's dialog, and only that
// one, drawn open with the error next to the roles (plain and with htmx).
func TestMemberRolesFailureOpensThatRowsDialog(t *testing.T) {
	e := newEnv(t)
	c, _ := e.signedInLoad()
	page := c.get("/members")
	row := page.doc.Find(`tr[data-testid="member-row"][data-kind="project"]`).Eq(3)
	id := row.AttrOr("data-member-id", "")
	for _, htmx := range []bool{false, true} {
		r := c.post("/members/project/"+id+"/roles", url.Values{}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if n := r.doc.Find("dialog").Length(); n != 1 {
			t.Fatalf("htmx %v: %d dialogs on the page, want 1", htmx, n)
		}
		d := r.doc.Find(`tr[data-member-id="` + id + `"] dialog#roles-` + id + `[open]`)
		if d.Length() != 1 {
			t.Fatalf("htmx %v: the failed row's dialog is not drawn open in its row", htmx)
		}
		errp := d.Find(`form[action="/members/project/` + id + `/roles"] fieldset.role-boxes p.field-error[data-error-for="roles"][data-error-code="roles_required"]`)
		if errp.Length() != 1 || strings.TrimSpace(errp.Text()) == "" || d.Find(`input[name="roles"][aria-invalid="true"]`).Length() != 3 {
			t.Fatalf("htmx %v: the error is not next to the roles: %s", htmx, goquery.NewDocumentFromNode(d.Nodes[0]).Text())
		}
		if r.fullPage() == htmx {
			t.Fatalf("htmx %v: full page = %v", htmx, r.fullPage())
		}
	}
	if got := c.get("/members").memberRow("project", row.AttrOr("data-wechat-id", "")); got["data-roles"] != row.AttrOr("data-roles", "?") {
		t.Fatalf("the failed change changed the roles: %v", got)
	}
}

// A row's dialog page names one row of this account's list of that kind: another list's
// row, another account's row and no row at all are 404, plainly and as app.js fetches it.
func TestMemberDialogPagesOnlyOfThisList(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	otherAdmin := e.person("admin_two", "李四")
	other := e.account("other@example.com", otherAdmin, "personal")
	_, otherRow := e.activeMember(other, "dev_two", "developer")
	c := e.console(tm.a, tm.admin)
	for _, path := range []string{
		views.PathMemberRoles(tm.experienceRow),
		views.PathMemberRoles(otherRow),
		views.PathMemberRoles(999999),
		views.PathMemberDelete(store.KindExperience, tm.devRow),
		views.PathMemberDelete(store.KindProject, otherRow),
	} {
		wantStatus(t, c.get(path), http.StatusNotFound)
		wantStatus(t, c.dialog(path), http.StatusNotFound)
	}
	if r := c.dialog(views.PathMemberRoles(tm.devRow)); r.status != http.StatusOK || r.doc.Find(`dialog input[value="developer"][checked]`).Length() != 1 {
		t.Errorf("the developer's roles dialog: %d, %.300s", r.status, r.body)
	}
}
