package store

import (
	"errors"
	"testing"
	"time"
)

// The analysis API takes one day, yyyymmdd, at most yesterday in China time (SPEC §16,
// real): 61500 for a malformed date, 61501 for a range or a day not yet over.
func TestAnalysisDay(t *testing.T) {
	afterMidnight := time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC) // 00:30 on 11 March in Beijing
	beforeMidnight := time.Date(2026, 3, 10, 15, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		begin, end string
		now        time.Time
		want       string // the day, or the errcode
	}{
		{"20260310", "20260310", afterMidnight, "2026-03-10"},
		{"20260310", "20260310", beforeMidnight, "61501"},
		{"20260309", "20260309", beforeMidnight, "2026-03-09"},
		{"20260311", "20260311", afterMidnight, "61501"},
		{"20270101", "20270101", afterMidnight, "61501"},
		{"20260309", "20260310", afterMidnight, "61501"},
		{"20260310", "20260309", afterMidnight, "61501"},
		{"2026-03-10", "2026-03-10", afterMidnight, "61500"},
		{"20260230", "20260230", afterMidnight, "61500"},
		{"2026031", "2026031", afterMidnight, "61500"},
		{"", "20260310", afterMidnight, "61500"},
		{"20260310", "", afterMidnight, "61500"},
	} {
		day, err := AnalysisDay(c.begin, c.end, c.now)
		got := day
		var code APIError
		if errors.As(err, &code) {
			got = Outcome(code)
		} else if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s–%s at %s: %s, want %s", c.begin, c.end, c.now, got, c.want)
		}
	}
}

// Both analysis answers read the numbers /stats shows: opens, distinct and new visitors of
// the day, and the people who ever opened it by its end; the rest is 0 in the sandbox.
func TestAnalysisNumbers(t *testing.T) {
	e := statsEnv(t)
	e.clock.set(time.Date(2026, 3, 8, 2, 0, 0, 0, time.UTC)) // 10:00 on 8 March in Beijing
	e.open(e.stranger, EnvRelease)
	e.open(e.tester, EnvTrial)
	e.clock.set(time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC))
	e.open(e.stranger, EnvRelease)
	e.open(e.stranger, EnvRelease)
	e.open(e.developer, EnvDevelop)
	e.open(e.developer, EnvTrial)
	e.clock.set(time.Date(2026, 3, 11, 2, 0, 0, 0, time.UTC))

	trend, err := e.st.AnalysisVisitTrend(e.ctx, e.acct.ID, "20260309", "20260309")
	must(t, err)
	if want := (DailyVisitTrend{RefDate: "20260309", SessionCnt: 4, VisitPV: 4, VisitUV: 2, VisitUVNew: 1, VisitDepth: 1}); trend != want {
		t.Fatalf("trend %+v, want %+v", trend, want)
	}
	quiet, err := e.st.AnalysisVisitTrend(e.ctx, e.acct.ID, "20260310", "20260310")
	must(t, err)
	if quiet != (DailyVisitTrend{RefDate: "20260310"}) {
		t.Fatalf("a day without opens: %+v", quiet)
	}
	for day, want := range map[string]int{"20260307": 0, "20260308": 2, "20260309": 3, "20260310": 3} {
		sum, err := e.st.AnalysisSummary(e.ctx, e.acct.ID, day, day)
		must(t, err)
		if sum != (DailySummary{RefDate: day, VisitTotal: want}) {
			t.Errorf("summary of %s: %+v, want visit_total %d", day, sum, want)
		}
	}
	_, err = e.st.AnalysisSummary(e.ctx, e.acct.ID, "20260311", "20260311")
	wantAPIError(t, err, APIDateRange)
	_, err = e.st.AnalysisVisitTrend(e.ctx, e.acct.ID, "20260308", "20260309")
	wantAPIError(t, err, APIDateRange)
	_, err = e.st.AnalysisVisitTrend(e.ctx, e.acct.ID, "2026-03-09", "2026-03-09")
	wantAPIError(t, err, APIDateFormat)
}
