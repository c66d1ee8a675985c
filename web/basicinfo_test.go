package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The page shows the read-only identity, the four items with their quotas, links to
// filing and authentication, and a category form whose second options carry data-first.
func TestBasicPageShowsIdentity(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	r := e.console(a, admin).get("/settings/basic")
	wantStatus(t, r, http.StatusOK)
	if r.testid("app-id") != a.AppID || r.testid("original-id") != a.OriginalID {
		t.Fatalf("ids: %q %q", r.testid("app-id"), r.testid("original-id"))
	}
	if !strings.Contains(r.testid("subject"), "张三") {
		t.Fatalf("subject: %q", r.testid("subject"))
	}
	for id, state := range map[string]string{"filing-status": "none", "auth-status": "none"} {
		if got := r.doc.Find(`[data-testid="`+id+`"]`).AttrOr("data-state", ""); got != state {
			t.Errorf("%s = %q, want %q", id, got, state)
		}
	}
	for _, id := range []string{"name-quota", "icon-quota", "intro-quota"} {
		if got := r.doc.Find(`[data-testid="`+id+`"]`).AttrOr("data-remaining", ""); got != "first" {
			t.Errorf("%s data-remaining = %q, want first", id, got)
		}
	}
	if got := r.doc.Find(`[data-testid="category-quota"]`).AttrOr("data-remaining", ""); got != "5" {
		t.Errorf("category quota = %q, want 5", got)
	}
	if r.doc.Find(`a[href="/settings/filing"]`).Length() == 0 || r.doc.Find(`a[href="/settings/verify"]`).Length() == 0 {
		t.Error("no links to filing and authentication")
	}
	if r.doc.Find(`a[data-testid="edit-basic-categories"][href="/settings/basic/categories"]`).Length() != 1 {
		t.Error("no link that opens the category picker")
	}
	// The picker: first-level options, then for each the second levels under it, each
	// carrying its data-first.
	c := e.console(a, admin)
	pick := c.get("/settings/basic/categories")
	wantStatus(t, pick, http.StatusOK)
	var firsts []string
	pick.doc.Find(`select[name="first"] option`).Each(func(_ int, s *goquery.Selection) {
		if v := s.AttrOr("value", ""); v != "" {
			firsts = append(firsts, v)
		}
	})
	if pick.doc.Find(`select[name="second"]`).Length() != 0 {
		t.Error("second-level options are offered before a first level is chosen")
	}
	seconds := map[string]string{}
	for _, first := range firsts {
		step := c.get("/settings/basic/categories?first=" + first)
		wantStatus(t, step, http.StatusOK)
		if got := step.doc.Find(`form[method="post"] input[type="hidden"][name="first"]`).AttrOr("value", ""); got != first {
			t.Errorf("the second step of %s posts first=%q", first, got)
		}
		step.doc.Find(`select[name="second"] option`).Each(func(_ int, s *goquery.Selection) {
			v := s.AttrOr("value", "")
			seconds[v] = s.AttrOr("data-first", "")
			if s.AttrOr("data-first", "") != first || !strings.HasPrefix(v, first+".") {
				t.Errorf("under %s: option %q has data-first %q", first, v, s.AttrOr("data-first", ""))
			}
		})
	}
	if len(firsts) < 10 || len(seconds) < 30 {
		t.Fatalf("%d first-level and %d second-level options", len(firsts), len(seconds))
	}
	if seconds["tool.weather"] != "tool" || seconds["education.online"] != "education" {
		t.Error("the tree lacks 工具 › 天气 or 教育 › 在线教育")
	}
}

