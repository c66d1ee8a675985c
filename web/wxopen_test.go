package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

// releaseNext takes a new version of e's already released account through upload, review
// and a release in mode with plan, as the console and ops would.
func (e *apiEnv) releaseNext(version, mode string, plan store.PhasePlan) {
	e.t.Helper()
	ctx := context.Background()
	v, err := e.st.Upload(ctx, e.acct.ID, store.ByPerson(e.admin.ID), version, "新版本", bytes.NewReader(ciZip(e.t, map[string]string{
		"app.json": `{"pages":["pages/index/index"]}`, "app.js": version})))
	if err != nil {
		e.t.Fatal(err)
	}
	category := e.query(`SELECT id FROM account_categories WHERE account_id = ? AND second = 'tool.weather'`, e.acct.ID)
	reviewer := e.query(`SELECT id FROM people WHERE wechat_id = 'api_reviewer'`)
	for _, err := range []error{
		e.st.SubmitReview(ctx, e.acct.ID, e.admin.ID, v.ID, []store.PageGroup{{Page: "pages/index/index", CategoryID: category, Tags: "测试"}}),
		e.st.Decide(ctx, store.ReviewCode, e.query(`SELECT id FROM code_reviews WHERE account_id = ? AND status = 'pending'`, e.acct.ID), reviewer, true, ""),
		e.st.Release(ctx, e.acct.ID, e.admin.ID, mode, plan),
	} {
		if err != nil {
			e.t.Fatal(err)
		}
	}
}

// opened is what GET /wx/apps/{appid}?env= showed: the §14 hook's environment and version,
// and the js_code.
func opened(t *testing.T, r resp) (env, version, code string) {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	hook := r.doc.Find(`[data-testid="opened-version"]`)
	if hook.Length() != 1 {
		t.Fatalf("no opened-version hook: %s", r.body)
	}
	return hook.AttrOr("data-env", ""), hook.AttrOr("data-version", ""), r.testid("js-code")
}

