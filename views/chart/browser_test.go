package chart

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/chromedp/chromedp"

	"mpconsole/static"
)

var shot = flag.String("shot", "", "write a PNG of each chart of the sample page into this directory")

// sampleCharts are what the sample page shows, each in a section of its own.
func sampleCharts() []templ.Component {
	f := fixtures()
	return []templ.Component{Line(f["days90"]), Bars(f["spike"]), Bars(f["calls90"]), Line(f["one"]),
		Line(f["zeros"]), Bars(f["empty"]), Table(f["spike"])}
}

// samplePage shows the charts as a page would, under the CSP the console sends and with
// the real stylesheets.
func samplePage(t *testing.T) http.Handler {
	var body strings.Builder
	for _, c := range sampleCharts() {
		body.WriteString(`<section class="card">` + render(t, c) + `</section>`)
	}
	page := `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
		`<link rel="stylesheet" href="` + static.Path("console.css") + `">` +
		`<link rel="stylesheet" href="` + static.Path("chart.css") + `"></head><body><main>` + body.String() + `</main></body></html>`
	mux := http.NewServeMux()
	mux.Handle(static.Prefix, static.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})
	return mux
}

// In a real browser the day labels under each axis do not overlap one another or leave
// the drawing, whatever the font: the server only estimates text widths.
func TestBrowserLabels(t *testing.T) {
	ctx := newBrowser(t)
	srv := httptest.NewServer(samplePage(t))
	defer srv.Close()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL), chromedp.WaitVisible("figure svg")); err != nil {
		t.Fatal(err)
	}
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const out = [];
		for (const svg of document.querySelectorAll('figure svg[role=img]')) {
			const box = svg.getBoundingClientRect();
			let prev = null;
			for (const text of svg.querySelectorAll('g[text-anchor=middle] text')) {
				const r = text.getBoundingClientRect();
				if (r.left < box.left || r.right > box.right) out.push(text.textContent + ' leaves the drawing');
				if (prev && r.left < prev.r.right + 2) out.push(prev.text + ' touches ' + text.textContent);
				prev = {r, text: text.textContent};
			}
		}
		if (!document.querySelector('.chart-legend li svg rect').getBoundingClientRect().width) out.push('legend swatch not drawn');
		return out;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if *shot == "" {
		return
	}
	for i := range sampleCharts() {
		png, err := chromedp.Run(ctx, chromedp.Screenshot(fmt.Sprintf("section:nth-of-type(%d)", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*shot, fmt.Sprintf("chart-%d.png", i+1)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const chromiumPath = "/usr/bin/chromium"

// newBrowser starts Debian's Chromium for one test, as web's browser tests do. Without
// Chromium the test skips, unless E2E_REQUIRED=1 (CI), where it fails.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("E2E_REQUIRED") == "1" {
			t.Fatalf("E2E_REQUIRED=1 but %s is missing: apt-get install chromium", chromiumPath)
		}
		t.Skipf("browser test skipped: %s is missing", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}