// Each name rule has its code, shown next to the field with the typed value kept, plainly
// and with htmx (a fragment of the name section only); nothing changes on error.
func TestNameRules(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	for _, tc := range []struct {
		name, value, code string
	}{
		{"three units", "abc", "name_invalid"},
		{"one Han character is 2 units", "天", "name_invalid"},
		{"31 units", strings.Repeat("天", 15) + "a", "name_invalid"},
		{"a symbol", "天气!预报", "name_invalid"},
		{"an emoji", "天气☀预报", "name_invalid"},
		{"blank", "    ", "name_invalid"},
		{"reserved word", "天气小程序", "name_reserved_word"},
	} {
		for _, htmx := range []bool{false, true} {
			r := c.post("/settings/basic/name", url.Values{"name": {tc.value}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode("name"); got != tc.code {
				t.Errorf("%s (htmx=%v): code %q, want %q", tc.name, htmx, got, tc.code)
			}
			if got := r.doc.Find(`input[name="name"]`).AttrOr("value", ""); got != tc.value {
				t.Errorf("%s: the form lost the typed value: %q", tc.name, got)
			}
			if got := r.doc.Find(`input[name="name"]`).AttrOr("aria-invalid", ""); got != "true" {
				t.Errorf("%s: aria-invalid = %q", tc.name, got)
			}
			if htmx && r.doc.Find(`section#basic-icon`).Length() != 0 {
				t.Errorf("%s: the htmx answer holds more than the name section", tc.name)
			}
		}
	}
	if got := biInfo(e, a).Account.Name; got != "" {
		t.Fatalf("a refused name was stored: %q", got)
	}
	// 2 Han characters are 4 units, 15 are 30: both limits are allowed.
	for _, ok := range []string{"天气", strings.Repeat("天", 15)} {
		if r := c.post("/settings/basic/name", url.Values{"name": {ok}}, true); r.status != http.StatusOK {
			t.Fatalf("%q: status %d, code %q", ok, r.status, r.errCode("name"))
		}
	}
}

// The first name is free, then 2 changes before the first release; the quota is shown
// next to the field and a third change is refused without changing anything.
func TestNameQuotaBeforeRelease(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	r := c.post("/settings/basic/name", url.Values{"name": {"天气助手"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	if r.location() != "/settings/basic" {
		t.Fatalf("303 to %q", r.location())
	}
	for i, want := range []string{"1", "0"} {
		r := c.post("/settings/basic/name", url.Values{"name": {"天气助手" + strings.Repeat("二", i+1)}}, true)
		wantStatus(t, r, http.StatusOK)
		wantFragment(t, r, true)
		if got := r.doc.Find(`[data-testid="name-quota"]`).AttrOr("data-remaining", ""); got != want {
			t.Fatalf("after change %d: %q left, want %s", i+1, got, want)
		}
		if r.testid("saved") == "" {
			t.Fatal("the htmx answer does not say it saved")
		}
	}
	// Saving the same name again is no change and costs nothing.
	wantStatus(t, c.post("/settings/basic/name", url.Values{"name": {"天气助手二二"}}, false), http.StatusSeeOther)
	for _, htmx := range []bool{false, true} {
		r := c.post("/settings/basic/name", url.Values{"name": {"天气助手三"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("name"); got != "name_change_quota" {
			t.Fatalf("third change: %q", got)
		}
	}
	// The clock crossing a year does not renew the before-release allowance.
	e.clock.Advance(366 * 24 * time.Hour)
	c = e.console(a, admin) // signed in again: the session timed out meanwhile (SPEC §6)
	if got := c.post("/settings/basic/name", url.Values{"name": {"天气助手三"}}, false).errCode("name"); got != "name_change_quota" {
		t.Fatalf("a new year before release: %q", got)
	}
	if got := biInfo(e, a).Account.Name; got != "天气助手二二" {
		t.Fatalf("name = %q", got)
	}
}

// Names are unique across subjects (case-insensitively) and shared within one: by ID
// number for personal subjects, by credit code for organisations.
func TestNameUniqueness(t *testing.T) {
	e := newEnv(t)
	alice := e.person("alice_one", "张三")
	bob := e.person("bob_one", "李四")
	a1 := e.account("a1@example.com", alice, "personal")
	a2 := e.account("a2@example.com", alice, "personal") // same subject: alice's ID number
	b1 := e.account("b1@example.com", bob, "personal")
	org1 := e.account("o1@example.com", bob, "enterprise")
	org2 := e.account("o2@example.com", alice, "enterprise") // same credit code as org1
	org3 := e.account("o3@example.com", alice, "enterprise")
	e.exec(`UPDATE accounts SET credit_code = ? WHERE id = ?`, "91110000600037341L", org3.ID)

	post := func(c *client, name string) resp {
		return c.post("/settings/basic/name", url.Values{"name": {name}}, false)
	}
	wantStatus(t, post(e.console(a1, alice), "Weather Pro"), http.StatusSeeOther)
	wantStatus(t, post(e.console(a2, alice), "Weather Pro"), http.StatusSeeOther)
	for _, tc := range []struct {
		who  *client
		name string
	}{
		{e.console(b1, bob), "Weather Pro"},
		{e.console(b1, bob), "weather pro"},
		{e.console(org1, bob), "Weather Pro"},
	} {
		r := post(tc.who, tc.name)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("name"); got != "name_taken" {
			t.Fatalf("%q by another subject: %q", tc.name, got)
		}
	}
	wantStatus(t, post(e.console(org1, bob), "示例商城"), http.StatusSeeOther)
	wantStatus(t, post(e.console(org2, alice), "示例商城"), http.StatusSeeOther)
	if got := post(e.console(org3, alice), "示例商城").errCode("name"); got != "name_taken" {
		t.Fatalf("another credit code: %q", got)
	}
	if n := biInfo(e, b1).Account.Name; n != "" {
		t.Fatalf("b1 was renamed to %q", n)
	}
}