// Opening by environment (SPEC §12): the release for anyone once released, the trial for
// the administrator, project and experience members, develop for those who upload (their
// own latest upload); each refusal is the page alert with its code and status.
func TestWxOpenEnvironments(t *testing.T) {
	e := newAPIEnv(t)
	appid := e.acct.AppID
	path := func(env string) string { return "/wx/apps/" + appid + "?env=" + env }
	stranger := e.person("stranger_01", "")
	tester := e.person("tester_01", "")
	e.member(e.acct, tester, store.KindExperience, "", "")

	r := e.wx(stranger).get(path("release"))
	wantStatus(t, r, http.StatusNotFound)
	if r.errCode("") != "not_released" {
		t.Fatalf("before any release: %q", r.errCode(""))
	}
	e.release("pages/index/index")

	env, version, code := opened(t, e.wx(stranger).get(path("release")))
	if env != "release" || version != "1.0.0" || !hex32.MatchString(code) {
		t.Fatalf("stranger opened %s %s with code %q", env, version, code)
	}
	if s := e.apiGet(t, sessionURL(appid, e.secret, code)); s.OpenID == "" {
		t.Fatalf("the js_code does not work with jscode2session: %s", s.Raw)
	}
	if _, version, _ = opened(t, e.wx(stranger).get("/wx/apps/"+appid)); version != "1.0.0" {
		t.Fatalf("without env the release opens, got %s", version)
	}

	for _, tc := range []struct {
		who    store.Person
		env    string
		status int
		code   string
	}{
		{stranger, "trial", http.StatusForbidden, "env_not_allowed"},
		{stranger, "develop", http.StatusForbidden, "env_not_allowed"},
		{tester, "develop", http.StatusForbidden, "env_not_allowed"},
		{stranger, "beta", http.StatusUnprocessableEntity, "env_invalid"},
		{e.admin, "trial", http.StatusNotFound, "no_trial_version"},
	} {
		r := e.wx(tc.who).get(path(tc.env))
		wantStatus(t, r, tc.status)
		if r.errCode("") != tc.code || r.doc.Find(`[data-testid="opened-version"]`).Length() != 0 {
			t.Errorf("%s opening %s: %q, want %q", tc.who.WechatID, tc.env, r.errCode(""), tc.code)
		}
	}
	wantStatus(t, e.wx(stranger).get("/wx/apps/wx0000000000000000?env=release"), http.StatusNotFound)

	if env, version, _ = opened(t, e.wx(e.admin).get(path("develop"))); env != "develop" || version != "1.0.0" {
		t.Fatalf("admin's develop: %s %s", env, version)
	}
	ctx := context.Background()
	dev, err := e.st.Upload(ctx, e.acct.ID, store.ByPerson(e.admin.ID), "1.1.0-beta", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetTrial(ctx, e.acct.ID, e.admin.ID, dev.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []store.Person{e.admin, tester} {
		if env, version, _ = opened(t, e.wx(p).get(path("trial"))); env != "trial" || version != "1.1.0-beta" {
			t.Fatalf("%s's trial: %s %s", p.WechatID, env, version)
		}
	}
	if _, version, _ = opened(t, e.wx(stranger).get(path("release"))); version != "1.0.0" {
		t.Fatalf("a new upload changed the release: %s", version)
	}
}

// Signed out, a scanned trial code leads to the simulator's login and back to the same
// environment.
func TestWxOpenSignedOutKeepsEnv(t *testing.T) {
	e := newAPIEnv(t)
	r := e.client().get("/wx/apps/" + e.acct.AppID + "?env=trial")
	wantStatus(t, r, http.StatusSeeOther)
	u, err := url.Parse(r.location())
	if err != nil || u.Path != "/wx/login" || u.Query().Get("next") != "/wx/apps/"+e.acct.AppID+"?env=trial" {
		t.Fatalf("signed out: → %q", r.location())
	}
}

// During a phased release each person's real openid decides by the hash rule; with
// members_first the administrator and project members get the new version regardless.
func TestWxOpenPhased(t *testing.T) {
	e := newAPIEnv(t)
	e.release("pages/index/index")
	e.releaseNext("1.1.0", store.ModePhased, store.PhasePlan{Percent: 30, MembersFirst: true})
	appid := e.acct.AppID
	newer := 0
	for i := range 30 {
		p := e.person("crowd_"+itoa(100+i), "")
		_, version, code := opened(t, e.wx(p).get("/wx/apps/"+appid+"?env=release"))
		s := e.apiGet(t, sessionURL(appid, e.secret, code))
		want := "1.0.0"
		if store.PhaseBucket(appid, s.OpenID) < 30 {
			want = "1.1.0"
			newer++
		}
		if version != want {
			t.Errorf("%s (openid %s) opened %s, want %s", p.WechatID, s.OpenID, version, want)
		}
	}
	if newer == 0 || newer == 30 {
		t.Fatalf("%d of 30 people got the new version: the test shows nothing", newer)
	}
	for range 3 {
		if _, version, _ := opened(t, e.wx(e.admin).get("/wx/apps/"+appid+"?env=release")); version != "1.1.0" {
			t.Fatalf("members_first: the administrator opened %s", version)
		}
	}
}

// /wx/apps?q= finds released mini programs by name, for anyone, each opening its release;
// an unreleased one is not found.
func TestWxSearchReleased(t *testing.T) {
	e := newAPIEnv(t)
	stranger := e.person("stranger_01", "")
	c := e.wx(stranger)
	results := func(q string, htmx bool) []string {
		t.Helper()
		r := c.do("GET", "/wx/apps?q="+url.QueryEscape(q), nil, "", htmx)
		wantStatus(t, r, http.StatusOK)
		if r.fullPage() == htmx {
			t.Fatalf("htmx=%v but full page=%v", htmx, r.fullPage())
		}
		if r.doc.Find(`[data-testid="wx-search-results"]`).Length() != 1 {
			t.Fatalf("no results list for %q", q)
		}
		var out []string
		for _, n := range r.doc.Find(`a[data-testid="wx-search-result"]`).Nodes {
			for _, a := range n.Attr {
				if a.Key == "href" {
					out = append(out, a.Val)
				}
			}
		}
		return out
	}
	otherAdmin := e.person("admin_two", "李四")
	other := e.account("other@example.com", otherAdmin, "personal")
	if err := e.st.SetName(context.Background(), other.ID, otherAdmin.ID, "天气查询工具"); err != nil {
		t.Fatal(err)
	}
	if got := results("查询", false); len(got) != 0 {
		t.Fatalf("an unreleased mini program was found: %v", got)
	}
	e.release("pages/index/index")
	want := "/wx/apps/" + e.acct.AppID + "?env=release"
	for _, htmx := range []bool{false, true} {
		if got := results("查询", htmx); len(got) != 1 || got[0] != want {
			t.Fatalf("search: %v, want [%s]", got, want)
		}
	}
	if got := results("天气", false); len(got) != 0 {
		t.Fatalf("search for another name: %v", got)
	}
	if r := c.get("/wx/apps"); r.doc.Find(`[data-testid="wx-search-results"]`).Length() != 0 || !strings.Contains(r.body, `name="q"`) {
		t.Fatal("without q the page shows the search box and no results")
	}
}

// The demo (--demo) has something to open in every environment: the release for anyone,
// the trial for an experience member, the developer's own upload.
func TestWxOpenDemo(t *testing.T) {
	e := newEnv(t)
	d, err := e.st.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	person := func(id string) store.Person {
		p, err := e.st.PersonByWechatID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	stranger := e.person("stranger_01", "")
	for _, tc := range []struct {
		who     store.Person
		env     string
		version string
	}{
		{stranger, "release", "1.0.0"},
		{person("demo_tester1"), "trial", "1.1.1"},
		{person("demo_developer"), "develop", "1.1.1"},
	} {
		if env, version, _ := opened(t, e.wx(tc.who).get("/wx/apps/"+d.AppID+"?env="+tc.env)); env != tc.env || version != tc.version {
			t.Errorf("%s opening %s: %s %s, want %s", tc.who.WechatID, tc.env, env, version, tc.version)
		}
	}
}
