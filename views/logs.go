package views

import (
	"context"
	"net/url"
	"strconv"

	"mpconsole/store"
)

// The operation log (SPEC §16) and its CSV, which take the same filters.
const (
	PathLogs    = "/logs"
	PathLogsCSV = "/logs.csv"
)

// LogsView is one page of /logs: the filters as typed (with their errors), the rows, and
// the row the page starts after (0 for the newest).
type LogsView struct {
	Form   Form
	Page   store.LogPage
	Before int64
}

// LogFilterFields are the filters of /logs and /logs.csv, as named in the query string.
var LogFilterFields = []string{"actor", "action", "from", "to"}

// LogsQuery is the filters of f (those typed) as a query string, plus before when not 0:
// the next page and the CSV keep the filters of the page they are linked from.
func LogsQuery(base string, f Form, before int64) string {
	q := url.Values{}
	for _, name := range LogFilterFields {
		if v := f.V(name); v != "" {
			q.Set(name, v)
		}
	}
	if before != 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}

// LogActor names who acted, in the page's language: the WeChat ID of a person, "robot N",
// the registration's email login, a sandbox token by its name, or the platform (ops
// decisions, automatic steps).
func LogActor(ctx context.Context, e store.LogEntry) string {
	switch a := e.Actor(); {
	case e.Robot != 0:
		return T(ctx, "oplog.actor.robot", map[string]any{"N": e.Robot})
	case e.Token != "":
		return T(ctx, "oplog.actor.token", map[string]any{"Name": e.Token})
	case e.PersonID != 0:
		return a
	default:
		return T(ctx, "oplog.actor."+a)
	}
}

// LogAction is an action's text in the page's language.
func LogAction(ctx context.Context, code string) string { return T(ctx, "oplog.action."+code) }
