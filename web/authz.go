package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"mpconsole/store"
	"mpconsole/views"
)

const langCookie = "lang"

// csrf guards every state-changing request of the HTML surfaces: the token travels in the
// form field _csrf or, for htmx, the X-CSRF-Token header. A missing token is a 403 like a
// wrong one (SPEC §13). Browsers that send Sec-Fetch-Site are judged by it (Echo's
// middleware); for the others, an Origin that is not this host is refused before the token
// is looked at. secure makes the token cookie Secure.
func csrf(secure bool) echo.MiddlewareFunc {
	guard := middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:X-CSRF-Token,form:_csrf",
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden, "invalid csrf token")
		},
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		guarded := guard(next)
		return func(c echo.Context) error {
			r := c.Request()
			if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get(echo.HeaderSecFetchSite) == "" {
				if o := r.Header.Get(echo.HeaderOrigin); o != "" {
					if u, err := url.Parse(o); err != nil || !strings.EqualFold(u.Host, r.Host) {
						return echo.NewHTTPError(http.StatusForbidden, "cross-origin request")
					}
				}
			}
			return guarded(c)
		}
	}
}

const csrfCookie = "_csrf"

// renewCSRF gives the browser a new CSRF token (at sign-in and sign-out), so a token seen
// before cannot be used after.
func (s *Server) renewCSRF(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: store.NewToken()[:32], Path: "/", MaxAge: 86400,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
}

// htmlGuard is the CSRF check with a cookie as Secure as the request.
func (s *Server) htmlGuard(next echo.HandlerFunc) echo.HandlerFunc {
	plain, secure := s.csrfPlain(next), s.csrfSecure(next)
	return func(c echo.Context) error {
		if s.secure(c) {
			return secure(c)
		}
		return plain(c)
	}
}

// chrome prepares what every page needs: the language, the CSRF token, the flash message
// of the surface's session and who is signed in to the simulator.
func (s *Server) chrome(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		lang := s.language(c)
		token, _ := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string)
		ch := &views.Chrome{CSRF: token, Path: r.URL.Path, Mailbox: s.opts.SMTP == "", Pages: s.pages}
		sessName := consoleSession
		if isWxPath(r.URL.Path) {
			sessName = wxSession
		}
		ch.Flash = s.takeFlash(c, sessName)
		if id := int64Value(s.session(c, wxSession), keyWxPerson); id != 0 && isWxPath(r.URL.Path) {
			if p, err := s.store.PersonByID(r.Context(), id); err == nil {
				ch.WxPerson = &p
			}
		}

		ctx := views.WithChrome(views.WithLanguage(r.Context(), lang), ch)
		c.SetRequest(r.WithContext(ctx))
		return next(c)
	}
}

// language is the page language: ?lang= (remembered in a cookie), the cookie, then
// Accept-Language (SPEC §13).
func (s *Server) language(c echo.Context) string {
	r := c.Request()
	q := r.URL.Query().Get("lang")
	var cookie string
	if ck, err := r.Cookie(langCookie); err == nil {
		cookie = ck.Value
	}
	lang, _ := views.MatchLanguage(q, cookie, r.Header.Get("Accept-Language"))
	if picked, ok := views.MatchLanguage(q); ok {
		lang = picked
		c.SetCookie(&http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
	}
	return lang
}

// isWxPath tells the pages that belong to the simulator's session: /wx and /ops.
func isWxPath(p string) bool { return surfaceOf(p) != surfaceConsole }

func chromeOf(c echo.Context) *views.Chrome {
	return views.ChromeOf(c.Request().Context())
}

// consoleAccess reads who is signed in to the console from the database: the session row
// names an account and a person (a password change or a removal deletes it), and the roles
// are read fresh on every request.
func (s *Server) consoleAccess(c echo.Context) (*store.Access, error) {
	sess := s.session(c, consoleSession)
	accountID, personID := int64Value(sess, keyAccount), int64Value(sess, keyPerson)
	if accountID == 0 || personID == 0 {
		return nil, nil
	}
	acc, err := s.store.AccessOf(c.Request().Context(), accountID, personID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err != nil || len(acc.Roles) == 0 {
		return nil, s.end(c, consoleSession)
	}
	return &acc, nil
}

// member guards a console route with one row of the permission matrix.
func (s *Server) member(a store.Action) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			acc, err := s.consoleAccess(c)
			if err != nil {
				return err
			}
			if acc == nil {
				if err := s.sayWhySignedOut(c); err != nil {
					return err
				}
				return seeOther(c, views.PathLogin)
			}
			chromeOf(c).Access = acc
			icons, err := s.store.IconETags(c.Request().Context(), acc.Account.AppID)
			if err != nil {
				return err
			}
			chromeOf(c).AccountIcon = icons[acc.Account.AppID]
			if !acc.Roles.Can(a) {
				return forbidden(c, a)
			}
			return next(c)
		}
	}
}

// sayWhySignedOut leaves the sign-in page a message when someone else ended this browser's
// console session (a password change, a removal, a transfer, a sign-out from the sessions
// page): the browser lands there knowing why.
func (s *Server) sayWhySignedOut(c echo.Context) error {
	sess := s.session(c, consoleSession)
	reason := stringValue(sess, keyEnded)
	if reason == "" {
		return nil
	}
	delete(sess.Values, keyEnded)
	s.flash(c, consoleSession, "login.signed_out_"+reason)
	return nil
}

// access is the signed-in member of a route guarded by member.
func access(c echo.Context) *store.Access {
	return chromeOf(c).Access
}

// wxPerson guards simulator routes: not signed in goes to the simulator's sign-in and
// comes back afterwards.
func (s *Server) wxPerson(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if chromeOf(c).WxPerson == nil {
			back := c.Request().URL.RequestURI() // keeps ?env= of a scanned trial code
			if c.Request().Method != http.MethodGet {
				back = views.PathWx
			}
			return seeOther(c, views.PathWxLoginNext(back))
		}
		return next(c)
	}
}

// operator guards /ops: a simulator session of a platform reviewer, checked in the
// database on every request.
func (s *Server) operator(next echo.HandlerFunc) echo.HandlerFunc {
	return s.wxPerson(func(c echo.Context) error {
		if !chromeOf(c).WxPerson.IsOperator {
			ctx := c.Request().Context()
			return page(c, http.StatusForbidden, views.StatusText(ctx, http.StatusForbidden), views.ErrorPage(http.StatusForbidden, "not_operator"))
		}
		return next(c)
	})
}

func wxPersonOf(c echo.Context) store.Person { return *chromeOf(c).WxPerson }
