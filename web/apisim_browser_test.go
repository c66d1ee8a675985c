package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A person signs up with a phone number, opens the released mini program (as its code
// would), shares the number — the backend's getuserphonenumber returns it — and accepts a
// template once; the backend sends a message; the notice appears in /wx/notices and its
// link opens the mini program at the message's page.
func TestBrowserPhoneSubscribeNotice(t *testing.T) {
	e := newAPIEnv(t)
	e.release("pages/index/index", "pages/order/detail")
	token := e.token()
	tmpl := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{1, 2, 3, 5}})
	base, appid := e.http.URL, e.acct.AppID
	ctx := newBrowser(t)

	do(t, ctx, "sign up with a phone", chromedp.Navigate(base+"/wx/signup"),
		chromedp.SendKeys(`#f-wechat_id`, "buyer_one"), chromedp.SendKeys(`#f-nickname`, "买家"),
		chromedp.SendKeys(`#f-password`, "Wx-pass-123"), chromedp.SendKeys(`#f-phone`, "139 1234 5678"),
		chromedp.Click(`form[action="/wx/signup"] button[type="submit"]`), chromedp.WaitVisible(`[data-testid="wx-me"]`))
	do(t, ctx, "open the mini program and share the phone number",
		chromedp.Navigate(base+"/wx/apps/"+appid+"?env=release&path=pages/index/index"), chromedp.WaitVisible(`[data-testid="js-code"]`),
		chromedp.Click(`a[data-testid="app-services"]`), chromedp.WaitVisible(`[data-testid="share-phone"]`),
		chromedp.Click(`[data-testid="share-phone"]`), chromedp.WaitVisible(`[data-testid="phone-code"]`))
	code := strings.TrimSpace(jsString(t, ctx, `document.querySelector('[data-testid="phone-code"]').textContent`))
	info := e.postJSON(t, withToken("/wxa/business/getuserphonenumber", token), map[string]string{"code": code}).wantOK(t)["phone_info"].(map[string]any)
	if info["phoneNumber"] != "13912345678" {
		t.Fatalf("getuserphonenumber answers %v", info)
	}

	do(t, ctx, "subscribe once",
		chromedp.Click(`[data-testid="offer"][data-template-id="`+tmpl+`"] [data-testid="subscribe"]`),
		chromedp.WaitVisible(`[data-testid="offer"][data-template-id="`+tmpl+`"][data-remaining="1"]`))
	buyer, err := e.st.PersonByWechatID(context.Background(), "buyer_one")
	if err != nil {
		t.Fatal(err)
	}
	openid, err := e.st.OpenID(context.Background(), appid, buyer.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.postJSON(t, withToken(pathSend, token), sendBody(openid, tmpl, "pages/order/detail?id=7", "formal", "", shipment)).wantOK(t)

	do(t, ctx, "read the notice and open its link", chromedp.Navigate(base+"/wx/notices"),
		chromedp.WaitVisible(`article[data-testid="notice"][data-appid="`+appid+`"]`),
		chromedp.Click(`article[data-testid="notice"] a[data-testid="notice-open"]`), chromedp.WaitVisible(`[data-testid="opened-page"]`))
	if got := strings.TrimSpace(jsString(t, ctx, `document.querySelector('[data-testid="opened-page"]').textContent`)); got != "pages/order/detail?id=7" {
		t.Fatalf("the notice opened the mini program at %q", got)
	}
	if env := jsString(t, ctx, `document.querySelector('[data-testid="opened-version"]').dataset.env`); env != "release" {
		t.Errorf("opened %q", env)
	}
}
