package web

import (
	"context"
	"testing"
	"time"
)

const (
	pathDailySummary = "/datacube/getweanalysisappiddailysummarytrend"
	pathVisitTrend   = "/datacube/getweanalysisappiddailyvisittrend"
)

// dates is the body of an analysis call.
func dates(begin, end string) map[string]any {
	return map[string]any{"begin_date": begin, "end_date": end}
}

// The analysis calls answer one finished day with the real field names and no errcode:
// the visit trend has the opens, distinct and new visitors /stats shows for that day (the
// sandbox has no stay times, so 0, and one page per open), the summary the visitors ever
// seen by then. A day without opens is zeros. The test clock starts on 2026-03-10 17:00
// China time.
func TestAPIAnalysis(t *testing.T) {
	e := newAPIEnv(t)
	e.clock.Advance(-24 * time.Hour)
	e.code(e.admin) // 2026-03-09: the first open ever
	e.clock.Advance(24 * time.Hour)
	e.code(e.admin) // 2026-03-10: twice, the same person
	e.code(e.admin)
	st, err := e.st.Stats(context.Background(), e.acct.ID, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d := st.Days[6]; d.Day != "2026-03-10" || d.Visits.Total != 2 || d.Visitors.Total != 1 || d.NewVisitors.Total != 0 {
		t.Fatalf("/stats has %+v for 2026-03-10", d)
	}
	e.clock.Advance(24 * time.Hour) // 2026-03-11: the 10th is yesterday
	token := e.token()
	for _, tc := range []struct{ path, day, want string }{
		{pathVisitTrend, "20260310", `{"list":[{"ref_date":"20260310","session_cnt":2,"visit_pv":2,"visit_uv":1,"visit_uv_new":0,"stay_time_uv":0,"stay_time_session":0,"visit_depth":1}]}`},
		{pathVisitTrend, "20260309", `{"list":[{"ref_date":"20260309","session_cnt":1,"visit_pv":1,"visit_uv":1,"visit_uv_new":1,"stay_time_uv":0,"stay_time_session":0,"visit_depth":1}]}`},
		{pathVisitTrend, "20260308", `{"list":[{"ref_date":"20260308","session_cnt":0,"visit_pv":0,"visit_uv":0,"visit_uv_new":0,"stay_time_uv":0,"stay_time_session":0,"visit_depth":0}]}`},
		{pathDailySummary, "20260310", `{"list":[{"ref_date":"20260310","visit_total":1,"share_pv":0,"share_uv":0}]}`},
		{pathDailySummary, "20260308", `{"list":[{"ref_date":"20260308","visit_total":0,"share_pv":0,"share_uv":0}]}`},
	} {
		r := e.postJSON(t, withToken(tc.path, token), dates(tc.day, tc.day))
		if r.fields(t); string(r.Raw) != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.path, tc.day, r.Raw, tc.want)
		}
	}
	// silenceper/wechat sends the dates as strings; a number with the same digits is read too.
	r := e.call(t, "POST", withToken(pathDailySummary, token), "application/json", `{"begin_date":20260310,"end_date":20260310}`)
	if want := `{"list":[{"ref_date":"20260310","visit_total":1,"share_pv":0,"share_uv":0}]}`; string(r.Raw) != want {
		t.Errorf("dates as numbers: got %s, want %s", r.Raw, want)
	}
}

// The body and date rules of the real API: an empty body 44002, one that is not a JSON
// object 47001; yyyymmdd or 61500 "date format error"; one day, at most
// yesterday in China time, or 61501 "date range error" — a range, today, a future day. At
// 2026-03-11 00:30 China time (16:30 UTC the day before) the 10th is already yesterday.
func TestAPIAnalysisDateErrors(t *testing.T) {
	e := newAPIEnv(t)
	e.clock.Advance(7*time.Hour + 30*time.Minute) // 2026-03-10 16:30 UTC = 2026-03-11 00:30 in China
	token := e.token()
	for _, path := range []string{pathDailySummary, pathVisitTrend} {
		call := func(body any) callResp { return e.postJSON(t, withToken(path, token), body) }
		for _, d := range [][2]string{{"2026-03-09", "2026-03-09"}, {"20260230", "20260230"}, {"2026039", "2026039"}, {"", ""},
			{"20260309", ""}, {"", "20260309"}, {"202603091", "202603091"}, {"abcdefgh", "abcdefgh"}} {
			call(dates(d[0], d[1])).wantErrcode(t, 61500, "date format error rid: ")
		}
		call(map[string]any{}).wantErrcode(t, 61500, "date format error rid: ")
		call(map[string]any{"begin_date": []string{"20260309"}, "end_date": "20260309"}).wantErrcode(t, 61500, "date format error rid: ")
		for _, body := range []string{"", " \n"} {
			e.call(t, "POST", withToken(path, token), "application/json", body).wantErrcode(t, 44002, "empty post data rid: ")
		}
		for _, body := range []string{"begin_date=20260309&end_date=20260309", `{"begin_date":`, `[]`} {
			e.call(t, "POST", withToken(path, token), "application/json", body).wantErrcode(t, 47001, "data format error rid: ")
		}
		for _, d := range [][2]string{{"20260308", "20260309"}, {"20260309", "20260308"}, {"20260301", "20260310"},
			{"20260311", "20260311"}, {"20260312", "20260312"}, {"20270101", "20270101"}} {
			call(dates(d[0], d[1])).wantErrcode(t, 61501, "date range error rid: ")
		}
		if r := call(dates("20260310", "20260310")); string(r.Raw[:9]) != `{"list":[` {
			t.Errorf("%s for yesterday at 00:30: %s", path, r.Raw)
		}
	}
}

// Both analysis calls are counted for /stats under their path and outcome, as every other
// call behind an access token is.
func TestAPIAnalysisCounted(t *testing.T) {
	e := newAPIEnv(t)
	token := e.token()
	before := e.callCounts()
	e.postJSON(t, withToken(pathVisitTrend, token), dates("20260309", "20260309"))
	e.postJSON(t, withToken(pathVisitTrend, token), dates("20260310", "20260310")).wantErrcode(t, 61501, "date range error rid: ")
	e.postJSON(t, withToken(pathDailySummary, token), dates("2026", "2026")).wantErrcode(t, 61500, "date format error rid: ")
	e.call(t, "POST", withToken(pathDailySummary, token), "application/json", "").wantErrcode(t, 44002, "empty post data rid: ")
	got := e.callCounts()
	for key, n := range map[string]int{
		pathVisitTrend + " ok": 1, pathVisitTrend + " 61501": 1, pathDailySummary + " 61500": 1, pathDailySummary + " 44002": 1,
	} {
		if got[key]-before[key] != n {
			t.Errorf("%s counted %d times, want %d", key, got[key]-before[key], n)
		}
	}
}
