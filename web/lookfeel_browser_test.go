package web

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"mpconsole/store"
)

// Browser tests of the rough edges a first-time user hit (issue 10, items 6–13). Each
// saves a screenshot when it fails (newBrowser).

// signedIn opens a browser carrying c's cookies, in lang.
func (e *env) signedIn(t *testing.T, c *client, lang string) context.Context {
	t.Helper()
	ctx := newBrowser(t)
	err := chromedp.Do(ctx, e.carryCookies(c), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: langCookie, Value: lang, URL: e.http.URL})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return ctx
}

func jsString(t *testing.T, ctx context.Context, expr string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

func jsBool(t *testing.T, ctx context.Context, expr string) bool {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return b
}

// script runs JavaScript as a step (its value ignored).
func script(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](expr)(ctx, tg)
		return err
	})
}

func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// Item 6: the one-time AppSecret page says plainly that it is shown once, offers no
// language switch that would spend it, and a reload answers 410 explaining how to reset.
func TestBrowserSecretShownOnce(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	wait := e.confirmedResetWait(c, a, admin)
	ctx := e.signedIn(t, c, "en")
	do(t, ctx, "the one-time page", chromedp.Navigate(e.http.URL+wait), chromedp.WaitVisible(`[data-testid="app-secret"]`))
	if w := jsString(t, ctx, `document.querySelector('[data-testid="once-warning"]').innerText`); !strings.Contains(w, "only this once") {
		t.Fatalf("the page does not say it is shown once: %q", w)
	}
	if jsBool(t, ctx, `!!document.querySelector('[data-testid="lang"] a, a[href*="lang="]')`) || !jsBool(t, ctx, `!!document.querySelector('[data-testid="lang-off"]')`) {
		t.Fatal("the one-time page offers a language switch that would spend it")
	}
	do(t, ctx, "reload", chromedp.Reload(), chromedp.WaitVisible(`[data-testid="error-page"][data-status="410"]`))
	if !jsBool(t, ctx, `!!document.querySelector('[role="alert"][data-error-code="secret_shown"]') && !!document.querySelector('a[data-testid="gone-reset"][href="/dev/settings"]')`) {
		t.Fatal("the 410 page does not explain and link to the reset")
	}
	if !strings.Contains(jsString(t, ctx, `document.body.innerText`), "Reset") {
		t.Fatal("the 410 page does not say how to get a new secret")
	}
}

// Item 7: removing a member asks first in a dialog (cancel keeps the member, confirm
// removes); freezing the AppSecret waits for the administrator's scan, then moves on.
func TestBrowserDestructiveActionsConfirm(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.appSecret(tm.a, tm.admin)
	ctx := e.signedIn(t, e.console(tm.a, tm.admin), "zh-CN")
	row := fmt.Sprintf(`tr[data-testid="member-row"][data-member-id="%d"]`, tm.experienceRow)
	link := row + ` [data-testid="member-remove-link"]`
	do(t, ctx, "open the dialog", chromedp.Navigate(e.http.URL+"/members"), chromedp.Click(link), chromedp.WaitVisible(row+` dialog[open] [data-testid="member-delete"]`))
	if !jsBool(t, ctx, `document.querySelector('`+row+` dialog').matches(':modal')`) {
		t.Fatal("the confirmation is not a modal dialog")
	}
	do(t, ctx, "cancel", chromedp.Click(row+` dialog[open] [data-close-dialog]`), chromedp.WaitNotPresent(row+` dialog[open]`))
	if countNodes(t, ctx, row) != 1 {
		t.Fatal("cancelling removed the member")
	}
	do(t, ctx, "confirm", chromedp.Click(link), chromedp.WaitVisible(row+` dialog[open]`), chromedp.Click(row+` dialog[open] [data-testid="member-delete"]`),
		chromedp.WaitNotPresent(row), chromedp.WaitVisible(`[data-testid="flash"]`))

	do(t, ctx, "freeze", chromedp.Navigate(e.http.URL+"/dev/settings"), chromedp.Click(`button[data-testid="dev.secret_freeze"]`),
		chromedp.WaitVisible(`[data-testid="scan-state"][data-state="pending"]`))
	link2, err := chromedp.Run(ctx, chromedp.AttributeValue(`a[data-testid="scan-link"]`, "href"))
	if err != nil || !link2.Exists {
		t.Fatalf("no scan link on the freeze page: %v", err)
	}
	if got := jsString(t, ctx, `document.querySelector('[data-testid="secret-state"]') ? 'on settings' : location.pathname`); !strings.HasPrefix(got, "/dev/settings/secret/freeze/") {
		t.Fatalf("freezing did not wait for a scan: at %s", got)
	}
	u, _ := url.Parse(link2.Value)
	wantStatus(t, e.wx(tm.admin).post(u.Path, url.Values{"decision": {"confirm"}}, false), 303)
	do(t, ctx, "the poll moves on", chromedp.WaitVisible(`[data-testid="secret-state"][data-state="frozen"]`), chromedp.WaitVisible(`[data-testid="flash"]`))
}

