package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The analysis API's date errcodes (SPEC §16, real): a date that is not yyyymmdd, and a
// range that is not one day or not before today.
const (
	APIDateFormat APIError = 61500
	APIDateRange  APIError = 61501
)

// analysisLayout is the analysis API's date format.
const analysisLayout = "20060102"

// AnalysisDay checks the begin_date and end_date of an analysis call (SPEC §16, real): both
// yyyymmdd (61500), the same day (61501), and at most yesterday in China time (61501,
// "today can only query yesterday"). It returns that platform day (YYYY-MM-DD).
func AnalysisDay(begin, end string, now time.Time) (string, error) {
	b, errB := time.ParseInLocation(analysisLayout, begin, CalendarZone)
	e, errE := time.ParseInLocation(analysisLayout, end, CalendarZone)
	switch {
	case errB != nil || errE != nil || b.Format(analysisLayout) != begin || e.Format(analysisLayout) != end:
		return "", APIDateFormat
	case !b.Equal(e) || !e.Before(dayStart(now)):
		return "", APIDateRange
	}
	return e.Format(time.DateOnly), nil
}

// DailySummary is a row of getweanalysisappiddailysummarytrend, with the real field names.
// The sandbox has no sharing, so the share counts are 0.
type DailySummary struct {
	RefDate    string `json:"ref_date"`    // yyyymmdd
	VisitTotal int    `json:"visit_total"` // people who had ever opened it by the end of that day
	SharePV    int    `json:"share_pv"`
	ShareUV    int    `json:"share_uv"`
}

// DailyVisitTrend is a row of getweanalysisappiddailyvisittrend, with the real field names
// and types. An open in the simulator shows one page, so the page views are the opens and
// the depth is 1 on a day with opens; the sandbox does not measure stay times (0).
type DailyVisitTrend struct {
	RefDate         string  `json:"ref_date"`
	SessionCnt      int     `json:"session_cnt"`  // opens
	VisitPV         int     `json:"visit_pv"`     // page views
	VisitUV         int     `json:"visit_uv"`     // distinct visitors
	VisitUVNew      int     `json:"visit_uv_new"` // first-time visitors
	StayTimeUV      float64 `json:"stay_time_uv"`
	StayTimeSession float64 `json:"stay_time_session"`
	VisitDepth      float64 `json:"visit_depth"`
}

// AnalysisSummary answers getweanalysisappiddailysummarytrend for the account over the
// dates of the request, checked by AnalysisDay (61500, 61501). The numbers are the ones
// /stats shows, every environment together.
func (s *Store) AnalysisSummary(ctx context.Context, accountID int64, begin, end string) (DailySummary, error) {
	day, err := AnalysisDay(begin, end, s.nowFor(accountID))
	if err != nil {
		return DailySummary{}, err
	}
	out := DailySummary{RefDate: end}
	err = s.read.QueryRowContext(ctx, `SELECT COALESCE(sum(new_visitors), 0) FROM daily_visits WHERE account_id = ? AND day <= ?`,
		accountID, day).Scan(&out.VisitTotal)
	if err != nil {
		return DailySummary{}, fmt.Errorf("visit total of %d: %w", accountID, err)
	}
	return out, nil
}

// AnalysisVisitTrend answers getweanalysisappiddailyvisittrend for the account over the
// dates of the request, checked by AnalysisDay (61500, 61501); a day without opens is
// zeros.
func (s *Store) AnalysisVisitTrend(ctx context.Context, accountID int64, begin, end string) (DailyVisitTrend, error) {
	day, err := AnalysisDay(begin, end, s.nowFor(accountID))
	if err != nil {
		return DailyVisitTrend{}, err
	}
	out := DailyVisitTrend{RefDate: end}
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(sum(visits), 0), COALESCE(sum(new_visitors), 0) FROM daily_visits
			WHERE account_id = ? AND day = ?`, accountID, day).Scan(&out.SessionCnt, &out.VisitUVNew); err != nil {
			return fmt.Errorf("visits of %d: %w", accountID, err)
		}
		return tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT visitors FROM daily_counts WHERE account_id = ? AND day = ?), 0)`,
			accountID, day).Scan(&out.VisitUV)
	})
	if err != nil {
		return DailyVisitTrend{}, err
	}
	out.VisitPV = out.SessionCnt
	if out.SessionCnt > 0 {
		out.VisitDepth = 1
	}
	return out, nil
}
