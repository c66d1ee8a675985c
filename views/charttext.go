package views

import (
	"context"

	"mpconsole/views/chart"
)

// ChartText is what a chart of views/chart says in the request's language, around the
// title the page gives it (a catalog id). The chart package cannot read the catalog: the
// pages that draw charts live here, and it must not import them back. The day formats
// in the catalog are Go time layouts ("Jan 2", "1月2日").
func ChartText(ctx context.Context, title string) chart.Text {
	return chart.Text{
		Lang:    Lang(ctx),
		Title:   T(ctx, title),
		Date:    T(ctx, "chart.date"),
		Empty:   T(ctx, "chart.empty"),
		AxisDay: T(ctx, "chart.day_axis"),
		FullDay: T(ctx, "chart.day_full"),
	}
}
