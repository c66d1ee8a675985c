package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"mpconsole/store"
)

// Sign-up takes an optional phone number, stored in one canonical form; a number that is
// neither a mainland mobile nor "+CC NUMBER" is wx_phone_invalid next to the field, typed
// value kept, nobody stored.
func TestWxSignupPhone(t *testing.T) {
	e := newEnv(t)
	modes(t, func(t *testing.T, htmx bool) {
		id := map[bool]string{false: "phone_plain", true: "phone_htmx"}[htmx]
		f := signupForm(id)
		f.Set("phone", "12345")
		r := e.client().submit("/wx/signup", f, htmx)
		wantFieldError(t, r, htmx, "phone", "wx_phone_invalid")
		wantValue(t, r, "phone", "12345")
		if _, err := e.st.PersonByWechatID(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
			t.Fatal("a refused sign-up was stored")
		}

		f.Set("phone", "139 1234-5678")
		wantRedirect(t, e.client().submit("/wx/signup", f, htmx), htmx, "/wx")
		p, err := e.st.PersonByWechatID(context.Background(), id)
		if err != nil || p.Phone != "+86 13912345678" {
			t.Fatalf("stored phone %q, %v; want +86 13912345678", p.Phone, err)
		}
	})
	wantRedirect(t, e.client().submit("/wx/signup", signupForm("no_phone"), false), false, "/wx")
	if p, _ := e.st.PersonByWechatID(context.Background(), "no_phone"); p.Phone != "" {
		t.Fatalf("phone %q without one typed", p.Phone)
	}
}

// The profile page shows the stored nickname and phone, saves changes (the phone in its
// canonical form, "" removing it) and refuses bad values next to their fields.
func TestWxProfile(t *testing.T) {
	e := newEnv(t)
	p := e.person("profile_one", "")
	c := e.wx(p)
	r := c.open("/wx/profile")
	wantStatus(t, r, http.StatusOK)
	wantValue(t, r, "nickname", "profile_one")
	wantValue(t, r, "phone", "")
	if c.open("/wx").doc.Find(`a[href="/wx/profile"]`).Length() != 1 {
		t.Error("the me page does not link the profile")
	}
	modes(t, func(t *testing.T, htmx bool) {
		r := c.submit("/wx/profile", url.Values{"nickname": {"小王"}, "phone": {"+1 202-555-0123"}}, htmx)
		wantRedirect(t, r, htmx, "/wx")
		got, _ := e.st.PersonByID(context.Background(), p.ID)
		if got.Nickname != "小王" || got.Phone != "+1 2025550123" {
			t.Fatalf("stored %q %q", got.Nickname, got.Phone)
		}
		wantValue(t, c.open("/wx/profile"), "phone", "+1 2025550123")

		r = c.submit("/wx/profile", url.Values{"nickname": {"小王"}, "phone": {"+86 1391234567"}}, htmx)
		wantFieldError(t, r, htmx, "phone", "wx_phone_invalid")
		wantValue(t, r, "phone", "+86 1391234567")
		r = c.submit("/wx/profile", url.Values{"nickname": {""}, "phone": {""}}, htmx)
		wantFieldError(t, r, htmx, "nickname", "nickname_invalid")
		if got, _ := e.st.PersonByID(context.Background(), p.ID); got.Phone != "+1 2025550123" {
			t.Fatalf("a refused form changed the phone to %q", got.Phone)
		}

		wantRedirect(t, c.submit("/wx/profile", url.Values{"nickname": {"小王"}, "phone": {""}}, htmx), htmx, "/wx")
		if got, _ := e.st.PersonByID(context.Background(), p.ID); got.Phone != "" {
			t.Fatalf("phone %q after removing it", got.Phone)
		}
	})
	wantRedirect(t, e.client().get("/wx/profile"), false, "/wx/login?next=%2Fwx%2Fprofile")
}
