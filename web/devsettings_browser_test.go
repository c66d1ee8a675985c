package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// carryCookies gives the browser the cookies of a test client (its signed-in session).
func (e *env) carryCookies(c *client) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		u, _ := url.Parse(e.http.URL)
		for _, ck := range c.jar.Cookies(u) {
			if _, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{Name: ck.Name, Value: ck.Value, URL: e.http.URL}); err != nil {
				return err
			}
		}
		return nil
	})
}

// The administrator clicks Generate, the page polls while the phone confirms the scan,
// and htmx moves on by itself to the one-time page with the secret.
func TestBrowserGenerateSecret(t *testing.T) {
	e := newEnv(t)
	ctx := newBrowser(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	err := chromedp.Do(ctx, e.carryCookies(e.console(a, admin)),
		chromedp.Navigate(e.http.URL+"/dev/settings"),
		chromedp.Click(`button[data-testid="dev.secret_generate"]`),
		chromedp.WaitVisible(`a[data-testid="scan-link"]`))
	if err != nil {
		t.Fatal(err)
	}
	link, err := chromedp.Run(ctx, chromedp.AttributeValue(`a[data-testid="scan-link"]`, "href"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(link.Value)
	if r := e.wx(admin).post(u.Path, url.Values{"decision": {"confirm"}}, false); r.status != 303 {
		t.Fatalf("confirming the scan: %d", r.status)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`[data-testid="app-secret"]`)); err != nil {
		t.Fatal(err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Text(`[data-testid="app-secret"]`))
	if err != nil {
		t.Fatal(err)
	}
	if !hex32.MatchString(strings.TrimSpace(secret)) {
		t.Fatalf("the one-time page shows %q", secret)
	}
}
