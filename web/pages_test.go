package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// Tests of the pages as the real platform shows them, and of the rough edges a first-time
// user hit (issue 10, items 3, 4, 6, 7, 8, 10 and 14).

// The account picker of scan login shows a card per account: its icon, name, AppID and the
// person's roles there.
func TestPickAccountCards(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	other := e.person("admin_two", "李四")
	b := e.account("other@example.com", other, "personal")
	e.member(b, admin, "project", "developer analyst", "active")
	if err := e.st.SetName(t.Context(), a.ID, admin.ID, "天气助手"); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetIcon(t.Context(), a.ID, admin.ID, bytes.NewReader(biImage(t, "png", 40, 40))); err != nil {
		t.Fatal(err)
	}
	c := e.client()
	wantStatus(t, c.post("/login/qr", nil, false), http.StatusSeeOther)
	wantStatus(t, decide(t, e.wx(admin), scanPath(t, c.get("/login/scan")), "confirm"), http.StatusSeeOther)
	wantStatus(t, c.get("/login/scan"), http.StatusSeeOther)
	r := c.get("/login/scan")
	wantStatus(t, r, http.StatusOK)
	cards := r.doc.Find(`button.account-card[data-testid="pick-account"]`)
	if cards.Length() != 2 {
		t.Fatalf("%d cards, want 2", cards.Length())
	}
	first, second := cards.Eq(0), cards.Eq(1)
	if first.Find("img.app-icon").Length() != 1 || !strings.Contains(first.Text(), "天气助手") || !strings.Contains(first.Text(), a.AppID) ||
		strings.TrimSpace(first.Find(`[data-testid="pick-roles"]`).Text()) != tr("en", "role.admin") {
		t.Errorf("first card: %q", strings.Join(strings.Fields(first.Text()), " "))
	}
	if second.Find("svg.app-icon").Length() != 1 || !strings.Contains(second.Text(), b.AppID) ||
		strings.Join(strings.Fields(second.Find(`[data-testid="pick-roles"]`).Text()), " ") != strings.Join(strings.Fields(tr("en", "role.developer")+tr("en", "sep.list")+tr("en", "role.analyst")), " ") {
		t.Errorf("second card: %q", strings.Join(strings.Fields(second.Text()), " "))
	}
}

// Destructive actions ask first on a page of their own without JavaScript (the dialog's
// link leads there), and that page's form does it; other accounts' rows are not found.
func TestConfirmPagesWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	if err := e.st.AddCategory(t.Context(), tm.a.ID, tm.admin.ID, "tool", "tool.weather"); err != nil {
		t.Fatal(err)
	}
	cat := biInfo(e, tm.a).Categories[0]
	for _, tc := range []struct{ page, path, gone, back string }{
		{"/members", fmt.Sprintf("/members/experience/%d/delete", tm.experienceRow), `tr[data-kind="experience"][data-wechat-id="exp_one"]`, "/members"},
		{"/members", fmt.Sprintf("/members/project/%d/delete", tm.analystRow), `tr[data-kind="project"][data-wechat-id="analyst_one"]`, "/members"},
		{"/settings/basic", fmt.Sprintf("/settings/basic/categories/%d/delete", cat.ID), `tr[data-second="tool.weather"]`, "/settings/basic"},
	} {
		page := c.get(tc.page)
		if !page.hasSel(`a[href="` + tc.path + `"][data-dialog]`) {
			t.Errorf("%s has no link to %s", tc.page, tc.path)
		}
		r := c.open(tc.path)
		wantStatus(t, r, http.StatusOK)
		form := r.doc.Find(`[data-testid="confirm-page"] form[method="post"][action="` + tc.path + `"]`)
		if form.Length() != 1 || form.AttrOr("hx-post", "") != "" || !r.hasSel(`[data-testid="confirm-page"] a[href="`+tc.back+`"]`) {
			t.Fatalf("%s: no plain confirming form and way back: %.400s", tc.path, r.body)
		}
		if !c.get(tc.page).hasSel(tc.gone) {
			t.Fatalf("%s: asking removed it already", tc.path)
		}
		wantRedirect(t, c.submit(tc.path, nil, false), false, tc.back)
		if c.get(tc.page).hasSel(tc.gone) {
			t.Fatalf("%s: confirming did not remove it", tc.path)
		}
		wantStatus(t, c.get(tc.path), http.StatusNotFound)
	}
	wantStatus(t, e.console(tm.a, tm.developer).get(fmt.Sprintf("/members/project/%d/delete", tm.devRow)), http.StatusForbidden)

	op := e.person("reviewer_1", "")
	if err := e.st.SetOperator(t.Context(), op.WechatID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddRegistryEmail(t.Context(), "open@example.com"); err != nil {
		t.Fatal(err)
	}
	reviewer := e.wx(op)
	del := reviewer.get("/ops/registry").doc.Find(`tr[data-testid="registry-row"] a[data-dialog]`).AttrOr("href", "")
	r := reviewer.open(del)
	wantStatus(t, r, http.StatusOK)
	if !r.hasSel(`[data-testid="confirm-page"] form[action="` + del + `"]`) {
		t.Fatal("the registry delete asks nothing")
	}
	wantRedirect(t, reviewer.submit(del, nil, false), false, "/ops/registry")
	wantStatus(t, reviewer.get(del), http.StatusNotFound)
}

