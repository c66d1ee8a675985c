package chart

import (
	"math"

	"golang.org/x/text/width"
)

// maxIntervals bounds the y axis to a handful of gridlines, so a 250-pixel plot keeps
// 40 pixels or more between tick labels.
const maxIntervals = 6

// yStep is the smallest "nice" step (1, 2 or 5 times a power of ten, at least 1 since
// the values are counts) that covers hi in at most maxIntervals intervals, and the top
// of the axis it gives. An all-zero chart still gets an axis from 0 to 1, so its flat
// line sits on the baseline instead of in the middle of nowhere.
func yStep(hi int) (step, top int) {
	for base := 1; ; base *= 10 {
		for _, m := range []int{1, 2, 5} {
			if step = base * m; ceilDiv(hi, step) <= maxIntervals {
				return step, step * max(1, ceilDiv(hi, step))
			}
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// yTicks are the values of the y axis's gridlines, from 0 to the top.
func yTicks(hi int) []int {
	step, top := yStep(hi)
	var ticks []int
	for v := 0; v <= top; v += step {
		ticks = append(ticks, v)
	}
	return ticks
}

// fontSize is the size of every label in the chart, in SVG units (pixels at 1:1).
const fontSize = 12

// textWidth estimates how wide s is drawn at fontSize: a CJK character is a full em, any
// other about 0.6 em. The server has no font metrics; the estimate errs wide, and the
// browser test measures the real boxes.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += fontSize
		default:
			w += 0.62 * fontSize
		}
	}
	return w
}

// labelGap is the least room between two date labels.
const labelGap = 12

// dayStep is how many days apart the x axis labels are so that labels of width w, on
// days slot units apart, do not touch: every day, every 2nd or 3rd, then whole weeks.
func dayStep(w, slot float64) int {
	need := int(math.Ceil((w + labelGap) / slot))
	for _, k := range []int{1, 2, 3, 7, 14, 28} {
		if need <= k {
			return k
		}
	}
	return ceilDiv(need, 28) * 28
}

// labelledDays are the indices of the n days that get a label, counted back from the
// newest, which is the day a reader looks for first.
func labelledDays(n, step int) []int {
	var out []int
	for i := (n - 1) % step; i < n; i += step {
		out = append(out, i)
	}
	return out
}
