package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"mpconsole/store"
)

// The gallery: every distinct page of every surface (signed out, each role, the simulated
// WeChat, ops) with data on it, for the accessibility test and `make screenshots`.

// galleryPage is one page as a browser opens it: with whose cookies, at which path (or,
// for a page that is spent by looking at it, prepare makes a fresh one and says where and
// with whose cookies), and what to click once there.
type galleryPage struct {
	name    string
	surface string // console, wx or ops
	who     *client
	path    string
	prepare func() (string, *client)
	steps   []chromedp.Action[chromedp.Void]
}

// gallery builds an account with everything filled in, its team and a reviewer, and lists
// the pages.
func gallery(t *testing.T, e *env) []galleryPage {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tm := newTeam(e)
	a, admin := tm.a, tm.admin
	must(e.st.SetName(ctx, a.ID, admin.ID, "天气小助手"))
	must(e.st.SetIntro(ctx, a.ID, admin.ID, "查询全国天气，提供未来七天预报与出行建议。"))
	must(e.st.SetIcon(ctx, a.ID, admin.ID, bytes.NewReader(biImage(t, "png", 96, 96))))
	must(e.st.AddCategory(ctx, a.ID, admin.ID, "tool", "tool.weather"))
	must(e.st.AddCategory(ctx, a.ID, admin.ID, "education", "education.online"))
	must(e.st.SetIPWhitelist(ctx, a.ID, admin.ID, []string{"10.0.0.1", "192.168.1.*"}))
	invitee := e.person("invitee_one", "")
	invited, err := e.st.AddProjectMember(ctx, a.ID, admin.ID, invitee.WechatID, []string{"developer", "analyst"})
	must(err)
	a, err = e.st.AccountByID(ctx, a.ID)
	must(err)
	admin2 := e.person("admin_two", "李四")
	org := e.account("org@example.com", admin2, "enterprise") // its subject waits for review
	must(e.st.AddCategory(ctx, org.ID, admin2.ID, "finance", "finance.bank"))
	reviewer := e.person("reviewer_one", "")
	must(e.st.SetOperator(ctx, reviewer.WechatID, true))
	must(e.st.AddRegistryEmail(ctx, "open@example.com"))
	registry, err := e.st.Registry(ctx)
	must(err)
	cats := biInfo(e, a).Categories
	e.appSecret(a, admin)
	must(e.st.SetUploadKeyIPs(ctx, a.ID, admin.ID, []string{"203.0.113.0/24"}))
	_, err = e.st.Upload(ctx, a.ID, store.ByPerson(admin.ID), "1.2.0-beta", "新增七天预报", nil)
	must(err)
	tmplID := apisimGallery(t, e, a, admin)

	adminC := e.console(a, admin)
	orgC := e.console(org, admin2) // a personal subject's administrator changes only to the same person
	heir := e.person("heir_one", "王五")
	wantStatus(t, orgC.post("/members/admin/transfer", url.Values{"wechat_id": {heir.WechatID}}, false), http.StatusSeeOther)
	r := adminC.post("/dev/settings/secret/freeze", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	freezeWait := r.location()
	reset := e.console(a, admin)
	r = reset.post("/dev/settings/secret", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	resetWait := r.location()

	// Signed out, one browser per step of the wizard and of login.
	activate, subject, adminStep, confirm := e.client(), e.client(), e.client(), e.client()
	e.startRegistration(activate, "new1@example.com")
	e.toSubject(subject, "new2@example.com")
	e.toAdmin(adminStep, "new3@example.com", e.person("admin_three", "赵六"))
	e.toConfirm(confirm, "new4@example.com", e.person("admin_four", "钱七"))
	loginScan := e.client()
	wantStatus(t, loginScan.post("/login/qr", nil, false), http.StatusSeeOther)
	picker := e.client()
	wantStatus(t, picker.post("/login/qr", nil, false), http.StatusSeeOther)
	wantStatus(t, decide(t, e.wx(admin), scanPath(t, picker.get("/login/scan")), "confirm"), http.StatusSeeOther)
	wantStatus(t, picker.get("/login/scan"), http.StatusSeeOther)
	admin5 := e.person("admin_five", "孙八")
	third := e.account("third@example.com", admin5, "personal")
	changer, password := e.console(third, admin5), "Passw0rd!"
	stale := func() (string, *client) { // a browser whose session a password change ended
		c := e.console(third, admin5)
		next := map[string]string{"Passw0rd!": "N3w-passw0rd", "N3w-passw0rd": "Passw0rd!"}[password]
		wantStatus(t, changer.post("/settings/password", url.Values{"current_password": {password}, "password": {next}, "password_confirm": {next}}, false), http.StatusSeeOther)
		password = next
		return "/home", c
	}

	pending, err := e.st.CreateScan(ctx, store.PurposeLogin, a.ID, 0, store.Requester{Agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36", IP: "192.0.2.10"})
	must(err)
	done, err := e.st.CreateScan(ctx, store.PurposeLogin, a.ID, 0, store.Requester{Agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36", IP: "192.0.2.10"})
	must(err)
	_, err = e.st.DecideScan(ctx, done, admin.ID, true)
	must(err)

	out := e.client()
	pages := []galleryPage{
		{name: "login", path: "/login", who: out},
		{name: "login-password-changed", prepare: stale},
		{name: "login-scan", path: "/login/scan", who: loginScan},
		{name: "login-pick-account", path: "/login/scan", who: picker},
		{name: "register", path: "/register", who: out},
		{name: "register-activate", path: "/register/activate", who: activate},
		{name: "register-subject", path: "/register/subject", who: subject},
		{name: "register-admin", path: "/register/admin", who: adminStep},
		{name: "register-confirm", path: "/register/confirm", who: confirm},
		{name: "mailbox", path: "/mailbox", who: activate},
		{name: "not-found", path: "/nope", who: out},
	}
	for i := range pages {
		pages[i].name = "out-" + pages[i].name
	}
	add := func(role string, c *client, list ...galleryPage) {
		for _, p := range list {
			p.name, p.who = role+"-"+p.name, c
			if p.surface == "" {
				p.surface = "console"
			}
			pages = append(pages, p)
		}
	}
	open := func(sel string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{chromedp.Click(sel), chromedp.WaitVisible(`dialog[open]`)}
	}
	e.sbToken(a, admin) // the automation API's token list and its revoke dialog
	sbTokens, err := e.st.SandboxTokens(ctx, a.ID)
	must(err)
	add("admin", adminC,
		galleryPage{name: "home", path: "/home"},
		galleryPage{name: "basic", path: "/settings/basic"},
		galleryPage{name: "basic-name", path: "/settings/basic/name"},
		galleryPage{name: "basic-icon", path: "/settings/basic/icon"},
		galleryPage{name: "basic-intro", path: "/settings/basic/intro"},
		galleryPage{name: "basic-categories", path: "/settings/basic/categories?first=finance"},
		galleryPage{name: "basic-category-delete", path: fmt.Sprintf("/settings/basic/categories/%d/delete", cats[0].ID)},
		galleryPage{name: "basic-category-dialog", path: "/settings/basic", steps: open(`[data-testid="category-delete-link"]`)},
		galleryPage{name: "filing", path: "/settings/filing"},
		galleryPage{name: "verify", path: "/settings/verify"},
		galleryPage{name: "password", path: "/settings/password"},
		galleryPage{name: "sessions", path: "/settings/sessions"},
		galleryPage{name: "members", path: "/members"},
		galleryPage{name: "members-roles", path: fmt.Sprintf("/members/project/%d/roles", tm.devRow)},
		galleryPage{name: "members-roles-dialog", path: "/members", steps: open(fmt.Sprintf(`a[data-dialog="roles-%d"]`, tm.devRow))},
		galleryPage{name: "members-remove", path: fmt.Sprintf("/members/project/%d/delete", invited.ID)},
		galleryPage{name: "members-remove-dialog", path: "/members", steps: open(fmt.Sprintf(`a[data-dialog="remove-%d"]`, tm.experienceRow))},
		galleryPage{name: "experience-remove", path: fmt.Sprintf("/members/experience/%d/delete", tm.experienceRow)},
		galleryPage{name: "dev", path: "/dev/settings"},
		galleryPage{name: "dev-whitelist", path: "/dev/settings/ip-whitelist"},
		galleryPage{name: "dev-domains", path: "/dev/settings/domains"},
		galleryPage{name: "sandbox", path: "/dev/sandbox"},
		galleryPage{name: "sandbox-token-revoke", path: fmt.Sprintf("/dev/sandbox/tokens/%d/revoke", sbTokens[0].ID)},
		galleryPage{name: "sandbox-token-revoke-dialog", path: "/dev/sandbox", steps: open(`[data-testid="sandbox-token-revoke-link"]`)},
		galleryPage{name: "freeze-wait", path: freezeWait},
		galleryPage{name: "stats", path: "/stats?days=30"},
		galleryPage{name: "logs", path: "/logs"},
		galleryPage{name: "messages", path: "/messages"},
		galleryPage{name: "messages-new", path: "/messages/new?tid=1468"},
		galleryPage{name: "messages-remove", path: "/messages/" + tmplID + "/delete"},
		galleryPage{name: "messages-remove-dialog", path: "/messages", steps: open(`[data-testid="template-remove-link"]`)},
		galleryPage{name: "sandbox-security-words", path: "/dev/sandbox/words"},
		galleryPage{name: "menu", path: "/home", steps: []chromedp.Action[chromedp.Void]{chromedp.Click(`[data-testid="signed-in-as"]`), chromedp.WaitVisible(`[data-testid="logout"]`)}},
	)
	add("admin", orgC, galleryPage{name: "transfer", path: "/members/admin/transfer"})
	add("admin", reset,
		galleryPage{name: "secret-wait", path: resetWait},
		galleryPage{name: "secret-once", prepare: func() (string, *client) { return e.confirmedResetWait(reset, a, admin), reset }},
		galleryPage{name: "secret-gone", prepare: func() (string, *client) { _, show := e.consoleSecret(reset, admin, false); return show, reset }},
		galleryPage{name: "upload-key-once", prepare: func() (string, *client) { return e.confirmedUploadKeyWait(reset, admin), reset }},
		galleryPage{name: "upload-key-gone", prepare: func() (string, *client) { _, show := e.consoleUploadKey(reset, admin, false); return show, reset }},
		galleryPage{name: "dev-upload-ips", path: "/dev/settings/upload-key/ip-whitelist"},
		galleryPage{name: "sandbox-token-once", prepare: func() (string, *client) {
			return reset.post("/dev/sandbox/tokens", url.Values{"token_name": {"CI"}}, false).location(), reset
		}},
		galleryPage{name: "sandbox-token-gone", prepare: func() (string, *client) { _, show := sandboxToken(t, reset, "CI", false); return show, reset }},
	)
	add("operator", e.console(a, tm.operator),
		galleryPage{name: "home", path: "/home"},
		galleryPage{name: "basic", path: "/settings/basic"},
		galleryPage{name: "members", path: "/members"},
		galleryPage{name: "forbidden", path: "/dev/settings"},
	)
	add("developer", e.console(a, tm.developer),
		galleryPage{name: "home", path: "/home"},
		galleryPage{name: "basic", path: "/settings/basic"},
		galleryPage{name: "members", path: "/members"},
		galleryPage{name: "dev", path: "/dev/settings"},
		galleryPage{name: "sandbox", path: "/dev/sandbox"},
	)
	add("analyst", e.console(a, tm.analyst),
		galleryPage{name: "home", path: "/home"},
		galleryPage{name: "stats", path: "/stats"},
		galleryPage{name: "members", path: "/members"},
	)
	wx := func(name, path string, steps ...chromedp.Action[chromedp.Void]) galleryPage {
		return galleryPage{name: name, path: path, surface: "wx", steps: steps}
	}
	add("wx", e.wx(admin),
		wx("me", "/wx"),
		wx("inbox-empty", "/wx/inbox"),
		wx("apps", "/wx/apps"),
		wx("opened", "/wx/apps", chromedp.Click(`[data-testid="open-app"][data-version="online"]`), chromedp.WaitVisible(`[data-testid="js-code"]`)),
		wx("opened-develop", "/wx/apps/"+a.AppID+"?env=develop"),
		wx("open-refused", "/wx/apps/"+a.AppID+"?env=trial"),
		wx("search", "/wx/apps?q="+url.QueryEscape("天气")),
		wx("scan", "/wx/scan/"+pending),
		wx("scan-done", "/wx/scan/"+done),
		wx("profile", "/wx/profile"),
		wx("services", "/wx/apps/"+a.AppID+"/services"),
		wx("notices", "/wx/notices"),
		wx("ops-forbidden", "/ops"),
	)
	add("wx", e.wx(invitee), wx("inbox", "/wx/inbox"))
	add("wx", out,
		wx("login-for-scan", "/wx/login?next="+url.QueryEscape("/wx/scan/"+pending)),
		wx("signup", "/wx/signup?next="+url.QueryEscape("/wx/scan/"+pending)),
	)
	add("ops", e.wx(reviewer),
		galleryPage{name: "queue", path: "/ops", surface: "ops"},
		galleryPage{name: "registry", path: "/ops/registry", surface: "ops"},
		galleryPage{name: "registry-delete", path: fmt.Sprintf("/ops/registry/%d/delete", registry[0].ID), surface: "ops"},
		galleryPage{name: "mailbox", path: "/ops/mailbox", surface: "ops"},
	)
	for i := range pages {
		if pages[i].surface == "" {
			pages[i].surface = "console"
		}
	}
	return pages
}

// confirmedResetWait starts a reset in c and has admin confirm it: the waiting page's next
// GET (the browser's) moves on to the one-time page.
func (e *env) confirmedResetWait(c *client, a store.Account, admin store.Person) string {
	e.t.Helper()
	r := c.post("/dev/settings/secret", nil, false)
	wantStatus(e.t, r, http.StatusSeeOther)
	m := tokenInPath.FindStringSubmatch(r.location())
	if m == nil {
		e.t.Fatalf("reset went to %q", r.location())
	}
	wantStatus(e.t, e.wx(admin).post("/wx/scan/"+m[1], url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	return r.location()
}

// galleryTab is one browser context for a whole walk through the gallery; visit clears its
// cookies before each page.
func galleryTab(t *testing.T) context.Context {
	t.Helper()
	newBrowser(t) // starts Chromium once, or skips without it
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The tab is made by the first action and lives as long as the context that action
	// ran with: make it now, with ctx itself, so visits can run under timeouts of their own.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// cspWatch records, in every page the tab opens, what the Content-Security-Policy blocked
// (an inline script or style that slipped in), for the accessibility walk to report.
const cspWatch = `window.cspBlocked = []; document.addEventListener("securitypolicyviolation",
	e => window.cspBlocked.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber));`

// visit opens p in lang at width: only the page's cookies and the language cookie, the
// path (prepared if need be), and its steps, within 30 seconds.
func (e *env) visit(tab context.Context, p galleryPage, lang string, width int64) error {
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	path, who := p.path, p.who
	if p.prepare != nil {
		path, who = p.prepare()
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(width, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, name := range []string{consoleSession, wxSession, "_csrf", langCookie} {
			if _, err := cdp.Call(ctx, tg, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: e.http.URL}); err != nil {
				return err
			}
		}
		return nil
	})}
	if who != nil {
		steps = append(steps, e.carryCookies(who))
	}
	steps = append(steps, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: langCookie, Value: lang, URL: e.http.URL})
		return err
	}), chromedp.Navigate(e.http.URL+path), chromedp.WaitReady("body"))
	return chromedp.Do(ctx, append(steps, p.steps...)...)
}
