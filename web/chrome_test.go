package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// Tests of the frame every page shares (issue 10, items 1, 2, 9 and 14): the menu, the
// top bar, the favicon, the flash, the time zone, the language switch.

// A page appears in the menu once its route exists, to the roles its matrix row allows,
// in its group's place: adding a page is one line in views.Nav plus its route.
func TestNavShowsPagesOnceTheyExist(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	// A page the menu lists that the product has not built yet.
	views.Nav = append(views.Nav, views.NavItem{Path: "/coming", Label: "nav.home", Icon: "home"})
	t.Cleanup(func() { views.Nav = views.Nav[:len(views.Nav)-1] })
	menu := func(p store.Person) string {
		t.Helper()
		r := e.console(tm.a, p).get("/home")
		wantStatus(t, r, http.StatusOK)
		var got []string
		r.doc.Find(`[data-testid="nav"] a[href]`).Each(func(_ int, el *goquery.Selection) { got = append(got, el.AttrOr("href", "")) })
		return strings.Join(got, " ")
	}
	before := map[store.Person]string{}
	for _, p := range []store.Person{tm.admin, tm.operator, tm.analyst} {
		if before[p] = menu(p); strings.Contains(before[p], "/coming") {
			t.Fatalf("%s's menu shows /coming before the page exists: %s", p.WechatID, before[p])
		}
	}
	coming := func(c echo.Context) error { return c.String(http.StatusOK, "coming") }
	e.srv.console(http.MethodGet, "/coming", coming, store.ActMessages) // administrator and operator
	for p, want := range map[store.Person]string{tm.admin: before[tm.admin] + " /coming", tm.operator: before[tm.operator] + " /coming", tm.analyst: before[tm.analyst]} {
		if got := menu(p); got != want {
			t.Errorf("%s's menu: %s, want %s", p.WechatID, got, want)
		}
	}
}

// The menu is grouped as the real console's, with our own icons; the current section is
// marked (for assistive technology too) on the pages below it as well.
func TestNavGroupsAndCurrentPage(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	r := e.console(tm.a, tm.admin).get(fmt.Sprintf("/members/project/%d/roles", tm.devRow)) // a page below /members
	wantStatus(t, r, http.StatusOK)
	var heads []string
	r.doc.Find(`[data-testid="nav"] .nav-group`).Each(func(_ int, g *goquery.Selection) {
		heads = append(heads, strings.TrimSpace(g.Find(".nav-head").Text())+":"+strings.Join(g.Find("a").Map(func(_ int, a *goquery.Selection) string { return a.AttrOr("href", "") }), ","))
	})
	if got, want := strings.Join(heads, " | "), "Manage:/versions,/members,/logs | Features:/messages | Development:/dev/settings,/dev/sandbox | Settings:/settings/basic,/settings/filing,/settings/verify,/settings/password,/settings/sessions"; got != want {
		t.Errorf("groups %q, want %q", got, want)
	}
	if cur := r.doc.Find(`[data-testid="nav"] a[aria-current="page"]`); cur.Length() != 1 || cur.AttrOr("href", "") != "/members" {
		t.Errorf("current page marked on %d links (%q)", cur.Length(), cur.AttrOr("href", ""))
	}
	if n := r.doc.Find(`[data-testid="nav"] > li > a.nav-top svg.icon, [data-testid="nav"] .nav-head svg.icon`).Length(); n != 6 {
		t.Errorf("%d menu icons, want one per top-level item (home, stats) and group (6)", n)
	}
}

