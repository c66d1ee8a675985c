package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// grouped writes n with a comma every three digits, as both languages of the page do.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// tableRows reads the chart table data-chart=id as rows of cell texts, the date first.
func tableRows(r resp, id string) [][]string {
	var out [][]string
	r.doc.Find(`table[data-testid="chart-table"][data-chart="` + id + `"] tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Children().Each(func(_ int, td *goquery.Selection) { row = append(row, strings.TrimSpace(td.Text())) })
		out = append(out, row)
	})
	return out
}

// demoConsole seeds the demo (30 days of traffic through the store's own counting) and
// signs its administrator in.
func demoConsole(t *testing.T) (*env, store.Account, *client) {
	e := newEnv(t)
	ctx := context.Background()
	demo, err := e.st.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.st.AccountByAppID(ctx, demo.AppID)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := e.st.PersonByID(ctx, a.AdminPersonID)
	if err != nil {
		t.Fatal(err)
	}
	return e, a, e.console(a, admin)
}

// /stats shows 7 days by default and 7, 30 or 90 on request; under each chart its numbers
// as a table, a row per day, equal to what the store counted, written with thousands
// separators; each point of the visitors chart has its <title>.
func TestStatsPageMatchesStore(t *testing.T) {
	e, a, c := demoConsole(t)
	for _, tc := range []struct {
		query string
		days  int
	}{{"", 7}, {"?days=7", 7}, {"?days=30", 30}, {"?days=90", 90}} {
		r := c.get("/stats" + tc.query)
		wantStatus(t, r, http.StatusOK)
		if got := r.doc.Find(`[data-testid="stats-period"] a[aria-current="page"]`).AttrOr("data-days", ""); got != fmt.Sprint(tc.days) {
			t.Errorf("%q: the period switch marks %q", tc.query, got)
		}
		if href := r.doc.Find(`a[data-testid="stats-csv"]`).AttrOr("href", ""); href != fmt.Sprintf("/stats.csv?days=%d", tc.days) {
			t.Errorf("%q: CSV link %q", tc.query, href)
		}
		st, err := e.st.Stats(context.Background(), a.ID, tc.days)
		if err != nil {
			t.Fatal(err)
		}
		visitors, envs := tableRows(r, "visitors"), tableRows(r, "envs")
		endpoints, outcomes := tableRows(r, "calls-endpoint"), tableRows(r, "calls-outcome")
		if len(visitors) != tc.days || len(envs) != tc.days || len(endpoints) != tc.days || len(outcomes) != tc.days {
			t.Fatalf("%q: %d, %d, %d, %d table rows, want %d each", tc.query, len(visitors), len(envs), len(endpoints), len(outcomes), tc.days)
		}
		if n := r.doc.Find(`[data-chart="visitors"] svg path title`).Length(); n != 3*tc.days {
			t.Errorf("%q: %d point titles on the visitors chart, want %d", tc.query, n, 3*tc.days)
		}
		traffic := 0
		for i, d := range st.Days {
			want := []string{grouped(d.Visits.Total), grouped(d.Visitors.Total), grouped(d.NewVisitors.Total)}
			if fmt.Sprint(visitors[i][1:]) != fmt.Sprint(want) {
				t.Errorf("%q %s: visitors row %v, want %v", tc.query, d.Day, visitors[i], want)
			}
			want = []string{grouped(d.Visits.Release), grouped(d.Visits.Trial), grouped(d.Visits.Develop)}
			if fmt.Sprint(envs[i][1:]) != fmt.Sprint(want) {
				t.Errorf("%q %s: versions row %v, want %v", tc.query, d.Day, envs[i], want)
			}
			want = want[:0]
			for _, ep := range st.Endpoints {
				want = append(want, grouped(d.CallsTo(ep)))
			}
			if fmt.Sprint(endpoints[i][1:]) != fmt.Sprint(want) {
				t.Errorf("%q %s: endpoints row %v, want %v", tc.query, d.Day, endpoints[i], want)
			}
			traffic += d.Visits.Total
		}
		if traffic == 0 || len(st.Endpoints) < 2 || len(st.Outcomes) < 2 {
			t.Errorf("%q: the demo gave %d visits, endpoints %v, outcomes %v", tc.query, traffic, st.Endpoints, st.Outcomes)
		}
	}
}

// callDay writes n calls of endpoint with outcome on day straight into the counters.
func (e *env) callDay(a store.Account, day, endpoint, outcome string, n int) {
	e.exec(`INSERT INTO api_call_counts (account_id, day, endpoint, outcome, calls) VALUES (?, ?, ?, ?, ?)`, a.ID, day, endpoint, outcome, n)
}

// A day of 100,000 calls next to a day of none: the tables write the number with its
// separator and the day in the page's language; the bars stack ok under the errcode.
func TestStatsBigDayBothLanguages(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.callDay(tm.a, "2026-03-09", "/cgi-bin/token", "ok", 100000)
	e.callDay(tm.a, "2026-03-09", "/cgi-bin/token", "40125", 1234)
	c := e.console(tm.a, tm.analyst)
	for _, tc := range []struct{ lang, yesterday, today, ok, errcode, total string }{
		{"en", "Mar 9, 2026", "Mar 10, 2026", "Success", "Error 40125", "101,234"},
		{"zh-CN", "2026年3月9日", "2026年3月10日", "成功", "错误 40125", "101,234"},
	} {
		r := c.get("/stats?lang=" + tc.lang)
		wantStatus(t, r, http.StatusOK)
		rows := tableRows(r, "calls-outcome")
		want := fmt.Sprint([][]string{{tc.yesterday, "100,000", "1,234"}, {tc.today, "0", "0"}})
		if got := fmt.Sprint(rows[5:]); got != want {
			t.Errorf("%s: last rows %s, want %s", tc.lang, got, want)
		}
		var heads []string
		r.doc.Find(`table[data-chart="calls-outcome"] thead th`).Each(func(_ int, th *goquery.Selection) { heads = append(heads, th.Text()) })
		if fmt.Sprint(heads[1:]) != fmt.Sprint([]string{tc.ok, tc.errcode}) {
			t.Errorf("%s: outcome columns %v", tc.lang, heads)
		}
		if got := r.doc.Find(`[data-testid="stats-totals"] [data-total="calls"]`).Text(); got != tc.total {
			t.Errorf("%s: total calls %q, want %q", tc.lang, got, tc.total)
		}
		var titles []string
		r.doc.Find(`[data-chart="calls-outcome"] svg rect title`).Each(func(_ int, s *goquery.Selection) { titles = append(titles, s.Text()) })
		want = fmt.Sprint([]string{tc.ok + " · " + tc.yesterday + " · 100,000", tc.errcode + " · " + tc.yesterday + " · 1,234"})
		if fmt.Sprint(titles) != want {
			t.Errorf("%s: bar titles %v, want %s", tc.lang, titles, want)
		}
		if r.doc.Find(`[data-testid="stats-no-calls"]`).Length() != 0 {
			t.Errorf("%s: says no calls", tc.lang)
		}
	}
}

// A period other than 7, 30 or 90 days is 422, with the error next to the period switch
// and no chart; the CSV of one is 422 too.
func TestStatsDaysInvalid(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	for _, q := range []string{"14", "0", "-7", "abc", "7.0", "99999999999999999999"} {
		r := c.get("/stats?days=" + q)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("days"); got != "days_invalid" {
			t.Errorf("days=%s: error %q, want days_invalid", q, got)
		}
		if r.doc.Find(`[data-testid="chart"]`).Length() != 0 {
			t.Errorf("days=%s: charts drawn", q)
		}
		wantStatus(t, c.get("/stats.csv?days="+q), http.StatusUnprocessableEntity)
	}
	r := c.get("/stats?days=14")
	if !strings.Contains(r.testid("stats-period")+r.body, "Choose 7, 30 or 90 days.") {
		t.Error("the error is not in words")
	}
}

// A page without traffic draws empty charts over the days and says there were no calls.
func TestStatsNoTraffic(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	r := e.console(tm.a, tm.admin).get("/stats?days=30")
	wantStatus(t, r, http.StatusOK)
	if rows := tableRows(r, "visitors"); len(rows) != 30 || fmt.Sprint(rows[29][1:]) != "[0 0 0]" {
		t.Errorf("visitors table %v", rows)
	}
	if r.testid("stats-no-calls") != "No API calls in these days." {
		t.Errorf("no-calls note %q", r.testid("stats-no-calls"))
	}
}

// The CSV of /stats: UTF-8 with a byte-order mark, a download named after the period, the
// headers in the page's language, a row per day with plain numbers equal to the page's.
func TestStatsCSV(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.callDay(tm.a, "2026-03-09", "/cgi-bin/token", "ok", 100000)
	e.callDay(tm.a, "2026-03-09", "/cgi-bin/token", "40125", 3)
	e.callDay(tm.a, "2026-03-10", "/sns/jscode2session", "ok", 2)
	e.exec(`INSERT INTO daily_visits (account_id, day, env, visits, visitors, new_visitors) VALUES (?, '2026-03-10', 'release', 5, 2, 1), (?, '2026-03-10', 'trial', 1, 1, 0)`, tm.a.ID, tm.a.ID)
	e.exec(`INSERT INTO daily_counts (account_id, day, visitors) VALUES (?, '2026-03-10', 2)`, tm.a.ID)
	c := e.console(tm.a, tm.admin)

	r := c.get("/stats.csv?days=7&lang=zh-CN")
	wantStatus(t, r, http.StatusOK)
	if ct, cd := r.header.Get("Content-Type"), r.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || cd != `attachment; filename="stats-7d.csv"` {
		t.Errorf("headers %q, %q", ct, cd)
	}
	zero := ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\r\n"
	want := "\xef\xbb\xbf" +
		"日期,访问次数,访问次数（正式版）,访问次数（体验版）,访问次数（开发版）,访问人数,访问人数（正式版）,访问人数（体验版）,访问人数（开发版）," +
		"新访问人数,新访问人数（正式版）,新访问人数（体验版）,新访问人数（开发版）,调用 /cgi-bin/token 成功,调用 /cgi-bin/token 错误 40125,调用 /sns/jscode2session 成功\r\n" +
		"2026-03-04" + zero + "2026-03-05" + zero + "2026-03-06" + zero + "2026-03-07" + zero + "2026-03-08" + zero +
		"2026-03-09,0,0,0,0,0,0,0,0,0,0,0,0,100000,3,0\r\n" +
		"2026-03-10,6,5,1,0,2,2,1,0,1,1,0,0,0,0,2\r\n"
	if r.body != want {
		t.Errorf("CSV:\n%q\nwant\n%q", r.body, want)
	}
	page := c.get("/stats?days=7&lang=zh-CN")
	if rows := tableRows(page, "visitors"); fmt.Sprint(rows[6]) != "[2026年3月10日 6 2 1]" {
		t.Errorf("the page's row for the 10th: %v", rows[6])
	}

	r = c.get("/stats.csv?days=30&lang=en")
	lines := strings.Split(r.body, "\r\n")
	if !strings.HasPrefix(lines[0], "\ufeffDate,Visits,Visits (Release),Visits (Trial),Visits (Development),Unique visitors,") ||
		!strings.HasSuffix(lines[0], ",Calls /cgi-bin/token Success,Calls /cgi-bin/token Error 40125,Calls /sns/jscode2session Success") ||
		len(lines) != 32 || lines[1][:10] != "2026-02-09" || lines[31] != "" {
		t.Errorf("30 days in English: %d lines, %q … %q", len(lines), lines[0], lines[1])
	}
}
