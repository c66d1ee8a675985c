// Package chart draws the console's charts as inline SVG on the server: a line chart and
// a stacked bar chart over days, and the same numbers as an HTML table. Pages send a CSP
// without inline styles and no charting script, so everything here is markup with SVG
// presentation attributes (its few layout rules are in static/assets/chart.css).
//
// The chart and its table render from one Chart value through the same number format,
// so what a tooltip says and what the table says cannot disagree.
package chart

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Chart is one chart's numbers and words, independent of where the numbers come from.
type Chart struct {
	// ID is unique on the page; it prefixes the ids of the title and the bar patterns.
	ID string
	// Days are the x axis: consecutive days, oldest first. A day without traffic is
	// there with zeros, not left out, or the days after it would shift.
	Days   []time.Time
	Series []Series
	Text   Text

	// sep is the language's thousands separator, set by prepared.
	sep string
}

// Series is one line, or one layer of the stacked bars: a value per day of Chart.Days.
// A missing value counts as 0, in the chart and in the table alike.
type Series struct {
	Name   string
	Values []int
}

// Text is everything a chart shows in words, already in the page's language: the chart
// package cannot reach the catalog (the pages that use it live in views), so the caller
// passes what it would have looked up.
type Text struct {
	Lang    string // BCP 47 tag; chooses the thousands separator
	Title   string // the chart's accessible name and the table's caption
	Date    string // header of the table's date column
	Empty   string // shown in the drawing and the table when there are no days
	AxisDay string // Go time layout of a day under the x axis, e.g. "Jan 2" or "1月2日"
	FullDay string // Go time layout of a day in tooltips and the table, with the year
}

// value is the number drawn and tabled for series s on day i.
func (s Series) value(i int) int {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return 0
}

// prepared is c with its language's thousands separator, read once from golang.org/x/text
// (which knows the languages): formatting each of a 90-day page's thousands of numbers
// through a message.Printer was a fifth of the page's CPU time.
func (c Chart) prepared() Chart {
	c.sep = strings.TrimSuffix(strings.TrimPrefix(message.NewPrinter(language.Make(c.Text.Lang)).Sprint(1000), "1"), "000")
	return c
}

// number formats a count the way the page's language writes it (100,000): digits in
// groups of three.
func (c Chart) number(v int) string {
	digits := strconv.Itoa(v)
	sign := ""
	if v < 0 {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 || c.sep == "" {
		return sign + digits
	}
	var b strings.Builder
	b.Grow(len(digits) + len(digits)/3*len(c.sep) + 1)
	b.WriteString(sign)
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteString(c.sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

func (c Chart) fullDay(i int) string { return c.Days[i].Format(c.Text.FullDay) }

// tooltip is the <title> of one point or bar: series, day and number.
func (c Chart) tooltip(s Series, i int) string {
	return s.Name + " · " + c.fullDay(i) + " · " + c.number(s.value(i))
}

// total is the height of day i's stacked bar.
func (c Chart) total(i int) int {
	t := 0
	for _, s := range c.Series {
		t += s.value(i)
	}
	return t
}

func (c Chart) titleID() string { return "chart-" + c.ID + "-title" }