// The top bar shows the product mark, the account's icon (uploaded, else drawn) and name,
// who is signed in, and a menu with account information, switching account and signing out.
func TestTopBarAccountMenu(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	r := c.get("/home")
	wantStatus(t, r, http.StatusOK)
	bar := r.doc.Find("header.topbar")
	if bar.Find(".brand svg.brand-mark").Length() != 1 || !strings.Contains(bar.Find(".brand").Text(), "mpconsole") {
		t.Error("no product mark in the top bar")
	}
	who := bar.Find(`[data-testid="signed-in-as"]`)
	if who.Find("svg.app-icon").Length() != 1 || !strings.Contains(who.Text(), a.AppID) || !strings.Contains(who.Text(), "admin_one") {
		t.Errorf("the account without a name or icon: %q", who.Text())
	}
	menu := bar.Find(`details.account-menu .menu`)
	if menu.Find(`a[href="/settings/basic"]`).Length() != 1 || menu.Find(`form[action="/login/qr"] button`).Length() != 1 || menu.Find(`form[action="/logout"] button`).Length() != 1 {
		t.Errorf("the account menu lacks account information, switch account or sign out: %s", menu.Text())
	}
	if err := e.st.SetName(t.Context(), a.ID, admin.ID, "天气助手"); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetIcon(t.Context(), a.ID, admin.ID, bytes.NewReader(biImage(t, "png", 40, 40))); err != nil {
		t.Fatal(err)
	}
	bar = c.get("/home").doc.Find("header.topbar")
	if got := strings.TrimSpace(bar.Find("#topbar-name").Text()); got != "天气助手" {
		t.Errorf("top bar name %q", got)
	}
	if src := bar.Find(`[data-testid="signed-in-as"] img.app-icon`).AttrOr("src", ""); !strings.HasPrefix(src, "/icons/"+a.AppID+"?v=") {
		t.Errorf("top bar icon %q, want the uploaded one", src)
	}
	// Switching account is a scan login.
	wantRedirect(t, c.submit("/login/qr", nil, false), false, "/login/scan")
}

// An htmx rename answers the name row and, out of band, the top bar's name.
func TestRenameUpdatesTheTopBar(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	r := e.console(a, admin).post("/settings/basic/name", url.Values{"name": {"天气助手"}}, true)
	wantStatus(t, r, http.StatusOK)
	wantFragment(t, r, true)
	if oob := r.doc.Find(`#topbar-name[hx-swap-oob="true"]`); strings.TrimSpace(oob.Text()) != "天气助手" {
		t.Fatalf("no out-of-band top bar name in %.300s", r.body)
	}
	if r := e.console(a, admin).post("/settings/basic/intro", url.Values{"intro": {"一个很好的介绍"}}, true); r.hasSel("#topbar-name") {
		t.Fatal("an intro change sends the top bar's name")
	}
}

// Every frame links a favicon of ours that is served as SVG.
func TestFavicon(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	for _, r := range []resp{e.client().get("/login"), e.console(a, admin).get("/home"), e.wx(admin).get("/wx"), e.wx(admin).get("/ops")} {
		href := r.doc.Find(`link[rel="icon"][type="image/svg+xml"]`).AttrOr("href", "")
		if href == "" {
			t.Fatalf("no favicon on %.200s", r.body)
		}
		icon := e.client().get(href)
		wantStatus(t, icon, http.StatusOK)
		if ct := icon.header.Get("Content-Type"); ct != "image/svg+xml" || !strings.Contains(icon.body, "<svg") {
			t.Fatalf("favicon served as %q", ct)
		}
	}
}

// A flash message stands under the page title, not above it.
func TestFlashUnderTheTitle(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	e.person("tester_two", "")
	wantStatus(t, c.post("/members/experience", url.Values{"wechat_id": {"tester_two"}}, false), http.StatusSeeOther)
	r := c.get("/members")
	if flash := r.doc.Find(`[data-testid="flash"]`); flash.Length() != 1 || !flash.Prev().Is("h1") {
		t.Fatalf("the flash is not right under the title: %d, after %q", flash.Length(), goquery.NodeName(flash.Prev()))
	}
	wantStatus(t, c.post("/settings/basic/name", url.Values{"name": {"天气助手"}}, false), http.StatusSeeOther)
	if flash := c.get("/settings/basic").doc.Find(`[data-testid="flash"]`); flash.Length() != 1 || !flash.Prev().Is("h1") {
		t.Fatal("the basic page's flash is not under its title")
	}
}

