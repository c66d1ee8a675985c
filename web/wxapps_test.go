package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// /wx/apps lists what the person may open: administrators and active project members both
// versions, experience members the trial; invited members and strangers nothing.
func TestWxAppsList(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	people := map[string]store.Person{}
	for _, n := range []string{"project", "experience", "invited", "stranger"} {
		people[n] = e.person(n+"_one", "")
	}
	e.member(a, people["project"], "project", "analyst", "active")
	e.member(a, people["experience"], "experience", "", "active")
	e.member(a, people["invited"], "project", "developer", "invited")
	for who, want := range map[string][]string{"admin": {"online", "trial"}, "project": {"online", "trial"}, "experience": {"trial"}, "invited": nil, "stranger": nil} {
		p, ok := people[who]
		if !ok {
			p = admin
		}
		r := e.wx(p).get("/wx/apps")
		wantStatus(t, r, http.StatusOK)
		var got []string
		r.doc.Find(`[data-testid="wx-app"][data-appid="` + a.AppID + `"] button[name="version"]`).Each(func(_ int, b *goquery.Selection) {
			got = append(got, b.AttrOr("value", ""))
		})
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s may open %v, want %v", who, got, want)
		}
	}
	if r := e.client().get("/wx/apps"); r.status != http.StatusSeeOther || r.location() != "/wx/login?next=%2Fwx%2Fapps" {
		t.Fatalf("signed out: %d %q", r.status, r.location())
	}
}

var jsCodeShape = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Opening shows a fresh js_code and counts a visit; versions and apps the person may not
// open are refused.
func TestWxAppOpen(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			e := newEnv(t)
			admin := e.person("admin_one", "张三")
			exp := e.person("exp_one", "")
			a := e.account("owner@example.com", admin, "personal")
			e.member(a, exp, "experience", "", "active")
			phone := e.wx(admin)
			r := phone.post("/wx/apps/"+a.AppID+"/open", nil, htmx)
			wantStatus(t, r, http.StatusOK)
			code := r.testid("js-code")
			if !jsCodeShape.MatchString(code) || r.fullPage() == htmx {
				t.Fatalf("js-code %q (full page %v)", code, r.fullPage())
			}
			if v := r.doc.Find(`[data-testid="wx-opened"]`).AttrOr("data-version", ""); v != "online" {
				t.Fatalf("the administrator opened version %q, want online", v)
			}
			next := phone.post("/wx/apps/"+a.AppID+"/open", url.Values{"version": {"trial"}}, htmx)
			wantStatus(t, next, http.StatusOK)
			if again := next.testid("js-code"); !jsCodeShape.MatchString(again) || again == code {
				t.Fatalf("a second open gave code %q after %q, want a new one", again, code)
			}

			expPhone := e.wx(exp)
			r = expPhone.post("/wx/apps/"+a.AppID+"/open", url.Values{"version": {"online"}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("version") != "version_not_allowed" {
				t.Fatalf("experience member opening online: %q", r.errCode("version"))
			}
			r = expPhone.post("/wx/apps/"+a.AppID+"/open", nil, htmx)
			wantStatus(t, r, http.StatusOK)
			if v := r.doc.Find(`[data-testid="wx-opened"]`).AttrOr("data-version", ""); v != "trial" {
				t.Fatalf("the experience member opened %q, want trial", v)
			}
			wantStatus(t, e.wx(e.person("stranger", "")).post("/wx/apps/"+a.AppID+"/open", nil, htmx), http.StatusForbidden)
			wantStatus(t, phone.post("/wx/apps/wx0000000000000000/open", nil, htmx), http.StatusNotFound)

			day := store.PlatformDay(e.clock.Now())
			stats, err := e.st.Stats(context.Background(), a.ID, 7)
			if d := stats.Days[6]; err != nil || d.Day != day || d.Visits.Total != 3 || d.Visitors.Total != 2 {
				t.Fatalf("stats of today %+v, %v: want 3 visits by 2 visitors", d, err)
			}
		})
	}
}
