package web

import (
	"encoding/csv"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// logFilter reads the filters of /logs and /logs.csv from the query string, as typed.
func logFilter(c echo.Context) (store.LogFilter, views.Form) {
	f := views.Form{Values: map[string]string{}}
	for _, name := range views.LogFilterFields {
		f.Values[name] = c.QueryParam(name)
	}
	return store.LogFilter{Actor: f.V("actor"), Action: f.V("action"), From: f.V("from"), To: f.V("to")}, f
}

// LogsPage is /logs (administrator; SPEC §16): 50 rows a page, newest first, after the row
// ?before= names (a row of another account, or not a number, is 404). Filters the store
// refuses are 422 with the error next to each.
func (s *Server) LogsPage(c echo.Context) error {
	filter, f := logFilter(c)
	v := views.LogsView{Form: f}
	if b := c.QueryParam("before"); b != "" {
		id, err := strconv.ParseInt(b, 10, 64)
		if err != nil || id <= 0 {
			return echo.ErrNotFound
		}
		v.Before = id
	}
	p, err := s.store.OpLog(c.Request().Context(), access(c).Account.ID, filter, v.Before)
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		v.Form.Errors = ve.Fields
		return page(c, http.StatusUnprocessableEntity, title(c, "logs.title"), views.LogsPage(v))
	} else if err != nil {
		return err
	}
	v.Page = p
	return page(c, http.StatusOK, title(c, "logs.title"), views.LogsPage(v))
}

// LogsCSV is GET /logs.csv: every row the filters of /logs select, unpaged and streamed,
// newest first, the headers and action texts in the page's language and the time with its
// offset. Filters the store refuses are 422: the store checks them before the first row,
// so the download starts only once there is no error to show.
func (s *Server) LogsCSV(c echo.Context) error {
	filter, _ := logFilter(c)
	ctx := c.Request().Context()
	var w *csv.Writer
	begin := func() error {
		if w != nil {
			return nil
		}
		var err error
		if w, err = csvDownload(c, "oplog.csv"); err != nil {
			return err
		}
		return w.Write([]string{views.T(ctx, "logs.time"), views.T(ctx, "logs.actor"), views.T(ctx, "logs.nickname"),
			views.T(ctx, "logs.code"), views.T(ctx, "logs.action"), views.T(ctx, "logs.target"), views.T(ctx, "logs.ip"),
			views.T(ctx, "logs.summary")})
	}
	err := s.store.OpLogEach(ctx, access(c).Account.ID, filter, func(e store.LogEntry) error {
		if err := begin(); err != nil {
			return err
		}
		return w.Write([]string{e.At.In(store.CalendarZone).Format(time.RFC3339), views.LogActor(ctx, e), e.Nickname,
			e.Action, views.LogAction(ctx, e.Action), e.Target, e.ClientIP, e.Summary})
	})
	if err == nil {
		err = begin()
	}
	if err != nil {
		return err
	}
	w.Flush()
	return w.Error()
}
