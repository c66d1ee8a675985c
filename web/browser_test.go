package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// One headless Chromium per test binary; each test gets a fresh browser context (its own
// cookies) and a screenshot under $TMPDIR/mpconsole-e2e when it fails.

const chromiumPath = "/usr/bin/chromium"

// offLocalHost resolves to the test server in the browser, but is not a secure context.
const offLocalHost = "mpconsole.test"

var (
	browserOnce   sync.Once
	browserCtx    context.Context
	browserCancel context.CancelFunc
	browserErr    error
)

func closeBrowser() {
	if browserCancel != nil {
		browserCancel()
	}
}

// newBrowser returns a chromedp context for one test. Without Chromium the test skips,
// unless E2E_REQUIRED=1 (CI), where it fails.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("E2E_REQUIRED") == "1" {
			t.Fatalf("E2E_REQUIRED=1 but %s is missing: apt-get install chromium", chromiumPath)
		}
		t.Skipf("browser test skipped: %s is missing (apt-get install chromium, or run .ci/run)", chromiumPath)
	}
	browserOnce.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
			// A name that is not localhost, so a page can be opened outside a secure
			// context, as from another machine on the network.
			chromedp.Flag("host-resolver-rules", "MAP "+offLocalHost+" 127.0.0.1"),
			chromedp.WindowSize(1280, 900))
		alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(alloc)
		browserErr = chromedp.Do(ctx)
		browserCtx = ctx
		browserCancel = func() { cancel(); cancelAlloc() }
	})
	if browserErr != nil {
		t.Fatalf("start chromium: %v", browserErr)
	}
	tab, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	// The tab lives as long as the context its first action ran with: make it with tab
	// itself, so it outlives the test's timeout and the failure screenshot still works.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			sctx, cancelShot := context.WithTimeout(tab, 10*time.Second)
			shot, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
			cancelShot()
			if err == nil {
				dir := filepath.Join(os.TempDir(), "mpconsole-e2e")
				p := filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png")
				if os.MkdirAll(dir, 0o755) == nil && os.WriteFile(p, shot, 0o644) == nil {
					t.Logf("screenshot of the failure: %s", p)
				}
			}
		}
		cancelTimeout()
		cancel()
	})
	return ctx
}
