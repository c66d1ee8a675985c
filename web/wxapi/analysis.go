package wxapi

import (
	"context"

	"net/http"

	"github.com/labstack/echo/v4"
)

// analysisRequest is the body of both analysis calls: one day, yyyymmdd. A date sent as a
// number reads as the digits written.
type analysisRequest struct {
	BeginDate looseString `json:"begin_date"`
	EndDate   looseString `json:"end_date"`
}

// analysisBody is a successful analysis answer, which has no errcode or errmsg (real).
type analysisBody[T any] struct {
	List []T `json:"list"`
}

// DailySummary is POST /datacube/getweanalysisappiddailysummarytrend (SPEC §16): the
// account's running total of visitors on one day that is at most yesterday.
func (a *API) DailySummary(c echo.Context) error {
	return analysis(a, c, a.store.AnalysisSummary)
}

// DailyVisitTrend is POST /datacube/getweanalysisappiddailyvisittrend (SPEC §16): one
// day's opens, visitors and new visitors, the numbers /stats shows for that day.
func (a *API) DailyVisitTrend(c echo.Context) error {
	return analysis(a, c, a.store.AnalysisVisitTrend)
}

// analysis reads the dates, asks the store (61500, 61501) and counts the call: the
// analysis reads are not counted by the store.
func analysis[T any](a *API, c echo.Context, read func(ctx context.Context, accountID int64, begin, end string) (T, error)) error {
	var in analysisRequest
	if handled, err := a.bind(c, &in, apiEmptyBody, apiDataFormat); handled {
		return err
	}
	row, err := read(c.Request().Context(), AccountID(c), string(in.BeginDate), string(in.EndDate))
	a.count(c, AccountID(c), err)
	if err != nil {
		return a.failWith(c, err, callIP(c))
	}
	return writeJSON(c, http.StatusOK, analysisBody[T]{List: []T{row}})
}
