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
// (htmx): upload, make it the trial version, submit it, a reviewer approves it in /ops in
// another browser context, release 10 %, raise to 100 %, roll back to the version before.
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
	category := strconv.FormatInt(e.category, 10)
	step(admin, "submit", chromedp.Click(`a[data-testid="trial-submit"]`), chromedp.WaitVisible(`#f-page-0`),
		chromedp.SetValue(`#f-page-0`, "pages/about"), chromedp.SetValue(`#f-category-0`, category),
		chromedp.SendKeys(`#f-tags-0`, "天气"), chromedp.Click(`button[data-testid="submit-review"]`),
		chromedp.WaitVisible(`[data-testid="review-version"][data-version="2.0.0"][data-status="pending"]`))

	ops := newBrowser(t)
	step(ops, "approve in /ops", e.carryCookies(e.ops), chromedp.Navigate(base+"/ops"),
		chromedp.WaitVisible(`[data-testid="review-item"][data-kind="code"] [data-testid="review-file"]`),
		chromedp.Click(`[data-testid="review-item"][data-kind="code"] button[value="approve"]`),
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
