package chart

import (
	"context"
	"io"
	"testing"

	"github.com/a-h/templ"
)

// A /stats page of 90 days draws its charts on every request: nine lines (three
// measures by three versions) and a stack of nine outcomes, each with its table.
func BenchmarkNinetyDays(b *testing.B) {
	c := Chart{ID: "b", Days: days(90), Text: zh}
	for s := range 9 {
		v := make([]int, 90)
		for i := range v {
			v[i] = (i*7919 + s*104729) % 50000
		}
		c.Series = append(c.Series, Series{Name: "series", Values: v})
	}
	ctx := context.Background()
	for b.Loop() {
		for _, comp := range []templ.Component{Line(c), Bars(c), Table(c)} {
			if err := comp.Render(ctx, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	}
}
