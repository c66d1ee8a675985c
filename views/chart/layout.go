package chart

import "strings"

// The SVG's coordinate system: 960 units wide fits the console's content column at about
// one unit per pixel, so the 12-unit labels read as 12-pixel text; narrower screens scale
// the whole drawing down.
const (
	svgW      = 960
	svgH      = 300
	padTop    = 12
	padBottom = 30 // room for the day labels under the x axis
)

type kind int

const (
	lineKind kind = iota
	barKind
)

// frame is the plot area and its axes: where a value and a day are drawn, the y ticks
// with their labels, and the days that get a label.
type frame struct {
	Left, Right, Top, Bottom float64
	kind                     kind
	days                     int
	top                      int // the value at Top
	YTicks                   []tick
	XLabels                  []tick
}

// tick is a labelled position on an axis (Pos is y for the y axis, x for the x axis).
type tick struct {
	Pos   float64
	Label string
}

// newFrame lays out the axes of c for values up to hi.
func newFrame(c Chart, hi int, k kind) frame {
	f := frame{Top: padTop, Bottom: svgH - padBottom, kind: k, days: len(c.Days)}
	ticks := yTicks(hi)
	f.top = ticks[len(ticks)-1]
	tickW := 0.0
	for _, v := range ticks {
		tickW = max(tickW, textWidth(c.number(v)))
	}
	labels := make([]string, len(c.Days))
	dayW := 0.0
	for i, d := range c.Days {
		labels[i] = d.Format(c.Text.AxisDay)
		dayW = max(dayW, textWidth(labels[i]))
	}
	// The y labels stand left of the axis; a line chart's first and last day labels are
	// centred on the plot's edges and must not be cut off.
	f.Left = max(48, tickW+16, dayW/2+4)
	f.Right = svgW - max(24, dayW/2+4)
	for _, v := range ticks {
		f.YTicks = append(f.YTicks, tick{f.y(v), c.number(v)})
	}
	if f.days > 0 {
		for _, i := range labelledDays(f.days, dayStep(dayW, f.slot())) {
			f.XLabels = append(f.XLabels, tick{f.x(i), labels[i]})
		}
	}
	return f
}

// y is where value v is drawn.
func (f frame) y(v int) float64 {
	return f.Bottom - float64(v)/float64(f.top)*(f.Bottom-f.Top)
}

// slot is the distance between two neighbouring days.
func (f frame) slot() float64 {
	w := f.Right - f.Left
	switch {
	case f.kind == barKind:
		return w / float64(f.days)
	case f.days > 1:
		return w / float64(f.days-1)
	}
	return w
}

// x is where day i is drawn: a line's point, or the middle of a bar.
func (f frame) x(i int) float64 {
	switch {
	case f.kind == barKind:
		return f.Left + (float64(i)+0.5)*f.slot()
	case f.days == 1:
		return (f.Left + f.Right) / 2
	}
	return f.Left + float64(i)*f.slot()
}

// line is one series of a line chart, ready to draw.
type line struct {
	Style   style
	Points  string // the polyline's points
	Markers []mark
}

// mark is something drawn with its tooltip: a line's point (D is its path) or a bar's
// segment (X, Y, W, H).
type mark struct {
	D          string
	X, Y, W, H float64
	Fill       string
	Title      string
}

func lineLayout(c Chart) (frame, []line) {
	c = c.prepared()
	hi := 0
	for _, s := range c.Series {
		for i := range c.Days {
			hi = max(hi, s.value(i))
		}
	}
	f := newFrame(c, hi, lineKind)
	lines := make([]line, len(c.Series))
	for si, s := range c.Series {
		st := styleOf(si)
		pts := make([]string, len(c.Days))
		for i := range c.Days {
			x, y := f.x(i), f.y(s.value(i))
			pts[i] = num(x) + "," + num(y)
			lines[si].Markers = append(lines[si].Markers, mark{D: st.markerPath(x, y), Title: c.tooltip(s, i)})
		}
		lines[si].Style, lines[si].Points = st, strings.Join(pts, " ")
	}
	return f, lines
}

// maxBarWidth keeps a week's bars from turning into slabs.
const maxBarWidth = 40

// barLayout stacks the series of each day bottom-up in series order. A zero value has no
// segment (nothing to hover); the table still lists it.
func barLayout(c Chart) (frame, []mark) {
	c = c.prepared()
	hi := 0
	for i := range c.Days {
		hi = max(hi, c.total(i))
	}
	f := newFrame(c, hi, barKind)
	var bars []mark
	if f.days == 0 {
		return f, nil
	}
	w := min(f.slot()*0.7, maxBarWidth)
	for i := range c.Days {
		sum := 0
		for si, s := range c.Series {
			v := s.value(i)
			if v <= 0 {
				continue
			}
			y0, y1 := f.y(sum), f.y(sum+v)
			sum += v
			bars = append(bars, mark{X: f.x(i) - w/2, Y: y1, W: w, H: y0 - y1,
				Fill: styleOf(si).fill(c.ID, si), Title: c.tooltip(s, i)})
		}
	}
	return f, bars
}
