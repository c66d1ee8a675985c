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
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		if t.Failed() {
			shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
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
