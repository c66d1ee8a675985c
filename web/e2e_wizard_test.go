package web

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"mpconsole/static"
	"mpconsole/store"
)

// The whole registration as a person clicks through it, in headless Chromium: one browser
// context is the phone (simulated WeChat), another the computer (console).

// requireHTMX skips (or, with E2E_REQUIRED=1, fails) when htmx is not embedded: without it
// the pages still work, but the test of the polling would prove nothing.
func requireHTMX(t *testing.T) {
	t.Helper()
	if static.Path("htmx.min.js") != "" {
		return
	}
	if os.Getenv("E2E_REQUIRED") == "1" {
		t.Fatal("static/assets/htmx.min.js is not embedded: run make assets")
	}
	t.Skip("static/assets/htmx.min.js is not embedded (run make assets)")
}

// noScript turns JavaScript off in a browser context, for every page it loads.
func noScript(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disable JavaScript: %v", err)
	}
}

// wizardRun is one walk through the wizard; js says whether the browsers run JavaScript.
type wizardRun struct {
	t       *testing.T
	e       *env
	phone   context.Context
	console context.Context
	js      bool
}

func (w *wizardRun) do(ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		w.t.Fatalf("%s (at %s): %v", what, loc, err)
	}
}

func (w *wizardRun) location(ctx context.Context) string {
	w.t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, w.e.http.URL)
}

const submit = `#content form button[type="submit"]`

func (w *wizardRun) walk(wechatID, email string) string {
	t, e := w.t, w.e
	id := idNumber()
	w.do(w.phone, "sign up in WeChat",
		chromedp.Navigate(e.http.URL+"/wx/signup"),
		chromedp.SendKeys(`input[name="wechat_id"]`, wechatID),
		chromedp.SendKeys(`input[name="nickname"]`, "小张"),
		chromedp.SendKeys(`input[name="password"]`, "Wx-pass-123"),
		chromedp.SendKeys(`input[name="real_name"]`, "张三"),
		chromedp.SendKeys(`input[name="id_number"]`, id),
		chromedp.Click(`#content form button[type="submit"]`),
		chromedp.WaitVisible(`[data-testid="wx-me"][data-wechat-id="`+wechatID+`"]`))

	w.do(w.console, "register",
		chromedp.Navigate(e.http.URL+"/register"),
		chromedp.SendKeys(`input[name="email"]`, email),
		chromedp.SendKeys(`input[name="password"]`, "Passw0rd!"),
		chromedp.SendKeys(`input[name="password_confirm"]`, "Passw0rd!"),
		chromedp.Click(`input[name="agree"]`),
		chromedp.Click(submit),
		chromedp.WaitVisible(`[data-testid="activation-sent"]`))
	w.do(w.console, "open the mailbox and the activation link",
		chromedp.Click(`[data-testid="mailbox-link"]`),
		chromedp.WaitVisible(`article[data-testid="mail"][data-to="`+email+`"]`),
		chromedp.Click(`article[data-testid="mail"][data-to="`+email+`"] a[href*="/register/activate?token="]`),
		chromedp.WaitVisible(`input[name="admin_name"]`))
	if loc := w.location(w.console); loc != "/register/subject" {
		t.Fatalf("the activation link led to %s", loc)
	}
	w.do(w.console, "fill in the subject",
		chromedp.Click(`input[name="subject_type"][value="personal"]`),
		chromedp.SendKeys(`input[name="admin_name"]`, "张三"),
		chromedp.SendKeys(`input[name="admin_id_number"]`, id),
		chromedp.SendKeys(`input[name="admin_phone"]`, "13800138000"),
		chromedp.Click(submit),
		chromedp.WaitVisible(`[data-testid="scan-state"][data-state="pending"]`))
	link, err := chromedp.Run(w.console, chromedp.AttributeValue(`a[data-testid="scan-link"]`, "href"))
	if err != nil || !strings.Contains(link.Value, "/wx/scan/") {
		t.Fatalf("scan link %q: %v", link.Value, err)
	}

	w.do(w.phone, "confirm the scan",
		chromedp.Navigate(link.Value),
		chromedp.Click(`[data-testid="scan-confirm"]`),
		chromedp.WaitVisible(`[data-testid="wx-scan"][data-state="confirmed"] [data-testid="scan-done"]`))

	if w.js {
		// htmx polls the waiting page and follows its HX-Redirect by itself.
		w.do(w.console, "wait for the console to move on", chromedp.WaitVisible(`input[name="confirm"]`))
	} else {
		// Nothing polls: the page stays until the person reloads through the <noscript> link.
		if loc := w.location(w.console); loc != "/register/admin" {
			t.Fatalf("without JavaScript the console moved to %s by itself", loc)
		}
		w.do(w.console, "reload through the noscript link",
			chromedp.Click(chromedp.CSS(`[data-testid="scan-state"] noscript a`)),
			chromedp.WaitVisible(`input[name="confirm"]`))
	}
	if loc := w.location(w.console); loc != "/register/confirm" {
		t.Fatalf("after the scan the console is at %s", loc)
	}
	w.do(w.console, "confirm",
		chromedp.Click(`input[name="confirm"]`),
		chromedp.Click(submit),
		chromedp.WaitVisible(`[data-testid="app-id"]`))
	appid, err := chromedp.Run(w.console, chromedp.Text(`[data-testid="app-id"]`))
	if err != nil {
		t.Fatal(err)
	}
	appid = strings.TrimSpace(appid)
	if !regexp.MustCompile(`^wx[0-9a-f]{16}$`).MatchString(appid) || w.location(w.console) != "/home" {
		t.Fatalf("home at %s shows AppID %q", w.location(w.console), appid)
	}
	a, err := e.st.AccountByAppID(context.Background(), appid)
	if err != nil || a.Email != email || a.Step != store.StepDone {
		t.Fatalf("account behind %s: %+v, %v", appid, a, err)
	}
	admin, _ := e.st.PersonByWechatID(context.Background(), wechatID)
	if a.AdminPersonID != admin.ID {
		t.Fatalf("administrator %d, want %d", a.AdminPersonID, admin.ID)
	}
	return appid
}

// With JavaScript: forms post through htmx and the waiting page moves on by itself.
func TestBrowserWizard(t *testing.T) {
	requireHTMX(t)
	e := newEnv(t)
	w := &wizardRun{t: t, e: e, phone: newBrowser(t), console: newBrowser(t), js: true}
	w.walk("zhang_san", "zhang@example.com")
	hasHTMX, err := chromedp.Run(w.console, chromedp.Evaluate[bool](`typeof htmx === "object"`))
	if err != nil || !hasHTMX {
		t.Fatalf("htmx was not running: %v", err)
	}
}

// Without JavaScript: plain posts and 303s, and a reload link on the waiting page.
func TestBrowserWizardWithoutJS(t *testing.T) {
	e := newEnv(t)
	w := &wizardRun{t: t, e: e, phone: newBrowser(t), console: newBrowser(t), js: false}
	noScript(t, w.phone)
	noScript(t, w.console)
	w.walk("li_si_nojs", "lisi@example.com")
	ran, err := chromedp.Run(w.console, chromedp.Evaluate[bool](`typeof htmx !== "undefined"`))
	if err != nil || ran {
		t.Fatalf("htmx ran although JavaScript was off (%v)", err)
	}
}
