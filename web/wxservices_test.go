package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// The opened mini program links its services page; sharing the phone number shows a
// one-time code (data-testid="phone-code") that getuserphonenumber exchanges for the
// number; without a number the person gets phone_missing next to the share button; who
// never opened the mini program gets 403.
func TestWxSharePhone(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	c := e.wx(e.admin)
	services := "/wx/apps/" + e.acct.AppID + "/services"
	phone := "/wx/apps/" + e.acct.AppID + "/phone"

	stranger := e.person("stranger_one", "")
	wantStatus(t, e.wx(stranger).get(services), http.StatusForbidden)
	wantStatus(t, e.wx(stranger).post(phone, url.Values{}, false), http.StatusForbidden)

	r := c.post("/wx/apps/"+e.acct.AppID+"/open", url.Values{}, false) // the page names wx.login, like a raw id
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`a[data-testid="app-services"][href="`+services+`"]`).Length() != 1 {
		t.Fatal("the opened mini program does not link its services")
	}
	token := e.token()
	modes(t, func(t *testing.T, htmx bool) {
		if _, err := e.st.UpdateProfile(ctx, e.admin.ID, store.Profile{Nickname: "admin_one"}); err != nil {
			t.Fatal(err)
		}
		r := c.submit(phone, url.Values{}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantFragment(t, r, htmx)
		if r.errCode("phone") != "phone_missing" || r.testid("phone-code") != "" {
			t.Fatalf("without a number: error %q, code %q", r.errCode("phone"), r.testid("phone-code"))
		}

		if _, err := e.st.UpdateProfile(ctx, e.admin.ID, store.Profile{Nickname: "admin_one", Phone: "13912345678"}); err != nil {
			t.Fatal(err)
		}
		r = c.submit(phone, url.Values{}, htmx)
		wantStatus(t, r, http.StatusOK)
		wantFragment(t, r, htmx)
		code := r.testid("phone-code")
		if len(code) != 64 {
			t.Fatalf("phone code %q", code)
		}
		info := e.postJSON(t, withToken("/wxa/business/getuserphonenumber", token), map[string]string{"code": code}).wantOK(t)["phone_info"].(map[string]any)
		if info["purePhoneNumber"] != "13912345678" || info["countryCode"] != "86" {
			t.Fatalf("phone_info %v", info)
		}
		if c.open(services).testid("phone-code") != "" {
			t.Error("the code is shown again after the share")
		}
	})
}

// The services page offers the account's templates; accepting one lets the account send
// one message of it (message_grants.remaining counts up), and the page shows the count.
func TestWxSubscribe(t *testing.T) {
	e := newAPIEnv(t)
	tmpl := e.addTemplate(t, e.token(), map[string]any{"tid": "1458", "kidList": []int{1, 2, 3, 5}})
	c := e.wx(e.admin)
	e.code(e.admin)
	services := "/wx/apps/" + e.acct.AppID + "/services"
	subscribe := "/wx/apps/" + e.acct.AppID + "/subscribe"
	r := c.open(services)
	wantStatus(t, r, http.StatusOK)
	offer := r.doc.Find(`[data-testid="offer"][data-template-id="` + tmpl + `"]`)
	if offer.Length() != 1 || offer.AttrOr("data-remaining", "") != "0" || !strings.Contains(offer.Text(), "Shipment notice") {
		t.Fatalf("offer %q", offer.Text())
	}
	want := 0
	modes(t, func(t *testing.T, htmx bool) {
		r := c.submit(subscribe, url.Values{"template_id": {tmpl}}, htmx)
		wantRedirect(t, r, htmx, services)
		want++
		if got := e.query(`SELECT remaining FROM message_grants`); got != int64(want) {
			t.Fatalf("remaining %d, want %d", got, want)
		}
		r = c.open(services)
		if got := r.doc.Find(`[data-testid="offer"]`).AttrOr("data-remaining", ""); got != itoa(want) {
			t.Errorf("page shows %s allowed, want %d", got, want)
		}
		wantStatus(t, c.post(subscribe, url.Values{"template_id": {"no-such-template"}}, htmx), http.StatusNotFound)
	})
	wantStatus(t, e.wx(e.person("stranger_one", "")).post(subscribe, url.Values{"template_id": {tmpl}}, false), http.StatusForbidden)
}