// Item 8: the second level follows the first (htmx), closed entries are shown disabled
// with the reason, and the pick is added.
func TestBrowserCategoryPicker(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	ctx := e.signedIn(t, e.console(a, admin), "en")
	pick := func(first string) {
		t.Helper()
		do(t, ctx, "choose "+first, script(`(s => { s.value = '`+first+`'; s.dispatchEvent(new Event('change', {bubbles: true})) })(document.querySelector('#f-first'))`),
			chromedp.WaitReady(chromedp.CSS(`select[name="second"] option[data-first="`+first+`"]`)))
	}
	do(t, ctx, "open the picker", chromedp.Navigate(e.http.URL+"/settings/basic"), chromedp.Click(`[data-testid="edit-basic-categories"]`),
		chromedp.WaitVisible(`#f-first`))
	if jsBool(t, ctx, `(() => { const b = document.querySelector('[data-testid="category-next"]'); return !!b && b.offsetParent !== null })()`) {
		t.Error("with JavaScript the no-JS 'next' button is still shown")
	}
	pick("finance")
	if got := jsString(t, ctx, `[...document.querySelectorAll('select[name="second"] option')].map(o => o.dataset.first).join(' ')`); strings.Contains(got, "tool") {
		t.Fatalf("second-level options of another first level: %s", got)
	}
	if !jsBool(t, ctx, `(() => { const o = document.querySelector('option[value="finance.bank"]'); return o.disabled && o.textContent.includes('not for personal subjects') })()`) {
		t.Fatal("a category closed to personal subjects is not shown disabled with the reason")
	}
	pick("tool")
	// Chosen in the page itself: the select was just swapped in, and a node looked up
	// earlier may be the one it replaced.
	if got := jsString(t, ctx, `(() => { const s = document.querySelector('select[name="second"]'); s.value = 'tool.calculator'; return s.value })()`); got != "tool.calculator" {
		t.Fatalf("the second select holds %q", got)
	}
	do(t, ctx, "add", chromedp.Click(chromedp.CSS(`#basic-categories form[method="post"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-testid="category-row"][data-second="tool.calculator"]`)))
}

// Item 9: times are China time whatever the browser's zone, in one format, and the page
// names the zone once.
func TestBrowserOneTimeZone(t *testing.T) {
	e := newEnv(t)
	op := e.person("reviewer_one", "")
	if err := e.st.SetOperator(t.Context(), op.WechatID, true); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddRegistryEmail(t.Context(), "open@example.com"); err != nil { // at 09:00 UTC
		t.Fatal(err)
	}
	ctx := e.signedIn(t, e.wx(op), "en")
	do(t, ctx, "registry in New York", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}), chromedp.Navigate(e.http.URL+"/ops/registry"), chromedp.WaitVisible(`tr[data-testid="registry-row"]`))
	if got := jsString(t, ctx, `document.querySelector('tr[data-testid="registry-row"]').innerText`); !strings.Contains(got, "2026-03-10 17:00") {
		t.Fatalf("the entry's time is not China time in one format: %q", got)
	}
	if got := jsString(t, ctx, `[...document.querySelectorAll('[data-testid="timezone"]')].map(f => f.innerText).join('|')`); !strings.Contains(got, "UTC+8") || strings.Contains(got, "|") {
		t.Fatalf("the zone is not named once: %q", got)
	}
}

