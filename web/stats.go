package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// defaultStatsDays is the period /stats shows without ?days=: the real console opens on
// the last 7 days.
const defaultStatsDays = 7

// statsDays reads ?days=; anything but a number reads as 0, which the store refuses
// (days_invalid) like any other period it does not offer.
func statsDays(c echo.Context) int {
	v := c.QueryParam("days")
	if v == "" {
		return defaultStatsDays
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0
	}
	return n
}

// StatsPage is /stats (administrator, analyst; SPEC §16): the charts of 7, 30 or 90 days.
// A period the page does not offer is 422 with the error next to the period switch.
func (s *Server) StatsPage(c echo.Context) error {
	v := views.StatsView{Days: statsDays(c)}
	st, err := s.store.Stats(c.Request().Context(), access(c).Account.ID, v.Days)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		v.Form = views.Form{Values: map[string]string{"days": c.QueryParam("days")}, Errors: ve.Fields}
		return page(c, http.StatusUnprocessableEntity, title(c, "stats.title"), views.StatsPage(v))
	} else if err != nil {
		return err
	}
	v.Stats = st
	return page(c, http.StatusOK, title(c, "stats.title"), views.StatsPage(v))
}

// StatsCSV is GET /stats.csv?days=: the numbers of /stats, a row per day, the headers in
// the page's language. A period /stats does not offer is 422.
func (s *Server) StatsCSV(c echo.Context) error {
	days := statsDays(c)
	st, err := s.store.Stats(c.Request().Context(), access(c).Account.ID, days)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	type column struct {
		name  string
		value func(store.DayStats) int
	}
	var cols []column
	for _, block := range []struct {
		id  string
		get func(store.DayStats) store.EnvCounts
	}{
		{"stats.visits", func(d store.DayStats) store.EnvCounts { return d.Visits }},
		{"stats.visitors", func(d store.DayStats) store.EnvCounts { return d.Visitors }},
		{"stats.new_visitors", func(d store.DayStats) store.EnvCounts { return d.NewVisitors }},
	} {
		what := views.T(ctx, block.id)
		cols = append(cols, column{what, func(d store.DayStats) int { return block.get(d).Total }})
		for _, env := range store.Envs {
			name := views.T(ctx, "stats.csv.of_env", map[string]any{"What": what, "Env": views.T(ctx, "stats.env."+env)})
			cols = append(cols, column{name, func(d store.DayStats) int { return block.get(d).Of(env) }})
		}
	}
	for _, ep := range st.Endpoints {
		for _, o := range st.Outcomes {
			if !calledWith(st, ep, o) {
				continue
			}
			name := views.T(ctx, "stats.csv.calls", map[string]any{"Endpoint": ep, "Outcome": views.OutcomeName(ctx, o)})
			cols = append(cols, column{name, func(d store.DayStats) int { return callsOf(d, ep, o) }})
		}
	}
	w, err := csvDownload(c, "stats-"+strconv.Itoa(days)+"d.csv")
	if err != nil {
		return err
	}
	row := []string{views.T(ctx, "chart.date")}
	for _, col := range cols {
		row = append(row, col.name)
	}
	w.Write(row)
	for _, d := range st.Days {
		row = append(row[:0], d.Day)
		for _, col := range cols {
			row = append(row, strconv.Itoa(col.value(d)))
		}
		w.Write(row)
	}
	w.Flush()
	return w.Error()
}

// calledWith tells whether any day of st has calls of endpoint ending with outcome: the
// CSV has a column for each pair that happened.
func calledWith(st store.Stats, endpoint, outcome string) bool {
	for _, d := range st.Days {
		if callsOf(d, endpoint, outcome) > 0 {
			return true
		}
	}
	return false
}

func callsOf(d store.DayStats, endpoint, outcome string) int {
	for _, c := range d.Calls {
		if c.Endpoint == endpoint && c.Outcome == outcome {
			return c.Calls
		}
	}
	return 0
}
