package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// A version goes from upload to a phased release and back by rollback in a real browser
// (htmx): upload, make it the trial version, an experience member opens the trial in the
// simulator in another browser context, submit it, a reviewer approves it in /ops in a
// third, release 10 %, raise to 100 %, roll back to the version before.
func TestBrowserVersionsFlow(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.ready(true)
	e.released("1.0.0", "full", 0)
	pkg := filepath.Join(t.TempDir(), "code.zip")
	if err := os.WriteFile(pkg, appZip(t, "pages/index", "pages/about"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := e.http.URL
	admin := newBrowser(t)
	step := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step(admin, "upload", e.carryCookies(e.adminC), chromedp.Navigate(base+"/versions"),
		chromedp.SendKeys(`#f-version`, "2.0.0"), chromedp.SendKeys(`#f-description`, "分阶段发布"),
		chromedp.SetUploadFiles(`#f-package`, []string{pkg}),
		chromedp.Click(`form[data-testid="upload-form"] button[type="submit"]`),
		chromedp.WaitVisible(`tr[data-testid="dev-version"][data-version="2.0.0"]`))
	step(admin, "choose the trial", chromedp.Click(`tr[data-testid="dev-version"][data-version="2.0.0"] button[data-testid="version-trial"]`),
		chromedp.WaitVisible(`[data-testid="trial-version"][data-version="2.0.0"] img[data-testid="trial-qr"]`))
	tester := e.person("ver_tester", "")
	if _, err := e.st.AddExperienceMember(context.Background(), e.a.ID, e.admin.ID, tester.WechatID); err != nil {
		t.Fatal(err)
	}
	phone := newBrowser(t)
	step(phone, "open the trial as an experience member", e.carryCookies(e.wx(tester)),
		chromedp.Navigate(base+"/wx/apps/"+e.a.AppID+"?env=trial"),
		chromedp.WaitVisible(`[data-testid="opened-version"][data-env="trial"][data-version="2.0.0"]`))
	category := strconv.FormatInt(e.category, 10)
	step(admin, "submit", chromedp.Click(`a[data-testid="trial-submit"]`), chromedp.WaitVisible(`#f-page-0`),
		chromedp.SetValue(`#f-page-0`, "pages/about"), chromedp.SetValue(`#f-category-0`, category),
		chromedp.SendKeys(`#f-tags-0`, "天气"), chromedp.Click(`button[data-testid="submit-review"]`),
		chromedp.WaitVisible(`[data-testid="review-version"][data-version="2.0.0"][data-status="pending"]`))

	ops := newBrowser(t)
	step(ops, "approve in /ops", e.carryCookies(e.ops), chromedp.Navigate(base+"/ops"),
		chromedp.WaitVisible(`[data-testid="review-item"][data-kind="code"] [data-testid="review-file"]`),
		chromedp.Click(`[data-testid="review-item"][data-kind="code"] button[value="approve"]`),
		// The recent decisions already list 1.0.0's approval: wait for the queue to empty,
		// which only the answer to this approval shows.
		chromedp.WaitNotPresent(`[data-testid="review-item"][data-kind="code"]`),
		chromedp.WaitVisible(`[data-testid="decision-row"][data-kind="code"][data-decision="approve"]`))

	step(admin, "release 10 %", chromedp.Navigate(base+"/versions"),
		chromedp.Click(`input[name="mode"][value="phased"]`), chromedp.SendKeys(`#f-release-percent`, "10"),
		chromedp.Click(`button[data-testid="review-release"]`),
		chromedp.WaitVisible(`[data-testid="online-version"][data-version="2.0.0"][data-phase="running"][data-percent="10"]`),
		chromedp.WaitVisible(`progress[data-testid="phase-progress"]`))
	step(admin, "raise to 100 %", chromedp.SetValue(`#f-phase-percent`, "100"), chromedp.Click(`button[data-testid="phase-raise"]`),
		chromedp.WaitVisible(`[data-testid="online-version"][data-version="2.0.0"][data-phase="done"][data-percent="100"]`))
	step(admin, "roll back", chromedp.Click(`tr[data-testid="release-row"][data-version="1.0.0"] a[data-testid="rollback-link"]`),
		chromedp.WaitVisible(`dialog[open] button[data-testid="rollback-confirm"]`),
		chromedp.Click(`dialog[open] button[data-testid="rollback-confirm"]`),
		chromedp.WaitVisible(`[data-testid="online-version"][data-version="1.0.0"][data-mode="rollback"]`))
}

// The version pages in every state pass axe-core in both languages with nothing blocked
// by the CSP: the four blocks filled (a phased release running, a waiting review, a trial
// and development versions), the submit form, the confirm pages, the delete dialog, and a
// code review in the ops queue.
func TestVersionsAccessibility(t *testing.T) {
	src, err := os.ReadFile(axeSource)
	if err != nil {
		if os.Getenv("E2E_REQUIRED") == "1" {
			t.Fatalf("E2E_REQUIRED=1 but %s is missing: run make", axeSource)
		}
		t.Skipf("%s is missing: run make to copy axe-core", axeSource)
	}
	e := newVerEnv(t, "personal")
	e.ready(true)
	e.released("1.0.0", "full", 0)
	e.released("2.0.0", "phased", 10)
	trial := e.uploaded(e.devC, "3.0.0")
	wantRedirect(t, e.devC.post("/versions/"+strconv.FormatInt(trial, 10)+"/trial", nil, false), false, "/versions")
	e.submitted(e.uploaded(e.adminC, "3.1.0"))
	id := strconv.FormatInt(trial, 10)
	pages := []galleryPage{
		{name: "versions", path: "/versions", who: e.adminC},
		{name: "versions-operator", path: "/versions", who: e.operatorC},
		{name: "versions-submit", path: "/versions/" + id + "/submit", who: e.adminC},
		{name: "versions-delete", path: "/versions/" + id + "/delete", who: e.devC},
		{name: "versions-delete-dialog", path: "/versions", who: e.devC, steps: []chromedp.Action[chromedp.Void]{
			chromedp.Click(`a[data-dialog="delete-` + id + `"]`), chromedp.WaitVisible(`dialog[open]`)}},
		{name: "versions-phase-cancel", path: "/versions/online/phase/cancel", who: e.adminC},
		{name: "ops-code", path: "/ops", who: e.ops, surface: "ops"},
	}
	tab := galleryTab(t)
	for _, p := range pages {
		if p.surface == "" {
			p.surface = "console"
		}
		for _, lang := range []string{"zh-CN", "en"} {
			axeCheck(t, e.env, tab, src, p, lang, 1366)
		}
	}
}