// A role change has a page of its own without JavaScript (the dialog's link), with the
// member's roles ticked.
func TestRolesPageWithoutJavaScript(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	path := fmt.Sprintf("/members/project/%d/roles", tm.devRow)
	r := c.open(path)
	wantStatus(t, r, http.StatusOK)
	if !r.hasSel(`form[action="`+path+`"] input[name="roles"][value="developer"][checked]`) || r.hasSel(`form[action="`+path+`"] input[name="roles"][value="analyst"][checked]`) {
		t.Fatalf("the roles page does not tick the member's roles: %.400s", r.body)
	}
	wantRedirect(t, c.submit(path, url.Values{"roles": {"analyst"}}, false), false, "/members")
	wantStatus(t, c.get(fmt.Sprintf("/members/project/%d/roles", tm.experienceRow)), http.StatusNotFound)
}

// The settings rows are read-only until 修改: the form opens on its own page without
// JavaScript, or alone in place with htmx.
func TestSettingsRowsOpenOnDemand(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	basic := c.get("/settings/basic")
	if basic.hasSel(`main form[method="post"]`) || !basic.hasSel(`a[data-testid="edit-basic-name"][href="/settings/basic/name"][hx-get="/settings/basic/name"]`) {
		t.Fatal("the basic page opens forms before 修改, or has no 修改")
	}
	for _, item := range []string{"name", "icon", "intro"} {
		plain := c.open("/settings/basic/" + item)
		wantStatus(t, plain, http.StatusOK)
		wantFragment(t, plain, false)
		if plain.doc.Find(`main form[method="post"]`).Length() != 1 || !plain.hasSel(`form[action="/settings/basic/`+item+`"]`) {
			t.Errorf("%s: the page does not open that form alone", item)
		}
		frag := c.do("GET", "/settings/basic/"+item, nil, "", true)
		wantStatus(t, frag, http.StatusOK)
		wantFragment(t, frag, true)
		if !frag.hasSel(`section#basic-`+item+` form[action="/settings/basic/`+item+`"]`) || frag.doc.Find("section").Length() != 1 {
			t.Errorf("%s: htmx does not get the section with its form", item)
		}
	}
	dev := c.get("/dev/settings")
	if dev.hasSel(`textarea`) || !dev.hasSel(`a[data-testid="edit-ip-whitelist"][href="/dev/settings/ip-whitelist"]`) {
		t.Fatal("the whitelist form is open before 修改")
	}
	if !c.open("/dev/settings/ip-whitelist").hasSel(`form[action="/dev/settings/ip-whitelist"] textarea[name="ips"]`) {
		t.Fatal("the whitelist form does not open")
	}
	if !c.open("/dev/settings/domains").hasSel(`form[action="/dev/settings/domains"] textarea[name="request"]`) {
		t.Fatal("the domains form does not open")
	}
}

// The picker offers the second levels of the chosen first level only; the ones the
// account cannot add are disabled and say why; a subject that may have them gets them.
func TestCategoryPickerClosedEntries(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	wantStatus(t, c.post("/settings/basic/categories", url.Values{"first": {"tool"}, "second": {"tool.weather"}}, false), http.StatusSeeOther)
	r := c.open("/settings/basic/categories?first=tool")
	if o := r.doc.Find(`option[value="tool.weather"]`); o.AttrOr("data-closed", "") != "basic.category_added" || o.AttrOr("disabled", "x") == "x" {
		t.Errorf("an added category is not disabled as added")
	}
	if o := r.doc.Find(`option[value="tool.business_management"]`); o.AttrOr("data-closed", "") != "basic.category_not_personal" || !strings.Contains(o.Text(), tr("en", "basic.category_not_personal")) {
		t.Errorf("a category closed to personal subjects: %q", o.Text())
	}
	if r.hasSel(`option[value="tool.calculator"][disabled]`) || r.hasSel(`[data-testid="category-none-open"]`) {
		t.Error("an open category is disabled")
	}
	frag := c.do("GET", "/settings/basic/categories?first=tool", nil, "", true) // what htmx fetches when the first select changes
	wantStatus(t, frag, http.StatusOK)
	wantFragment(t, frag, true)
	if !frag.hasSel(`#category-second form[hx-post="/settings/basic/categories"] select[name="second"] option[data-first="tool"]`) {
		t.Error("the htmx step has no second select to swap in")
	}
	if !c.open("/settings/basic/categories?first=finance").hasSel(`[data-testid="category-none-open"]`) {
		t.Error("a first level with nothing open does not say so")
	}
	org := e.person("admin_two", "李四")
	b := e.account("org@example.com", org, "enterprise")
	if e.console(b, org).open("/settings/basic/categories?first=finance").hasSel(`option[value="finance.bank"][disabled]`) {
		t.Error("an organisation cannot pick a category for organisations")
	}
}