// Item 10: a scan opened signed out says why it asks to sign in, and signing up instead
// keeps the scan: the new identity lands on it.
func TestBrowserSignupKeepsTheScan(t *testing.T) {
	e := newEnv(t)
	future := store.Person{RealName: "王五", IDNumber: idNumber()} // the administrator-to-be, not in WeChat yet
	console := e.client()
	e.toAdmin(console, "owner@example.com", future)
	token := strings.TrimPrefix(scanPath(t, console.open("/register/admin")), "/wx/scan/")
	ctx := newBrowser(t)
	do(t, ctx, "open the scan signed out", chromedp.Navigate(e.http.URL+"/wx/scan/"+token), chromedp.WaitVisible(`[data-testid="login-reason"]`),
		chromedp.Click(`[data-testid="to-signup"]`), chromedp.WaitVisible(`[data-testid="login-reason"]`),
		chromedp.SendKeys(`#f-wechat_id`, "newcomer_1"), chromedp.SendKeys(`#f-nickname`, "New"), chromedp.SendKeys(`#f-password`, "Wx-pass-123"),
		chromedp.SendKeys(`#f-real_name`, future.RealName), chromedp.SendKeys(`#f-id_number`, future.IDNumber),
		chromedp.Click(`form[action="/wx/signup"] button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="wx-scan"][data-state="pending"] [data-testid="scan-confirm"]`))
	if got := jsString(t, ctx, `location.pathname`); got != "/wx/scan/"+token {
		t.Fatalf("after sign-up the browser is at %s", got)
	}
}

// Item 11: away from localhost (no secure context, no navigator.clipboard) the copy button
// still copies, and says so.
func TestBrowserCopyOffLocalhost(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	u, _ := url.Parse(e.http.URL)
	base := "http://" + offLocalHost + ":" + u.Port()
	ctx := newBrowser(t)
	do(t, ctx, "sign in", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, ck := range e.console(a, admin).jar.Cookies(u) {
			if _, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: base}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: langCookie, Value: "en", URL: base})
		return err
	}), chromedp.Navigate(base+"/dev/settings"), chromedp.WaitVisible(`[data-testid="app-id"]`))
	if jsBool(t, ctx, `window.isSecureContext || !!navigator.clipboard`) {
		t.Fatal("the page is a secure context: the test proves nothing")
	}
	do(t, ctx, "copy", script(`document.addEventListener('copy', () => { window.copied = String(document.getSelection()) })`),
		chromedp.Click(`button[data-copy="`+a.AppID+`"]`))
	biWaitFor(t, ctx, `window.copied === '`+a.AppID+`'`)
	if got := jsString(t, ctx, `document.querySelector('button[data-copy="`+a.AppID+`"]').innerText.trim()`); got != "Copied" {
		t.Fatalf("the button says %q after copying", got)
	}
}

// lineCount counts the lines an element's text takes (icons aside).
const lineCount = `(el => { const boxes = []; const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
	while (w.nextNode()) { if (!w.currentNode.textContent.trim()) continue; const r = document.createRange(); r.selectNodeContents(w.currentNode);
	boxes.push(...[...r.getClientRects()].filter(b => b.width > 0)); }
	boxes.sort((a, b) => a.top - b.top); let lines = 0, bottom = -Infinity;
	for (const b of boxes) { if (b.top >= bottom - 1) { lines++; bottom = b.bottom } else { bottom = Math.max(bottom, b.bottom) } }
	return lines; })`

