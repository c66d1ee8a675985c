package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The introduction is 4–120 characters on one line, and may change 5 times per calendar
// month after the first setting; the allowance renews in the next month.
func TestIntroRulesAndQuota(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	for _, bad := range []string{"abc", "   ", strings.Repeat("介", 121), "两行\n介绍内容"} {
		for _, htmx := range []bool{false, true} {
			r := c.post("/settings/basic/intro", url.Values{"intro": {bad}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode("intro"); got != "intro_invalid" {
				t.Fatalf("%q: %q", bad, got)
			}
			if got := r.doc.Find(`textarea[name="intro"]`).Text(); got != bad {
				t.Fatalf("the form lost the typed value: %q", got)
			}
		}
	}
	if biInfo(e, a).Intro != "" {
		t.Fatal("a refused introduction was stored")
	}
	wantStatus(t, c.post("/settings/basic/intro", url.Values{"intro": {strings.Repeat("介", 120)}}, false), http.StatusSeeOther)
	for i := 1; i <= 5; i++ {
		r := c.post("/settings/basic/intro", url.Values{"intro": {"第" + strconv.Itoa(i) + "次修改介绍"}}, true)
		wantStatus(t, r, http.StatusOK)
		if got := r.doc.Find(`[data-testid="intro-quota"]`).AttrOr("data-remaining", ""); got != strconv.Itoa(5-i) {
			t.Fatalf("after change %d: %q left", i, got)
		}
	}
	for _, htmx := range []bool{false, true} {
		r := c.post("/settings/basic/intro", url.Values{"intro": {"第六次修改介绍"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("intro"); got != "intro_change_quota" {
			t.Fatalf("sixth change: %q", got)
		}
	}
	if got := biInfo(e, a).Intro; got != "第5次修改介绍" {
		t.Fatalf("intro = %q", got)
	}
	// From 10 March to 1 April (China time): a new month.
	e.clock.Advance(22 * 24 * time.Hour)
	c = e.console(a, admin) // signed in again: the session timed out meanwhile (SPEC §6)
	wantStatus(t, c.post("/settings/basic/intro", url.Values{"intro": {"第六次修改介绍"}}, false), http.StatusSeeOther)
	if got := biInfo(e, a).IntroQuota.Remaining; got != 4 {
		t.Fatalf("after the new month: %d left, want 4", got)
	}
}

// Categories come from the tree; personal subjects cannot pick closed ones; at most 5;
// one needing a qualification waits for review; delete frees a place.
func TestCategories(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	other := e.account("other@example.com", admin, "personal")
	c := e.console(a, admin)
	add := func(first, second string, htmx bool) resp {
		return c.post("/settings/basic/categories", url.Values{"first": {first}, "second": {second}}, htmx)
	}
	wantStatus(t, add("tool", "tool.weather", false), http.StatusSeeOther)
	r := add("education", "education.online", true)
	wantStatus(t, r, http.StatusOK)
	wantFragment(t, r, true)
	if got := r.doc.Find(`tr[data-second="education.online"]`).AttrOr("data-status", ""); got != "reviewing" {
		t.Fatalf("a category needing a qualification: %q, want reviewing", got)
	}
	if got := r.doc.Find(`tr[data-second="tool.weather"]`).AttrOr("data-status", ""); got != "approved" {
		t.Fatalf("an open category: %q, want approved", got)
	}
	for _, tc := range []struct {
		first, second, field, code string
	}{
		{"finance", "finance.bank", "second", "category_not_allowed"},
		{"life", "life.wedding", "second", "category_not_allowed"},
		{"tool", "education.info", "second", "category_mismatch"},
		{"tool", "tool.teleport", "second", "category_invalid"},
		{"nonsense", "tool.weather", "first", "category_invalid"},
		{"tool", "tool.weather", "second", "category_duplicate"},
	} {
		for _, htmx := range []bool{false, true} {
			r := add(tc.first, tc.second, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode(tc.field); got != tc.code {
				t.Errorf("%s/%s: %q, want %q", tc.first, tc.second, got, tc.code)
			}
		}
	}
	for _, s := range []string{"tool.calculator", "tool.efficiency", "food.reviews"} {
		wantStatus(t, add(strings.Split(s, ".")[0], s, false), http.StatusSeeOther)
	}
	for _, htmx := range []bool{false, true} {
		r := add("life", "life.housekeeping", htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("second"); got != "category_quota" {
			t.Fatalf("a sixth category: %q", got)
		}
	}
	cats := biInfo(e, a).Categories
	if len(cats) != 5 {
		t.Fatalf("%d categories stored, want 5", len(cats))
	}
	// Another account's category is not found; deleting one of ours frees a place.
	wantStatus(t, e.console(other, admin).post("/settings/basic/categories/"+strconv.FormatInt(cats[0].ID, 10)+"/delete", nil, false), http.StatusNotFound)
	wantStatus(t, c.post("/settings/basic/categories/999999/delete", nil, true), http.StatusNotFound)
	r = c.post("/settings/basic/categories/"+strconv.FormatInt(cats[0].ID, 10)+"/delete", nil, true)
	wantStatus(t, r, http.StatusOK)
	if r.doc.Find(`tr[data-second="tool.weather"]`).Length() != 0 {
		t.Fatal("the deleted category is still listed")
	}
	wantStatus(t, add("life", "life.housekeeping", false), http.StatusSeeOther)
	if n := len(biInfo(e, a).Categories); n != 5 {
		t.Fatalf("%d categories, want 5", n)
	}
}

// Organisations may pick categories closed to personal subjects.
func TestCategoryOrganisation(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("org@example.com", admin, "enterprise")
	r := e.console(a, admin).post("/settings/basic/categories", url.Values{"first": {"finance"}, "second": {"finance.bank"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	if cats := biInfo(e, a).Categories; len(cats) != 1 || cats[0].Status != "reviewing" {
		t.Fatalf("categories: %+v", cats)
	}
}

// A developer may view basic info but not edit it (SPEC §9): the forms are not shown and
// every edit answers 403 with nothing changed.
func TestBasicEditForbiddenForDeveloper(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	dev, _ := e.activeMember(a, "dev_one", "developer")
	c := e.console(a, dev)
	r := c.get("/settings/basic")
	wantStatus(t, r, http.StatusOK)
	if r.testid("app-id") != a.AppID || r.doc.Find("main form").Length() != 0 || r.doc.Find(`main [data-testid^="edit-"]`).Length() != 0 {
		t.Fatalf("a developer sees %d forms and %d edit links", r.doc.Find("main form").Length(), r.doc.Find(`main [data-testid^="edit-"]`).Length())
	}
	if r.doc.Find(`a[href="/settings/filing"]`).Length() != 0 {
		t.Fatal("a developer sees the filing link")
	}
	for _, p := range []string{"/settings/basic/name", "/settings/basic/intro", "/settings/basic/categories", "/settings/filing", "/settings/verify"} {
		r := c.post(p, url.Values{"name": {"天气助手"}, "intro": {"一个介绍"}, "first": {"tool"}, "second": {"tool.weather"}}, false)
		wantStatus(t, r, http.StatusForbidden)
		if r.errCode("") != "role_required" {
			t.Fatalf("%s: no role_required alert", p)
		}
	}
	wantStatus(t, biUpload(c, "/settings/basic/icon", nil, "icon", "i.png", biImage(t, "png", 8, 8), true), http.StatusForbidden)
	for _, p := range []string{"/settings/filing", "/settings/verify"} {
		wantStatus(t, c.get(p), http.StatusForbidden)
	}
	b := biInfo(e, a)
	if b.Account.Name != "" || b.Intro != "" || len(b.Categories) != 0 || b.Icon.ETag != "" {
		t.Fatalf("a developer changed basic info: %+v", b)
	}
}
