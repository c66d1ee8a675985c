package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"mpconsole/store"
)

// A delivered subscribe message is a service notification at /wx/notices (newest first,
// article[data-testid=notice], rendered from the template); its link opens the mini
// program in the message's state (formal: the release, developer: the person's upload) at
// its page, or says why not (trial: none chosen); nobody else opens it.
func TestWxNotices(t *testing.T) {
	e := newAPIEnv(t)
	e.release("pages/index/index", "pages/order/detail")
	token := e.token()
	tmpl := e.addTemplate(t, token, map[string]any{"tid": "1458", "kidList": []int{1, 2, 3, 5}})
	openid := e.openid(e.admin)
	c := e.wx(e.admin)
	r := c.open("/wx/notices")
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`[data-testid="notices-empty"]`).Length() != 1 || r.doc.Find(`article[data-testid="notice"]`).Length() != 0 {
		t.Fatal("no empty notice list before any message")
	}
	for _, state := range []string{"formal", "developer", "trial"} {
		if err := e.st.AcceptSubscription(context.Background(), e.admin.ID, e.acct.AppID, tmpl); err != nil {
			t.Fatal(err)
		}
		e.postJSON(t, withToken(pathSend, token), sendBody(openid, tmpl, "pages/order/detail?id=7", state, "", shipment)).wantOK(t)
	}

	r = c.open("/wx/notices")
	wantStatus(t, r, http.StatusOK)
	articles := r.doc.Find(`article[data-testid="notice"]`)
	if articles.Length() != 3 || articles.First().AttrOr("data-state", "") != "trial" || articles.Last().AttrOr("data-state", "") != "formal" {
		t.Fatalf("%d notices, states %q then %q", articles.Length(), articles.First().AttrOr("data-state", ""), articles.Last().AttrOr("data-state", ""))
	}
	formal := articles.Last()
	if title := strings.TrimSpace(formal.Find(`[data-testid="notice-title"]`).Text()); title != "Shipment notice" {
		t.Errorf("title %q", title)
	}
	if v := formal.Find(`dd[data-key="thing1"]`).Text(); v != "顺丰速运" {
		t.Errorf("thing1 shows %q", v)
	}
	if !strings.Contains(formal.Text(), "Tracking number") || !strings.Contains(formal.Text(), "SF1234567890123") {
		t.Errorf("the notice does not render the template: %q", formal.Text())
	}
	link := formal.Find(`a[data-testid="notice-open"]`).AttrOr("href", "")

	r = c.get(link) // the page names wx.login, like a raw id
	wantStatus(t, r, http.StatusOK)
	if got := r.testid("opened-page"); got != "pages/order/detail?id=7" {
		t.Errorf("opened at %q", got)
	}
	if env := r.doc.Find(`[data-testid="opened-version"]`).AttrOr("data-env", ""); env != "release" || len(r.testid("js-code")) != 32 {
		t.Errorf("opened %q with js_code %q", env, r.testid("js-code"))
	}
	wantStatus(t, e.wx(e.person("stranger_one", "")).get(link), http.StatusNotFound)

	r = c.get(articles.Eq(1).Find(`a[data-testid="notice-open"]`).AttrOr("href", ""))
	wantStatus(t, r, http.StatusOK)
	if env := r.doc.Find(`[data-testid="opened-version"]`).AttrOr("data-env", ""); env != "develop" {
		t.Errorf("a developer-state notice opened %q", env)
	}
	r = c.open(articles.First().Find(`a[data-testid="notice-open"]`).AttrOr("href", ""))
	wantAlert(t, r, http.StatusUnprocessableEntity, false, "no_trial_version")
	wantStatus(t, c.get("/wx/notices/999999/open"), http.StatusNotFound)
}

// A scanned mini-program code (its URL, as getwxacodeunlimit encodes it) opens the mini
// program (main's /wx/apps/{appid} page), which links its phone number and subscriptions.
func TestWxScannedCodeLinksServices(t *testing.T) {
	e := newAPIEnv(t)
	c := e.wx(e.person("scanner_one", ""))
	e.release("pages/index/index")
	_, scanned := scanCode(t, e.postJSON(t, withToken(pathUnlimit, e.token()), map[string]any{"scene": "id=42", "page": "pages/index/index"}))
	r := c.get(strings.TrimPrefix(scanned, e.http.URL))
	wantStatus(t, r, http.StatusOK)
	if env := r.doc.Find(`[data-testid="opened-version"]`).AttrOr("data-env", ""); env != store.EnvRelease {
		t.Errorf("opened %q", env)
	}
	if r.doc.Find(`a[data-testid="app-services"][href="/wx/apps/`+e.acct.AppID+`/services"]`).Length() != 1 {
		t.Fatal("the opened mini program does not link its services")
	}
	if path, scene := r.testid("launch-path"), r.testid("launch-scene"); path != "pages/index/index" || scene != "id=42" {
		t.Errorf("the scanned code launched at path %q, scene %q; want pages/index/index and id=42", path, scene)
	}
}