// Item 12: from 1024 px up the console holds without horizontal scrolling or labels broken
// over lines, long tokens wrap inside their cards, and below 1024 px the menu folds away
// behind a menu link.
func TestBrowserConsoleWidths(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	if _, err := e.st.AddProjectMember(t.Context(), tm.a.ID, tm.admin.ID, tm.outsider.WechatID, []string{"developer", "analyst"}); err != nil {
		t.Fatal(err) // an invited member: the longest status and roles
	}
	c := e.console(tm.a, tm.admin)
	ctx := e.signedIn(t, c, "en")
	for _, path := range []string{"/home", "/settings/basic", "/members", "/dev/settings", "/settings/filing"} {
		do(t, ctx, path, chromedp.EmulateViewport(1024, 800), chromedp.Navigate(e.http.URL+path), chromedp.WaitVisible(chromedp.CSS(`#nav`)))
		if jsBool(t, ctx, `document.documentElement.scrollWidth > document.documentElement.clientWidth || [...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth)`) {
			t.Errorf("%s scrolls sideways at 1024 px", path)
		}
		wrapped := jsString(t, ctx, `[...document.querySelectorAll('.nav-link, .nav-head, button:not(.account-card), .button, th, .text-action, .badge, .setting-label, .brand')]
			.filter(el => el.offsetParent !== null && `+lineCount+`(el) > 1).map(el => el.textContent.trim()).join(' | ')`)
		if wrapped != "" {
			t.Errorf("%s at 1024 px: labels over two lines: %s", path, wrapped)
		}
	}
	for _, w := range []int64{1024, 390} {
		do(t, ctx, "the one-time page", chromedp.EmulateViewport(w, 800), chromedp.Navigate(e.http.URL+e.confirmedResetWait(c, tm.a, tm.admin)),
			chromedp.WaitVisible(`[data-testid="app-secret"]`))
		if !jsBool(t, ctx, `(() => { const s = document.querySelector('[data-testid="app-secret"]').getBoundingClientRect(), c = document.querySelector('.card.once').getBoundingClientRect(); return s.right <= c.right && document.documentElement.scrollWidth <= document.documentElement.clientWidth })()`) {
			t.Errorf("at %d px the secret runs out of its card", w)
		}
		do(t, ctx, "the waiting page", chromedp.Navigate(e.http.URL+"/dev/settings"), chromedp.Click(`button[data-testid="dev.secret_reset"]`), chromedp.WaitVisible(`a[data-testid="scan-link"]`))
		if !jsBool(t, ctx, `(() => { const s = document.querySelector('a[data-testid="scan-link"]').getBoundingClientRect(), c = document.querySelector('.card').getBoundingClientRect(); return s.right <= c.right && document.documentElement.scrollWidth <= document.documentElement.clientWidth })()`) {
			t.Errorf("at %d px the scan link runs out of its card: %s", w, jsString(t, ctx, `JSON.stringify([document.querySelector('a[data-testid="scan-link"]').getBoundingClientRect(), document.querySelector('.card').getBoundingClientRect(), document.documentElement.scrollWidth, document.documentElement.clientWidth, [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className).slice(0, 5)])`))
		}
	}
	do(t, ctx, "below 1024", chromedp.EmulateViewport(1000, 800), chromedp.Navigate(e.http.URL+"/members"), chromedp.WaitVisible(`[data-testid="nav-open"]`))
	if jsBool(t, ctx, `document.querySelector('#nav').offsetWidth > 0`) {
		t.Fatal("below 1024 px the menu is not folded away")
	}
	do(t, ctx, "open the menu", chromedp.Click(`[data-testid="nav-open"]`), chromedp.WaitVisible(chromedp.CSS(`#nav a[href="/dev/settings"]`)))
}

// Item 13: after an htmx save the top bar shows the new name without a reload; after an
// inline error the focus is on the invalid field.
func TestBrowserSaveUpdatesAndFocuses(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	ctx := e.signedIn(t, e.console(a, admin), "en")
	do(t, ctx, "rename", chromedp.Navigate(e.http.URL+"/settings/basic"),
		script(`window.samePage = true`),
		chromedp.Click(`[data-testid="edit-basic-name"]`), chromedp.WaitVisible(`#f-name`))
	biWaitFor(t, ctx, `document.activeElement && document.activeElement.id === 'f-name'`) // the opened form's field has the focus
	do(t, ctx, "save", chromedp.SendKeys(`#f-name`, "Weather Helper"), chromedp.Click(`#basic-name button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="saved"]`))
	biWaitFor(t, ctx, `document.querySelector('#topbar-name').textContent.trim() === 'Weather Helper'`)
	if !jsBool(t, ctx, `window.samePage === true`) {
		t.Fatal("the page reloaded")
	}
	do(t, ctx, "an invalid intro", chromedp.Click(`[data-testid="edit-basic-intro"]`), chromedp.WaitVisible(`#f-intro`),
		chromedp.SendKeys(`#f-intro`, "x"), chromedp.Click(`#basic-intro button[type="submit"]`),
		chromedp.WaitVisible(`[data-error-for="intro"]`))
	biWaitFor(t, ctx, `document.activeElement && document.activeElement.id === 'f-intro'`)
}
