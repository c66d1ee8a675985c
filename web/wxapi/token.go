package wxapi

import (
	"github.com/labstack/echo/v4"

	"mpconsole/store"
)

// accountKey is where RequireToken leaves the caller's account for the handler.
const accountKey = "wxapi.account"

// RequireToken is the access-token check in front of every call of the server API that
// takes one (SPEC §17, and the analysis and sandbox calls): access_token from the query
// string; absent 41001, unknown or replaced more than 5 minutes ago 40001, expired 42001,
// each with the real errmsg. Tokens of /cgi-bin/token and /cgi-bin/stable_token both pass.
// Register it as route middleware (g.POST(path, h, a.RequireToken)); the handler reads the
// account with AccountID. A refused token that still names its account (replaced or
// expired) is counted under the route's path.
func (a *API) RequireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.QueryParam("access_token")
		if token == "" {
			return a.fail(c, apiTokenMissing, callIP(c))
		}
		id, err := a.store.CheckAccessToken(c.Request().Context(), token)
		if err != nil {
			if id != 0 {
				a.count(c, id, err)
				c.Set(accountKey, id)
			}
			return a.failWith(c, err, callIP(c))
		}
		c.Set(accountKey, id)
		return next(c)
	}
}

// AccountID is the account whose access token RequireToken accepted for this request.
func AccountID(c echo.Context) int64 {
	id, _ := c.Get(accountKey).(int64)
	return id
}

// count records, for /stats, a call of accountID that no store call counted (the store's
// server-API calls count themselves): under the route's path, which is the endpoint's,
// with err's outcome. A failure to count is logged and leaves the answer as it is.
func (a *API) count(c echo.Context, accountID int64, err error) {
	if cerr := a.store.CountAPICall(c.Request().Context(), accountID, c.Path(), err); cerr != nil {
		a.log.Error("count api call", "id", c.Response().Header().Get(echo.HeaderXRequestID), "route", c.Path(), "err", cerr)
	}
}

// refuse answers, and counts, a call behind an access token that the web layer refuses
// itself (a body it cannot read, addtemplate without a tid, msg_sec_check's version): code
// with msg, the endpoint's own wording, or the table's when msg is "".
func (a *API) refuse(c echo.Context, code int, msg string) error {
	a.count(c, AccountID(c), store.APIError(code))
	if msg == "" {
		msg = apiErrmsg(code, callIP(c))
	}
	return a.failText(c, code, msg)
}
