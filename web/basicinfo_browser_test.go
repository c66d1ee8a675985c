package web

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// biWaitFor polls a JavaScript expression until it is true (the page may be swapped by
// htmx or reloaded after a plain post meanwhile).
func biWaitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s (last error: %v)", expr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// An administrator renames the mini program and uploads an icon in a real browser, each
// through its row's 修改 link, which opens the form in place.
func TestBrowserEditNameAndIcon(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	ctx := newBrowser(t)
	u, _ := url.Parse(e.http.URL)
	session := e.console(a, admin).jar.Cookies(u)
	signIn := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, ck := range session {
			if _, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.http.URL}); err != nil {
				return err
			}
		}
		return nil
	})
	icon := filepath.Join(t.TempDir(), "icon.png")
	if err := os.WriteFile(icon, biImage(t, "png", 90, 60), 0o644); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx, signIn, chromedp.Navigate(e.http.URL+"/settings/basic"),
		chromedp.Click(`a[data-testid="edit-basic-name"]`), chromedp.WaitVisible(`input[name="name"]`),
		chromedp.SendKeys(`input[name="name"]`, "浏览器天气"), chromedp.Click(`#basic-name button[type="submit"]`))
	if err != nil {
		t.Fatal(err)
	}
	biWaitFor(t, ctx, `(document.querySelector('[data-testid="name-value"]') || {}).textContent.includes('浏览器天气')`)
	err = chromedp.Do(ctx, chromedp.Click(`a[data-testid="edit-basic-icon"]`),
		chromedp.WaitVisible(`input[name="icon"]`), chromedp.SetUploadFiles(`input[name="icon"]`, []string{icon}),
		chromedp.Click(`#basic-icon button[type="submit"]`))
	if err != nil {
		t.Fatal(err)
	}
	biWaitFor(t, ctx, `(() => { const i = document.querySelector('img[data-testid="icon-img"]'); return !!i && i.complete && i.naturalWidth === 60 })()`)
	b := biInfo(e, a)
	if b.Account.Name != "浏览器天气" || b.Icon.ETag == "" {
		t.Fatalf("stored name %q, icon %q", b.Account.Name, b.Icon.ETag)
	}
	if txt, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="icon-quota"]`)); err != nil || strings.TrimSpace(txt) == "" {
		t.Fatalf("icon quota: %q (%v)", txt, err)
	}
}