// Signed out by someone else — a password change, a removal, a sign-out from the sessions
// page — the browser's next page is the sign-in page saying why; signing out oneself
// leaves no such message.
func TestSignedOutSaysWhy(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	why := func(c *client, path string) string {
		t.Helper()
		wantRedirect(t, c.get(path), false, "/login")
		msg := c.get("/login").testid("flash")
		if again := c.get("/login").testid("flash"); again != "" {
			t.Errorf("the reason %q is shown twice", again)
		}
		return msg
	}
	other := e.console(tm.a, tm.admin)
	wantStatus(t, e.console(tm.a, tm.admin).post("/settings/password", url.Values{"current_password": {"Passw0rd!"}, "password": {"N3w-passw0rd"}, "password_confirm": {"N3w-passw0rd"}}, false), http.StatusSeeOther)
	if got := why(other, "/home"); got != tr("en", "login.signed_out_password") {
		t.Errorf("after a password change elsewhere the sign-in page says %q", got)
	}
	dev := e.console(tm.a, tm.developer)
	if err := e.st.RemoveMember(t.Context(), tm.a.ID, tm.admin.ID, store.KindProject, tm.devRow); err != nil {
		t.Fatal(err)
	}
	if got := why(dev, "/members"); got != tr("en", "login.signed_out_removed") {
		t.Errorf("a removed member reads %q", got)
	}
	laptop, phone := e.console(tm.a, tm.analyst), e.console(tm.a, tm.analyst)
	wantStatus(t, phone.post(views.PathSessionsOthers, nil, false), http.StatusSeeOther)
	if got := why(laptop, "/home"); got != tr("en", "login.signed_out_elsewhere") {
		t.Errorf("a browser signed out from the sessions page reads %q", got)
	}
	self := e.console(tm.a, tm.operator)
	wantStatus(t, self.post("/logout", nil, false), http.StatusSeeOther)
	if got := why(self, "/home"); got != "" {
		t.Errorf("signing out oneself says %q", got)
	}
}

// The simulator and ops have the language switch too; a person refused /ops sees the
// refusal without the reviewers' menu.
func TestWxAndOpsFrames(t *testing.T) {
	e := newEnv(t)
	p := e.person("someone_1", "")
	op := e.person("reviewer_1", "")
	if err := e.st.SetOperator(t.Context(), op.WechatID, true); err != nil {
		t.Fatal(err)
	}
	for _, r := range []resp{e.client().get("/wx/login"), e.wx(p).get("/wx"), e.wx(op).get("/ops"), e.wx(op).get("/ops/registry")} {
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find(`[data-testid="lang"] a[href="?lang=en"]`).Length() != 1 || r.doc.Find(`[data-testid="lang"] a[href="?lang=zh-CN"]`).Length() != 1 {
			t.Errorf("no language switch on %s", r.doc.Find("title").Text())
		}
	}
	wx := e.wx(p).get("/wx/apps")
	if wx.doc.Find("main#content").Length() != 1 || wx.doc.Find("h1").Length() != 1 || wx.doc.Find(`[data-testid="wx-tabbar"] a[aria-current="page"][href="/wx/apps"]`).Length() != 1 {
		t.Error("the simulator page lacks its main, its h1 or the current tab")
	}
	if wx.doc.Find(`[data-testid="wx-tabbar"] [aria-disabled="true"]`).Length() != 1 {
		t.Error("the tab the simulator does not have is not shown disabled")
	}
	refused := e.wx(p).get("/ops")
	wantStatus(t, refused, http.StatusForbidden)
	if refused.hasSel(`[data-testid="ops-nav"]`) || refused.hasSel(`a[href="/ops/registry"]`) {
		t.Fatal("the 403 page shows the reviewers' menu")
	}
	if !e.wx(op).get("/ops").hasSel(`[data-testid="ops-nav"] a[href="/ops/registry"]`) {
		t.Fatal("a reviewer has no menu")
	}
}

