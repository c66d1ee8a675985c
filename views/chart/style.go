package chart

import (
	"math"
	"strconv"
)

// palette colours the series in order. Each has a contrast of at least 4.5:1 against
// white (WCAG asks 3:1 of graphics), and neighbours differ in hue; colour is never the
// only difference, since lines also differ in dash and marker and bars in fill pattern.
var palette = []string{
	"#0a7d43", // green, the platform's own colour darkened to pass contrast
	"#1d5fd6", // blue
	"#c2410c", // orange
	"#7c3aed", // violet
	"#0e7490", // teal
	"#be123c", // crimson
	"#8a5a00", // brown
	"#4b5563", // slate
}

// Ink colours the axes, gridlines and labels; the text and the axis pass 4.5:1 on white.
const (
	inkText = "#595959"
	inkAxis = "#767676"
	inkGrid = "#e7e7eb"
)

// dashes are the stroke-dasharray of each line, in palette order ("" is solid).
var dashes = []string{"", "8 4", "2 3", "10 3 2 3", "14 4", "1 5", "8 3 2 3 2 3", "4 2"}

// style is how series i is told apart: a colour plus a dash and marker for lines, a fill
// pattern for bars. Past the palette the styles repeat, shifted so that a repeated colour
// comes with another dash and marker.
type style struct {
	Colour  string
	Dash    string
	marker  int // index into markerShapes
	pattern int // index into patternMarks; 0 is a solid fill
}

func styleOf(i int) style {
	n := len(palette)
	return style{
		Colour:  palette[i%n],
		Dash:    dashes[(i+i/n)%len(dashes)],
		marker:  (i + i/n) % len(markerShapes),
		pattern: (i + i/n) % len(patternMarks),
	}
}

// markerShapes draw a point at (x, y): circle, square, diamond, triangle.
var markerShapes = []func(x, y float64) string{
	func(x, y float64) string {
		return "M" + num(x-3.5) + "," + num(y) + "a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0Z"
	},
	func(x, y float64) string {
		return "M" + num(x-3) + "," + num(y-3) + "h6v6h-6Z"
	},
	func(x, y float64) string {
		return "M" + num(x) + "," + num(y-4.2) + "l4.2,4.2l-4.2,4.2l-4.2,-4.2Z"
	},
	func(x, y float64) string {
		return "M" + num(x) + "," + num(y-4) + "l4,7h-8Z"
	},
}

func (s style) markerPath(x, y float64) string { return markerShapes[s.marker](x, y) }

// patternMarks are the white marks drawn over a bar's colour on a 6×6 tile: none,
// rising hatch, horizontal lines, falling hatch, vertical lines, cross-hatch, dots,
// grid. They are stroked with round caps, so "h.1" is a dot.
var patternMarks = []string{
	"",
	"M-1,1l2,-2M0,6l6,-6M5,7l2,-2",
	"M0,2.5h6",
	"M-1,5l2,2M0,0l6,6M5,-1l2,2",
	"M2.5,0v6",
	"M-1,1l2,-2M0,6l6,-6M5,7l2,-2M-1,5l2,2M0,0l6,6M5,-1l2,2",
	"M1.5,1.5h.1M4.5,4.5h.1",
	"M0,2.5h6M2.5,0v6",
}

// fill is the fill attribute of series i's bars in chart id.
func (s style) fill(id string, i int) string {
	if s.pattern == 0 {
		return s.Colour
	}
	return "url(#" + patternID(id, i) + ")"
}

func patternID(id string, i int) string { return "chart-" + id + "-p" + strconv.Itoa(i) }

// num writes a coordinate with at most one decimal, which is finer than a pixel and keeps
// the markup (and the golden files) short.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }
