package wxapi

import "github.com/labstack/echo/v4"

// accountKey is where RequireToken leaves the caller's account for the handler.
const accountKey = "wxapi.account"

// RequireToken is the access-token check in front of every call of the server API that
// takes one (SPEC §17, and the analysis and sandbox calls): access_token from the query
// string; absent 41001, unknown or replaced more than 5 minutes ago 40001, expired 42001,
// each with the real errmsg. Tokens of /cgi-bin/token and /cgi-bin/stable_token both pass.
// Register it as route middleware (g.POST(path, h, a.RequireToken)); the handler reads the
// account with AccountID.
func (a *API) RequireToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.QueryParam("access_token")
		if token == "" {
			return a.fail(c, apiTokenMissing, callIP(c))
		}
		id, err := a.store.CheckAccessToken(c.Request().Context(), token)
		if err != nil {
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
