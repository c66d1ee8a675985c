package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// wxSignInBrowser signs the browser in to the simulated WeChat.
func wxSignInBrowser(t *testing.T, ctx context.Context, base, wechatID string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(base+"/wx/login"),
		chromedp.SendKeys(`#f-wechat_id`, wechatID), chromedp.SendKeys(`#f-password`, "Wx-pass-123"),
		chromedp.Click(`form[action="/wx/login"] button[type="submit"]`), chromedp.WaitVisible(`[data-testid="wx-me"]`))
	if err != nil {
		t.Fatalf("simulator sign-in as %s: %v", wechatID, err)
	}
}

// confirmScanInBrowser opens the waiting page's code on the "phone" (the same browser's
// simulator session) and confirms it.
func confirmScanInBrowser(t *testing.T, ctx context.Context) {
	t.Helper()
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(`a[data-testid="scan-link"]`, "href"))
	if err != nil || !link.Exists {
		t.Fatalf("no scan link: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(link.Value), chromedp.Click(`[data-testid="scan-confirm"]`),
		chromedp.WaitVisible(`[data-testid="scan-done"]`)); err != nil {
		t.Fatalf("confirm the scan: %v", err)
	}
}

func countNodes(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(sel, chromedp.AtLeast(0)))
	if err != nil {
		t.Fatalf("query %s: %v", sel, err)
	}
	return len(nodes)
}

// The administrator invites a developer; the developer accepts in the WeChat inbox, logs
// in by scan and sees the members page without the project member forms.
func TestBrowserInviteAcceptLogin(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	e.person("bob_dev", "")
	base := e.http.URL

	adminCtx := newBrowser(t)
	wxSignInBrowser(t, adminCtx, base, "admin_one")
	err := chromedp.Do(adminCtx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(`#f-email`, "owner@example.com"), chromedp.SendKeys(`#f-password`, "Passw0rd!"),
		chromedp.Click(`form[action="/login"] button[type="submit"]`), chromedp.WaitVisible(`a[data-testid="scan-link"]`))
	if err != nil {
		t.Fatalf("login form: %v", err)
	}
	confirmScanInBrowser(t, adminCtx)
	err = chromedp.Do(adminCtx, chromedp.Navigate(base+"/login/scan"), chromedp.WaitVisible(`[data-testid="app-id"]`),
		chromedp.Navigate(base+"/members"),
		chromedp.SendKeys(`#project-wechat_id`, "bob_dev"), chromedp.Click(`#project-role-developer`),
		chromedp.Click(`form[action="/members/project"] button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-testid="member-row"][data-wechat-id="bob_dev"][data-status="invited"][data-roles="developer"]`))
	if err != nil {
		t.Fatalf("invite: %v", err)
	}

	bobCtx := newBrowser(t)
	wxSignInBrowser(t, bobCtx, base, "bob_dev")
	err = chromedp.Do(bobCtx, chromedp.Navigate(base+"/wx/inbox"),
		chromedp.Click(`[data-testid="invitation"][data-appid="`+a.AppID+`"] [data-testid="invitation-accept"]`),
		chromedp.WaitVisible(`[data-testid="inbox-empty"]`),
		chromedp.Navigate(base+"/login"), chromedp.Click(`form[action="/login/qr"] button[type="submit"]`),
		chromedp.WaitVisible(`a[data-testid="scan-link"]`))
	if err != nil {
		t.Fatalf("accept and start scan login: %v", err)
	}
	confirmScanInBrowser(t, bobCtx)
	err = chromedp.Do(bobCtx, chromedp.Navigate(base+"/login/scan"), chromedp.Click(`[data-testid="pick-account"]`),
		chromedp.WaitVisible(`[data-testid="app-id"]`),
		chromedp.Click(`[data-testid="nav"] a[href="/members"]`), chromedp.WaitVisible(`[data-testid="project-list"]`))
	if err != nil {
		t.Fatalf("developer login: %v", err)
	}
	who, err := chromedp.Run(bobCtx, chromedp.Text(`[data-testid="signed-in-as"]`))
	if err != nil || who == "" {
		t.Fatalf("signed in as %q: %v", who, err)
	}
	for _, sel := range []string{`form[action="/members/project"]`, `form[action="/members/admin/transfer"]`,
		`form[action$="/roles"]`, `form[action^="/members/project/"]`} {
		if n := countNodes(t, bobCtx, sel); n != 0 {
			t.Errorf("the developer sees %d × %s", n, sel)
		}
	}
	if countNodes(t, bobCtx, `tr[data-testid="member-row"][data-wechat-id="bob_dev"][data-status="active"]`) != 1 ||
		countNodes(t, bobCtx, `form[action="/members/experience"]`) != 1 {
		t.Error("the developer does not see themselves active, or cannot add experience members")
	}
}
