package chart

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// tagPerLine puts each opening tag on a line of its own, so a golden file's diff is
// readable.
var tagPerLine = regexp.MustCompile(`>\s*<([^/])`)

func render(t *testing.T, comps ...templ.Component) string {
	t.Helper()
	var b strings.Builder
	for _, c := range comps {
		if err := c.Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// The cases every chart must survive: no days at all, a single day, all zeros, a zero
// day next to a spike of 100,000, and 90 days across a new year.
func fixtures() map[string]Chart {
	spike := make([]int, 14)
	for i := range spike {
		spike[i] = 120 + 37*i%90
	}
	spike[5], spike[9] = 0, 100000
	var ok, e40001, e45009, visits, unique, fresh []int
	for i := range 90 {
		visits = append(visits, 1800+(i*7919)%1300)
		unique = append(unique, 600+(i*104729)%500)
		fresh = append(fresh, 50+(i*31)%140)
		ok = append(ok, 900+(i*613)%700)
		e40001 = append(e40001, (i*17)%60)
		e45009 = append(e45009, max(0, (i*29)%90-60))
	}
	return map[string]Chart{
		"empty": {ID: "empty", Series: []Series{{"访问次数", nil}, {"访问人数", nil}}, Text: zh},
		"one":   {ID: "one", Days: days(1), Series: []Series{{"访问次数", []int{5}}, {"访问人数", []int{3}}, {"新访问人数", []int{1}}}, Text: zh},
		"zeros": {ID: "zeros", Days: days(7), Series: []Series{{"Visits", make([]int, 7)}, {"New visitors", make([]int, 7)}}, Text: en},
		"spike": {ID: "spike", Days: days(14), Series: []Series{{"ok", spike}, {"40001", []int{3, 0, 1, 0, 0, 0, 2, 0, 0, 250, 0, 0, 1, 0}}}, Text: en},
		"days90": {ID: "days90", Days: days(90), Series: []Series{{"Visits", visits}, {"Unique visitors", unique}, {"New visitors", fresh}},
			Text: en},
		"calls90": {ID: "calls90", Days: days(90), Series: []Series{{"ok", ok}, {"40001", e40001}, {"45009", e45009}}, Text: zh},
	}
}

// The markup of each chart is what testdata holds; `go test ./views/chart -update`
// rewrites the files after a deliberate change, and the diff shows what moved.
func TestGolden(t *testing.T) {
	for name, c := range fixtures() {
		for _, g := range []struct {
			kind string
			comp templ.Component
		}{{"line", Line(c)}, {"bars", Bars(c)}, {"table", Table(c)}} {
			if g.kind == "table" && name != "empty" && name != "one" {
				continue
			}
			path := filepath.Join("testdata", g.kind+"_"+name+".golden")
			got := tagPerLine.ReplaceAllString(render(t, g.comp), ">\n<$1") + "\n"
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./views/chart -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the rendered markup; if the change is deliberate, run go test ./views/chart -update and review the diff", path)
			}
		}
	}
}

// Every tooltip of every chart says the same number as the table's cell for its series
// and day, every point of a line has a tooltip, and every non-zero bar segment has one.
func TestTooltipsMatchTable(t *testing.T) {
	for name, c := range fixtures() {
		for kind, chart := range map[string]templ.Component{"line": Line(c), "bars": Bars(c)} {
			doc := mustDoc(t, render(t, chart, Table(c)))
			col := map[string]int{}
			doc.Find("table thead th").Each(func(i int, th *goquery.Selection) { col[th.Text()] = i })
			cell := map[[2]string]string{} // series, day → number
			nonZero := 0
			doc.Find("table tbody tr").Each(func(_ int, tr *goquery.Selection) {
				day := tr.Find("th").Text()
				if day == "" { // the "no data" row
					return
				}
				tr.Find("td").Each(func(i int, td *goquery.Selection) {
					for s, j := range col {
						if j == i+1 {
							cell[[2]string{s, day}] = td.Text()
							if td.Text() != "0" {
								nonZero++
							}
						}
					}
				})
			})
			titles := doc.Find("figure svg title:not([id])")
			titles.Each(func(_ int, title *goquery.Selection) {
				parts := strings.Split(title.Text(), " · ")
				if len(parts) != 3 {
					t.Fatalf("%s %s: tooltip %q is not series · day · number", name, kind, title.Text())
				}
				want, ok := cell[[2]string{parts[0], parts[1]}]
				if !ok {
					t.Errorf("%s %s: tooltip %q names a series or day the table lacks", name, kind, title.Text())
				} else if parts[2] != want {
					t.Errorf("%s %s: tooltip %q, table says %s", name, kind, title.Text(), want)
				}
			})
			want := len(cell)
			if kind == "bars" {
				want = nonZero
			}
			if titles.Length() != want {
				t.Errorf("%s %s: %d tooltips, want %d", name, kind, titles.Length(), want)
			}
		}
	}
}

// The markup works under the pages' CSP (no inline style) and several charts share a
// page: ids are unique, the accessible name and every pattern a bar uses exist, and the
// legend names the table's series in the same order.
func TestMarkup(t *testing.T) {
	var comps []templ.Component
	for _, c := range fixtures() {
		line, bars := c, c
		line.ID, bars.ID = c.ID+"-line", c.ID+"-bars"
		comps = append(comps, Line(line), Bars(bars), Table(c))
	}
	doc := mustDoc(t, render(t, comps...))
	if n := doc.Find("[style], style, script").Length(); n > 0 {
		t.Errorf("%d inline styles or scripts; the CSP forbids them", n)
	}
	ids := map[string]int{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) { ids[s.AttrOr("id", "")]++ })
	doc.Find("figure[data-testid=chart]").Each(func(_ int, fig *goquery.Selection) {
		svg := fig.Find("svg[role=img]")
		if svg.Length() != 1 {
			t.Fatalf("chart %s: %d svg[role=img]", fig.AttrOr("data-chart", ""), svg.Length())
		}
		label := svg.AttrOr("aria-labelledby", "")
		if svg.ChildrenFiltered("title#"+label).Text() == "" {
			t.Errorf("chart %s: aria-labelledby=%q names no title", fig.AttrOr("data-chart", ""), label)
		}
	})
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q appears %d times", id, n)
		}
	}
	doc.Find("[fill^='url(#']").Each(func(_ int, s *goquery.Selection) {
		ref := strings.TrimSuffix(strings.TrimPrefix(s.AttrOr("fill", ""), "url(#"), ")")
		if ids[ref] == 0 {
			t.Errorf("fill refers to a missing pattern %q", ref)
		}
	})
	for _, c := range fixtures() {
		doc := mustDoc(t, render(t, Bars(c), Table(c)))
		var legend, header []string
		doc.Find(".chart-legend li").Each(func(_ int, li *goquery.Selection) { legend = append(legend, strings.TrimSpace(li.Text())) })
		doc.Find("thead th").Each(func(i int, th *goquery.Selection) {
			if i > 0 {
				header = append(header, th.Text())
			}
		})
		if strings.Join(legend, "|") != strings.Join(header, "|") {
			t.Errorf("%s: legend %v, table %v", c.ID, legend, header)
		}
	}
}

func mustDoc(t *testing.T, html string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// Counts are grouped by three with the language's separator, negative ones too, and short
// ones are left alone.
func TestNumberGrouping(t *testing.T) {
	for _, lang := range []string{"en", "zh-CN"} {
		c := Chart{Text: Text{Lang: lang}}.prepared()
		for v, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -45009: "-45,009"} {
			if got := c.number(v); got != want {
				t.Errorf("%s: number(%d) = %q, want %q", lang, v, got, want)
			}
		}
	}
	if got := (Chart{Text: Text{Lang: "de"}}).prepared().number(1234567); got != "1.234.567" {
		t.Errorf("de: %q, want the language's own separator", got)
	}
}
