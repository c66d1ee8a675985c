package views

import (
	"context"
	"strconv"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"mpconsole/store"
	"mpconsole/views/chart"
)

// PathStats is the operational-data page (SPEC §16); PathStatsCSV downloads its numbers.
const (
	PathStats    = "/stats"
	PathStatsCSV = "/stats.csv"
)

// PathStatsDays is /stats (or its CSV, when base is PathStatsCSV) for a period.
func PathStatsDays(base string, days int) string { return base + "?days=" + strconv.Itoa(days) }

// StatsView is /stats for one period: its numbers, or the error of a period that is not
// 7, 30 or 90 days (then Stats is empty and no chart is drawn).
type StatsView struct {
	Days  int
	Stats store.Stats
	Form  Form
}

// StatsCharts are the charts of /stats, built from one store.Stats so that the drawings,
// the tables under them and the CSV show the same numbers.
type StatsCharts struct {
	Visitors, Envs, Endpoints, Outcomes chart.Chart
}

// NewStatsCharts builds the charts of s in the request's language: visitors as lines
// (visits, unique and new visitors), visits by version as lines, and API calls as stacked
// bars by endpoint and by outcome.
func NewStatsCharts(ctx context.Context, s store.Stats) StatsCharts {
	days := StatsDays(s)
	line := func(id, title string, series ...chart.Series) chart.Chart {
		return chart.Chart{ID: id, Days: days, Series: series, Text: ChartText(ctx, title)}
	}
	each := func(f func(store.DayStats) int) []int {
		out := make([]int, len(s.Days))
		for i, d := range s.Days {
			out[i] = f(d)
		}
		return out
	}
	out := StatsCharts{
		Visitors: line("visitors", "stats.visitors_chart",
			chart.Series{Name: T(ctx, "stats.visits"), Values: each(func(d store.DayStats) int { return d.Visits.Total })},
			chart.Series{Name: T(ctx, "stats.visitors"), Values: each(func(d store.DayStats) int { return d.Visitors.Total })},
			chart.Series{Name: T(ctx, "stats.new_visitors"), Values: each(func(d store.DayStats) int { return d.NewVisitors.Total })}),
		Envs:      line("envs", "stats.envs_chart"),
		Endpoints: line("calls-endpoint", "stats.endpoints_chart"),
		Outcomes:  line("calls-outcome", "stats.outcomes_chart"),
	}
	for _, env := range store.Envs {
		out.Envs.Series = append(out.Envs.Series, chart.Series{Name: T(ctx, "stats.env."+env),
			Values: each(func(d store.DayStats) int { return d.Visits.Of(env) })})
	}
	for _, ep := range s.Endpoints {
		out.Endpoints.Series = append(out.Endpoints.Series, chart.Series{Name: ep,
			Values: each(func(d store.DayStats) int { return d.CallsTo(ep) })})
	}
	for _, o := range s.Outcomes {
		out.Outcomes.Series = append(out.Outcomes.Series, chart.Series{Name: OutcomeName(ctx, o),
			Values: each(func(d store.DayStats) int { return d.CallsWith(o) })})
	}
	return out
}

// StatsDays are the days of s as the charts' x axis: midnight in China time.
func StatsDays(s store.Stats) []time.Time {
	out := make([]time.Time, len(s.Days))
	for i, d := range s.Days {
		out[i], _ = time.ParseInLocation(time.DateOnly, d.Day, store.CalendarZone)
	}
	return out
}

// OutcomeName is how an API call ended, in words: success, or the errcode.
func OutcomeName(ctx context.Context, outcome string) string {
	if outcome == store.OutcomeOK {
		return T(ctx, "stats.outcome_ok")
	}
	return T(ctx, "stats.outcome_error", map[string]any{"Code": outcome})
}

// statsTotals are the period's sums shown above the charts.
type periodTotals struct{ Visits, NewVisitors, Calls string }

func totalsOf(ctx context.Context, s store.Stats) periodTotals {
	var visits, fresh, calls int
	for _, d := range s.Days {
		visits, fresh, calls = visits+d.Visits.Total, fresh+d.NewVisitors.Total, calls+d.TotalCalls()
	}
	p := message.NewPrinter(language.Make(Lang(ctx)))
	return periodTotals{Visits: p.Sprint(visits), NewVisitors: p.Sprint(fresh), Calls: p.Sprint(calls)}
}
