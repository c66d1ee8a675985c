package chart

import (
	"slices"
	"testing"
	"time"
)

// The y axis counts in steps of 1, 2 or 5 times a power of ten, reaches the largest value
// and has at most 6 intervals; an all-zero chart still has an axis from 0 to 1.
func TestYTicks(t *testing.T) {
	for _, c := range []struct {
		hi   int
		want []int
	}{
		{0, []int{0, 1}},
		{1, []int{0, 1}},
		{3, []int{0, 1, 2, 3}},
		{6, []int{0, 1, 2, 3, 4, 5, 6}},
		{7, []int{0, 2, 4, 6, 8}},
		{101, []int{0, 20, 40, 60, 80, 100, 120}},
		{12345, []int{0, 5000, 10000, 15000}},
		{100000, []int{0, 20000, 40000, 60000, 80000, 100000}},
		{100001, []int{0, 20000, 40000, 60000, 80000, 100000, 120000}},
		{120001, []int{0, 50000, 100000, 150000}},
	} {
		if got := yTicks(c.hi); !slices.Equal(got, c.want) {
			t.Errorf("yTicks(%d) = %v, want %v", c.hi, got, c.want)
		}
	}
}

// Tick labels carry thousands separators in both languages.
func TestTickLabels(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		c := Chart{Days: days(3), Series: []Series{{"v", []int{0, 100000, 5}}}, Text: Text{Lang: lang, AxisDay: "Jan 2"}}
		f, _ := lineLayout(c)
		var got []string
		for _, tk := range f.YTicks {
			got = append(got, tk.Label)
		}
		want := []string{"0", "20,000", "40,000", "60,000", "80,000", "100,000"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: labels %v, want %v", lang, got, want)
		}
	}
}

// Day labels thin out so they never touch, and the newest day always has one: all 7 days
// of a week, every 7th of 90 days.
func TestDayLabelsThin(t *testing.T) {
	for _, c := range []struct {
		n    int
		text Text
		step int
	}{
		{1, en, 1}, {7, en, 1}, {7, zh, 1}, {30, en, 2}, {30, zh, 2}, {90, en, 7}, {90, zh, 7}, {365, zh, 28},
	} {
		for _, k := range []kind{lineKind, barKind} {
			ch := Chart{Days: days(c.n), Text: c.text}.prepared()
			f := newFrame(ch, 10, k)
			if k == lineKind && len(f.XLabels) != len(labelledDays(c.n, c.step)) {
				t.Errorf("%d days (%s): %d labels, want one every %d days", c.n, c.text.Lang, len(f.XLabels), c.step)
			}
			last := f.XLabels[len(f.XLabels)-1]
			if last.Label != ch.Days[c.n-1].Format(c.text.AxisDay) {
				t.Errorf("%d days: the newest day has no label, the last is %q", c.n, last.Label)
			}
			for i, l := range f.XLabels {
				half := textWidth(l.Label) / 2
				if l.Pos-half < 0 || l.Pos+half > svgW {
					t.Errorf("%d days: label %q at %.1f is cut off", c.n, l.Label, l.Pos)
				}
				if i > 0 {
					prev := f.XLabels[i-1]
					if gap := l.Pos - textWidth(l.Label)/2 - (prev.Pos + textWidth(prev.Label)/2); gap < labelGap {
						t.Errorf("%d days (%s): %q and %q are %.1f apart", c.n, c.text.Lang, prev.Label, l.Label, gap)
					}
				}
			}
		}
	}
}

func TestDayStep(t *testing.T) {
	for _, c := range []struct {
		w, slot float64
		want    int
	}{{40, 100, 1}, {40, 30, 2}, {60, 30, 3}, {60, 20, 7}, {50, 10, 7}, {60, 10, 14}, {60, 4, 28}, {60, 1, 84}} {
		if got := dayStep(c.w, c.slot); got != c.want {
			t.Errorf("dayStep(%v, %v) = %d, want %d", c.w, c.slot, got, c.want)
		}
	}
	if got := labelledDays(10, 3); !slices.Equal(got, []int{0, 3, 6, 9}) {
		t.Errorf("labelledDays(10, 3) = %v", got)
	}
	if got := labelledDays(9, 7); !slices.Equal(got, []int{1, 8}) {
		t.Errorf("labelledDays(9, 7) = %v", got)
	}
}

func TestTextWidth(t *testing.T) {
	if zh, en := textWidth("12月31日"), textWidth("Dec 31"); zh <= en || zh < 4*7+2*12 {
		t.Errorf("textWidth: 12月31日 %.1f, Dec 31 %.1f: CJK characters must count a full em", zh, en)
	}
}

// Fixtures shared by the tests.
var (
	zh = Text{Lang: "zh-CN", Title: "访问趋势", Date: "日期", Empty: "暂无数据", AxisDay: "1月2日", FullDay: "2006年1月2日"}
	en = Text{Lang: "en", Title: "Visits", Date: "Date", Empty: "No data yet", AxisDay: "Jan 2", FullDay: "Jan 2, 2006"}
)

// days are n days ending on 2026-02-28, so 90 of them cross a new year.
func days(n int) []time.Time {
	end := time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = end.AddDate(0, 0, i-n+1)
	}
	return out
}
