package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// galleryWidths are the widths each surface is photographed at: the simulator is a phone,
// the console a desktop that must also hold at 1024 px.
var galleryWidths = map[string][]int64{"console": {1366, 1024, 390}, "ops": {1366, 390}, "wx": {390, 1366}}

// TestScreenshotGallery writes one PNG per page, language and width into $SCREENSHOTS
// (`make screenshots`), so anyone can look at every page after a change. Without
// SCREENSHOTS it does nothing.
func TestScreenshotGallery(t *testing.T) {
	dir := os.Getenv("SCREENSHOTS")
	if dir == "" {
		t.Skip("set SCREENSHOTS=DIR (make screenshots) to write the gallery")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	pages := gallery(t, e)
	tab := galleryTab(t)
	for _, p := range pages {
		for _, lang := range []string{"zh-CN", "en"} {
			widths := galleryWidths[p.surface]
			if err := e.visit(tab, p, lang, widths[0]); err != nil {
				t.Errorf("%s %s: %v", p.name, lang, err)
				continue
			}
			for _, w := range widths {
				ctx, cancel := context.WithTimeout(tab, 30*time.Second)
				png, err := chromedp.Run(ctx, chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
					if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900)); err != nil {
						return nil, err
					}
					return chromedp.Run(ctx, chromedp.FullScreenshot(100))
				}))
				cancel()
				if err != nil {
					t.Errorf("%s %s %d: %v", p.name, lang, w, err)
					continue
				}
				name := filepath.Join(dir, fmt.Sprintf("%s.%s.%d.png", p.name, lang, w))
				if err := os.WriteFile(name, png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Logf("%d pages photographed into %s", len(pages), dir)
}
