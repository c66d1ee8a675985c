package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// searchFields are the journal search's query parameters.
var searchFields = []string{"rid", "endpoint", "errcode", "from", "to"}

// faultFields are the new fault rule's form fields.
var faultFields = []string{"endpoint", "kind", "errcode", "count", "probability", "latency_ms"}

// SandboxPage is /dev/sandbox (SPEC §18): the quota panel, the fault rules and the request
// journal searched by the query's rid, endpoint, errcode and time (China time, as the
// page shows it). With htmx a search swaps the journal alone (hx-select).
func (s *Server) SandboxPage(c echo.Context) error {
	return s.sandboxPage(c, http.StatusOK, views.Form{})
}

func (s *Server) sandboxPage(c echo.Context, status int, f views.Form) error {
	ctx := c.Request().Context()
	id := access(c).Account.ID
	quota, err := s.store.QuotaPanelOf(ctx, id, s.tokenQuota())
	if err != nil {
		return err
	}
	faults, err := s.store.FaultRules(ctx, id)
	if err != nil {
		return err
	}
	search := views.Form{Values: map[string]string{}}
	for _, k := range searchFields {
		search.Values[k] = strings.TrimSpace(c.QueryParam(k))
	}
	journal, err := s.store.SearchJournal(ctx, id, journalQuery(search))
	if err != nil {
		return err
	}
	extras, err := s.sandboxExtras(c, f)
	if err != nil {
		return err
	}
	v := views.SandboxView{Quota: quota, Faults: faults, Form: f, Search: search, Journal: journal, Extras: extras}
	if v.Tokens, err = s.sandboxTokensView(c); err != nil {
		return err
	}
	return page(c, status, title(c, "sandbox.title"), views.SandboxPage(v))
}

// tokenQuota is the daily limit of /cgi-bin/token the API applies.
func (s *Server) tokenQuota() int {
	if s.opts.TokenDailyQuota > 0 {
		return s.opts.TokenDailyQuota
	}
	return DefaultTokenDailyQuota
}

// searchTime is a datetime-local value read as China time; zero when empty or unreadable.
func searchTime(v string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", v, store.CalendarZone)
	if err != nil {
		return time.Time{}
	}
	return t
}

// journalQuery reads the search form; an errcode that is not a number does not narrow.
func journalQuery(f views.Form) store.JournalQuery {
	q := store.JournalQuery{Rid: f.V("rid"), Endpoint: f.V("endpoint"), From: searchTime(f.V("from")), To: searchTime(f.V("to"))}
	if n, err := strconv.Atoi(f.V("errcode")); err == nil {
		q.ErrCode = &n
	}
	return q
}

// SandboxFaultAdd adds a fault rule from the form.
func (s *Server) SandboxFaultAdd(c echo.Context) error {
	f := formOf(c, faultFields...)
	_, err := s.store.AddFaultRule(c.Request().Context(), access(c).Account.ID, store.FaultForm{Endpoint: f.V("endpoint"), Kind: f.V("kind"),
		ErrCode: f.V("errcode"), Count: f.V("count"), Probability: f.V("probability"), LatencyMS: f.V("latency_ms")})
	if ve := (*store.ValidationError)(nil); errors.As(err, &ve) {
		f.Errors = ve.Fields
		return s.sandboxPage(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.flash(c, consoleSession, "sandbox.fault_added")
	return seeOther(c, views.PathSandbox)
}

// SandboxFaultDelete removes a fault rule of the account.
func (s *Server) SandboxFaultDelete(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteFaultRule(c.Request().Context(), access(c).Account.ID, id); err != nil {
		return err
	}
	s.flash(c, consoleSession, "sandbox.fault_deleted")
	return seeOther(c, views.PathSandbox)
}