// Times are written in China time in one format, and each page names the zone once.
func TestOneTimeZone(t *testing.T) {
	e := newEnv(t) // the clock is 2026-03-10 09:00 UTC
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	op := e.person("reviewer_1", "")
	if err := e.st.SetOperator(t.Context(), op.WechatID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddRegistryEmail(t.Context(), "open@example.com"); err != nil {
		t.Fatal(err)
	}
	e.appSecret(a, admin)
	registering := e.client()
	e.startRegistration(registering, "new@example.com")
	for _, tc := range []struct {
		r   resp
		sel string
	}{
		{e.wx(op).get("/ops/registry"), `tr[data-testid="registry-row"]`},
		{e.console(a, admin).get("/dev/settings"), `[data-testid="secret-state"]`},
		{registering.get("/mailbox"), `article[data-testid="mail"]`},
	} {
		wantStatus(t, tc.r, http.StatusOK)
		if got := tc.r.doc.Find(tc.sel).Text(); !strings.Contains(got, "2026-03-10 17:00") || strings.Contains(got, "17:00:00") {
			t.Errorf("%s: %q, want 2026-03-10 17:00", tc.sel, strings.Join(strings.Fields(got), " "))
		}
		if zone := tc.r.doc.Find(`[data-testid="timezone"]`); zone.Length() != 1 || !strings.Contains(zone.Text(), "UTC+8") {
			t.Errorf("%s: the zone is named %d times", tc.sel, zone.Length())
		}
	}
}

// No page carries inline script, inline style or event-handler attributes: the strict CSP
// (script-src and style-src 'self') would block them.
func TestNoInlineScriptOrStyle(t *testing.T) {
	e := newEnv(t)
	checked := 0
	for _, p := range gallery(t, e) {
		if p.prepare != nil || len(p.steps) > 0 {
			continue
		}
		r := p.who.get(p.path)
		if r.status == http.StatusSeeOther {
			r = p.who.get(r.location())
		}
		checked++
		if n := r.doc.Find(`[style], style, script:not([src]), [hx-on], [hx-vals^="js:"]`).Length(); n > 0 {
			t.Errorf("%s: %d inline styles or scripts", p.name, n)
		}
		r.doc.Find("*").Each(func(_ int, el *goquery.Selection) {
			for _, a := range el.Nodes[0].Attr {
				if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on") {
					t.Errorf("%s: <%s %s>", p.name, goquery.NodeName(el), a.Key)
				}
			}
		})
	}
	if checked < 40 {
		t.Fatalf("only %d pages checked", checked)
	}
}

// The flash travels in a cookie of its own, not in the session row (which a save would
// otherwise write twice more): the message shows once, and a cookie naming something the
// catalog does not know shows nothing.
func TestFlashCookie(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	res := c.post("/settings/basic/name", url.Values{"name": {"天气助手"}}, false)
	wantStatus(t, res, http.StatusSeeOther)
	if cks := strings.Join(res.header.Values("Set-Cookie"), "\n"); !strings.Contains(cks, "mpconsole_flash=") {
		t.Fatalf("the save left no flash cookie: %q", cks)
	}
	if got := c.get("/settings/basic").testid("flash"); got == "" {
		t.Fatal("no message after the save")
	}
	if again := c.get("/settings/basic").testid("flash"); again != "" {
		t.Errorf("the message %q is shown twice", again)
	}
	u, _ := url.Parse(e.http.URL)
	c.jar.SetCookies(u, []*http.Cookie{{Name: "mpconsole_flash", Value: "forged", Path: "/"}})
	if got := c.get("/settings/basic").testid("flash"); got != "" {
		t.Errorf("a forged flash cookie shows %q", got)
	}
}
