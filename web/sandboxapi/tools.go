package sandboxapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// The operations on the account's sandbox tools: its clock, fault rules, request journal
// and snapshots.

// clockBody is the account's clock: how far ahead it runs and what time it is there.
func (a *API) clockBody(c echo.Context) map[string]any {
	id := account(c)
	return map[string]any{"offset_seconds": int64(a.store.ClockOffset(id) / time.Second),
		"now": a.store.NowFor(id).UTC().Format(time.RFC3339)}
}

// Clock is GET /clock.
func (a *API) Clock(c echo.Context) error { return c.JSON(http.StatusOK, a.clockBody(c)) }

// MoveClock is POST /clock with exactly one of {advance_seconds}, {to: "next_midnight"}
// (China time) and {reset: true}.
func (a *API) MoveClock(c echo.Context) error {
	var in struct {
		AdvanceSeconds *int64 `json:"advance_seconds"`
		To             string `json:"to"`
		Reset          bool   `json:"reset"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	ctx, id := c.Request().Context(), account(c)
	n := 0
	for _, set := range []bool{in.AdvanceSeconds != nil, in.To != "", in.Reset} {
		if set {
			n++
		}
	}
	var err error // a token acts for no person: the operation log names the token (WithSandboxToken)
	switch {
	case n != 1:
		return failFields(c, http.StatusUnprocessableEntity, map[string]string{"advance_seconds": "clock_one_of"})
	case in.AdvanceSeconds != nil:
		err = a.store.AdvanceClock(ctx, id, 0, time.Duration(*in.AdvanceSeconds)*time.Second)
	case in.To == "next_midnight":
		err = a.store.ClockToNextMidnight(ctx, id, 0)
	case in.To != "":
		return failFields(c, http.StatusUnprocessableEntity, map[string]string{"to": "clock_to_invalid"})
	default:
		err = a.store.ResetClock(ctx, id, 0)
	}
	if err != nil {
		return a.answer(c, err, map[string]string{"advance": "advance_seconds"})
	}
	return c.JSON(http.StatusOK, a.clockBody(c))
}

type faultBody struct {
	ID          int64   `json:"id"`
	Endpoint    string  `json:"endpoint"`
	Kind        string  `json:"kind"`
	ErrCode     int     `json:"errcode"`
	Count       int     `json:"count"`
	Remaining   int     `json:"remaining"`
	Probability float64 `json:"probability"`
	LatencyMS   int64   `json:"latency_ms"`
}

func faultOf(r store.FaultRule) faultBody {
	return faultBody{ID: r.ID, Endpoint: r.Endpoint, Kind: r.Kind, ErrCode: r.ErrCode, Count: r.Count, Remaining: r.Remaining,
		Probability: r.Probability, LatencyMS: r.Latency.Milliseconds()}
}

// Faults is GET /faults: the account's rules in the order they are tried.
func (a *API) Faults(c echo.Context) error {
	rs, err := a.store.FaultRules(c.Request().Context(), account(c))
	if err != nil {
		return err
	}
	out := []faultBody{}
	for _, r := range rs {
		out = append(out, faultOf(r))
	}
	return c.JSON(http.StatusOK, map[string]any{"faults": out})
}

// intText and floatText are optional numbers as the page's form would have them typed.
func intText(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func floatText(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// AddFault is POST /faults, with the page's rules (SPEC §18): exactly one of count and
// probability.
func (a *API) AddFault(c echo.Context) error {
	var in struct {
		Endpoint    string   `json:"endpoint"`
		Kind        string   `json:"kind"`
		ErrCode     *int     `json:"errcode"`
		Count       *int     `json:"count"`
		Probability *float64 `json:"probability"`
		LatencyMS   *int     `json:"latency_ms"`
	}
	if handled, err := bind(c, &in); handled {
		return err
	}
	r, err := a.store.AddFaultRule(c.Request().Context(), account(c), store.FaultForm{Endpoint: in.Endpoint, Kind: in.Kind,
		ErrCode: intText(in.ErrCode), Count: intText(in.Count), Probability: floatText(in.Probability), LatencyMS: intText(in.LatencyMS)})
	if err != nil {
		return a.answer(c, err, nil)
	}
	return c.JSON(http.StatusCreated, faultOf(r))
}

// pathID is the :id of the path; one that is no number is no object (404).
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// DeleteFault is DELETE /faults/{id}: 204, or 404 for a rule not of the account.
func (a *API) DeleteFault(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := a.store.DeleteFaultRule(c.Request().Context(), account(c), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type journalBody struct {
	Rid          string            `json:"rid"`
	At           string            `json:"at"`
	AccountTime  string            `json:"account_time"` // at on the account's sandbox clock
	Method       string            `json:"method"`
	Endpoint     string            `json:"endpoint"`
	ClientIP     string            `json:"client_ip"`
	CostMS       int64             `json:"cost_ms"`
	Status       int               `json:"status"`
	ErrCode      int               `json:"errcode"`
	RequestURL   string            `json:"request_url"`
	RequestBody  string            `json:"request_body"`
	ResponseBody string            `json:"response_body"`
	Reason       string            `json:"reason"`
	ReasonArgs   map[string]string `json:"reason_args"`
	ReasonText   string            `json:"reason_text"` // the reason in words, in English
	FaultRule    int64             `json:"fault_rule"`  // the rule that answered the call, 0 for none
}

// Journal is GET /journal?rid=&endpoint=&errcode=: the account's API calls that match,
// newest first, masked as the page shows them. Entries still waiting in memory are written
// first, so a call made just before is found.
func (a *API) Journal(c echo.Context) error {
	q := store.JournalQuery{Rid: c.QueryParam("rid"), Endpoint: c.QueryParam("endpoint")}
	if v := c.QueryParam("errcode"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return failFields(c, http.StatusUnprocessableEntity, map[string]string{"errcode": "errcode_invalid"})
		}
		q.ErrCode = &n
	}
	a.store.FlushJournal()
	es, err := a.store.SearchJournal(c.Request().Context(), account(c), q)
	if err != nil {
		return err
	}
	en := views.WithLanguage(c.Request().Context(), "en")
	out := []journalBody{}
	for _, e := range es {
		b := journalBody{Rid: e.Rid, At: e.At.UTC().Format(time.RFC3339Nano), AccountTime: e.AccountTime().UTC().Format(time.RFC3339Nano), Method: e.Method, Endpoint: e.Endpoint, ClientIP: e.ClientIP,
			CostMS: e.CostMS, Status: e.Status, ErrCode: e.ErrCode, RequestURL: e.RequestURL, RequestBody: e.RequestBody,
			ResponseBody: e.ResponseBody, Reason: e.Reason, ReasonArgs: e.ReasonArgs, FaultRule: e.FaultRule}
		if e.Reason != "" {
			b.ReasonText = views.ReasonText(en, e)
		}
		out = append(out, b)
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": out})
}

// Snapshot is POST /snapshots: the account's sandbox state copied → 201 {id}.
func (a *API) Snapshot(c echo.Context) error {
	s, err := a.store.CreateSnapshot(c.Request().Context(), account(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, map[string]any{"id": s.ID, "created_at": s.CreatedAt.UTC().Format(time.RFC3339)})
}

// Restore is POST /snapshots/{id}/restore: the state put back in one transaction; 404 for
// a snapshot not of the account, 422 snapshot_people_in_use when a person to delete has
// acted in the console since.
func (a *API) Restore(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := a.store.RestoreSnapshot(c.Request().Context(), account(c), id); err != nil {
		return a.answer(c, err, nil)
	}
	return c.JSON(http.StatusOK, map[string]any{"id": id, "restored": true})
}
