package chart

import (
	"math"
	"strconv"
	"testing"
)

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("%q is not #rrggbb", hex)
	}
	var l float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("%q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += weight * c
	}
	return l
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// The ratio computation itself gives WCAG's known values.
func TestContrastFormula(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#767676", "#ffffff", 4.54}, {"#949494", "#ffffff", 3.03}} {
		if got := contrast(t, c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

// Every series colour, the labels and the axis stand out on the white page: WCAG asks
// 3:1 of graphics, and the palette promises 4.5:1 so thin lines and small markers read too.
func TestPaletteContrast(t *testing.T) {
	for _, c := range append(append([]string{}, palette...), inkText, inkAxis) {
		if r := contrast(t, c, "#ffffff"); r < 4.5 {
			t.Errorf("%s on white: %.2f:1, want at least 4.5:1", c, r)
		}
	}
}

// Colour is never the only difference: the first 24 series differ from each other in
// dash and marker as lines, and neighbours in the stack differ in fill pattern.
func TestStylesDifferBeyondColour(t *testing.T) {
	seen := map[[3]string]int{}
	for i := range 24 {
		s := styleOf(i)
		key := [3]string{s.Colour, s.Dash, strconv.Itoa(s.marker)}
		if j, ok := seen[key]; ok {
			t.Errorf("series %d and %d look the same: %v", j, i, key)
		}
		seen[key] = i
		if i > 0 && s.pattern == styleOf(i-1).pattern {
			t.Errorf("stacked neighbours %d and %d share pattern %d", i-1, i, s.pattern)
		}
		if i > 0 && s.Dash == styleOf(i-1).Dash {
			t.Errorf("lines %d and %d share dash %q", i-1, i, s.Dash)
		}
	}
	for i := range 8 {
		if styleOf(i).Dash == "" && i != 0 {
			t.Errorf("series %d is solid like series 0", i)
		}
	}
}
