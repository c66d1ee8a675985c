package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"mpconsole/views/chart"
)

// A chart speaks the page's language: its day labels, its table header and its "no data"
// text come from the catalog, and the day formats are layouts Go understands.
func TestChartText(t *testing.T) {
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for lang, want := range map[string][4]string{
		"zh-CN": {"1月5日", "2026年1月5日", "日期", "这段时间暂无数据"},
		"en":    {"Jan 5", "Jan 5, 2026", "Date", "No data for these days yet"},
	} {
		ctx := WithLanguage(context.Background(), lang)
		txt := ChartText(ctx, "chart.date")
		got := [4]string{day.Format(txt.AxisDay), day.Format(txt.FullDay), txt.Date, txt.Empty}
		if got != want || txt.Lang != lang || txt.Title != want[2] {
			t.Errorf("%s: %+v, want %v", lang, txt, want)
		}
		var b strings.Builder
		c := chart.Chart{ID: "t", Days: []time.Time{day}, Series: []chart.Series{{Name: "n", Values: []int{12345}}}, Text: txt}
		if err := chart.Table(c).Render(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want[1]) || !strings.Contains(b.String(), "12,345") {
			t.Errorf("%s: table %s", lang, b.String())
		}
	}
}