// A scan opened signed out: the sign-in page says why, its sign-up link keeps the scan,
// and the new identity lands on it. next never leaves the simulator.
func TestSignupKeepsTheScan(t *testing.T) {
	e := newEnv(t)
	// A registration waits for its administrator, someone without a WeChat identity yet.
	future := store.Person{RealName: "王五", IDNumber: idNumber()}
	console := e.client()
	e.toAdmin(console, "owner@example.com", future)
	token := strings.TrimPrefix(scanPath(t, console.open("/register/admin")), "/wx/scan/")
	scan := "/wx/scan/" + token
	phone := e.client()
	login := phone.open(phone.get(scan).location())
	if !login.hasSel(`[data-testid="login-reason"]`) {
		t.Fatal("the sign-in page does not say it is for a scanned code")
	}
	signup := login.doc.Find(`a[data-testid="to-signup"]`).AttrOr("href", "")
	if signup != "/wx/signup?next="+url.QueryEscape(scan) {
		t.Fatalf("the sign-up link %q loses the scan", signup)
	}
	page := phone.open(signup)
	if page.doc.Find(`input[name="next"]`).AttrOr("value", "") != scan || !page.hasSel(`[data-testid="login-reason"]`) {
		t.Fatal("the sign-up form does not carry the scan")
	}
	for _, htmx := range []bool{false, true} {
		bad := phone.submit("/wx/signup", url.Values{"wechat_id": {"1"}, "next": {scan}}, htmx)
		wantStatus(t, bad, http.StatusUnprocessableEntity)
		if bad.doc.Find(`input[name="next"]`).AttrOr("value", "") != scan {
			t.Fatal("a failed sign-up forgets the scan")
		}
	}
	done := phone.submit("/wx/signup", url.Values{"wechat_id": {"newcomer_1"}, "nickname": {"New"}, "password": {"Wx-pass-123"},
		"real_name": {future.RealName}, "id_number": {future.IDNumber}, "next": {scan}}, false)
	wantRedirect(t, done, false, scan)
	if !phone.open(scan).hasSel(`[data-testid="scan-confirm"]`) {
		t.Fatal("the new identity cannot answer the scan")
	}
	wantRedirect(t, e.client().submit("/wx/signup", url.Values{"wechat_id": {"newcomer_2"}, "nickname": {"N"}, "password": {"Wx-pass-123"}, "next": {"https://evil.example/"}}, false), false, "/wx")
	if e.client().open("/wx/login").hasSel(`[data-testid="login-reason"]`) {
		t.Fatal("a plain sign-in claims a scan")
	}
}

// The one-time page says plainly that the secret is shown once and has no language switch
// (it would load the page again); asked for again it answers 410 saying how to reset.
func TestSecretOncePageSaysSo(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	wait := e.confirmedResetWait(c, a, admin)
	show := c.get(wait).location()
	once := c.open(show)
	wantStatus(t, once, http.StatusOK)
	if once.testid("app-secret") == "" || !strings.Contains(once.testid("once-warning"), "only this once") {
		t.Fatalf("the page does not say it is shown once: %q", once.testid("once-warning"))
	}
	if once.hasSel(`a[href*="lang="]`) || !once.hasSel(`[data-testid="lang-off"]`) || once.header.Get("Cache-Control") != "no-store" {
		t.Fatal("the one-time page can be loaded again by its language switch, or cached")
	}
	gone := c.open(show)
	wantStatus(t, gone, http.StatusGone)
	if gone.errCode("") != "secret_shown" || !gone.hasSel(`a[data-testid="gone-reset"][href="/dev/settings"]`) || !strings.Contains(gone.body, tr("en", "dev.gone_reset")) {
		t.Fatalf("the 410 page does not explain the reset: %.400s", gone.body)
	}
	if c.get("/dev/settings").hasSel(`a[href*="lang="]`) != true {
		t.Fatal("other pages lost their language switch")
	}
}
