package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, pinned in package.json and copied here by `make` (git-ignored).
// It is read by this test only and never embedded in the binary: the product does not need
// it, and DevTools' Runtime.evaluate injects it past the pages' CSP.
const axeSource = "testdata/axe.min.js"

// axeViolation is one failed rule on one page, as axe reports it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeRun injects axe-core into the page and returns its serious and critical violations.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))}))))`

func awaitPromise(p *runtime.EvaluateParams) { t := true; p.AwaitPromise = &t }

// jsStringIn evaluates expr in the tab, "" when it cannot.
func jsStringIn(tab context.Context, expr string) string {
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	return s
}

// Every distinct page of every surface (signed out, each role, the simulated WeChat, ops),
// with its dialogs open where it has them, in both languages: axe-core finds no serious
// or critical violation (colour contrast, names, labels, landmarks…), and the strict CSP
// blocked nothing on the way.
func TestAccessibility(t *testing.T) {
	src, err := os.ReadFile(axeSource)
	if err != nil {
		if os.Getenv("E2E_REQUIRED") == "1" {
			t.Fatalf("E2E_REQUIRED=1 but %s is missing: run make (it copies axe-core from node_modules)", axeSource)
		}
		t.Skipf("%s is missing: run make to copy axe-core", axeSource)
	}
	e := newEnv(t)
	pages := gallery(t, e)
	tab := galleryTab(t)
	start := time.Now()
	runs := 0
	for _, p := range pages {
		for _, lang := range []string{"zh-CN", "en"} {
			width := int64(1366)
			if p.surface == "wx" {
				width = 390
			}
			if axeCheck(t, e, tab, src, p, lang, width) {
				runs++
			}
		}
	}
	t.Logf("axe-core checked %d pages × 2 languages (%d runs) in %v", len(pages), runs, time.Since(start).Round(time.Second))
}

// axeCheck opens p in lang at width and reports its serious and critical violations and
// whatever the CSP blocked; false when the page or axe could not run.
func axeCheck(t *testing.T, e *env, tab context.Context, src []byte, p galleryPage, lang string, width int64) bool {
	t.Helper()
	if err := e.visit(tab, p, lang, width); err != nil {
		t.Errorf("%s %s: %v", p.name, lang, err)
		return false
	}
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	out, err := chromedp.Run(ctx, chromedp.Action[string](func(ctx context.Context, tg *chromedp.Target) (string, error) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
			return "", fmt.Errorf("inject axe: %w", err)
		}
		return chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, awaitPromise))
	}))
	cancel()
	if err != nil {
		t.Errorf("%s %s: axe: %v", p.name, lang, err)
		return false
	}
	if blocked := jsStringIn(tab, `JSON.stringify(window.cspBlocked || [])`); blocked != "[]" {
		t.Errorf("%s (%s, %s): the CSP blocked %s", p.name, p.surface, lang, blocked)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe answered %q: %v", out, err)
	}
	for _, v := range vs {
		t.Errorf("%s (%s, %s): %s %s: %s\n\t%s", p.name, p.surface, lang, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
	return true
}
