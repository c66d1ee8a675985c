package web

import (
	"errors"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"mpconsole/store"
	"mpconsole/views"
)

// Two cookies, so one browser can be signed in to the console and to the simulated
// WeChat as different people (SPEC §3).
const (
	consoleSession = "mpconsole"
	wxSession      = "mpwx"
)

// Console session keys.
const (
	keyAccount      = "account_id"    // signed-in account
	keyPerson       = "person_id"     // who signed in to it
	keyRegistration = "registration"  // an unfinished registration this browser may continue
	keyLoginAccount = "login_account" // account whose login scan is pending (0: scan login)
	keyLoginScan    = "login_scan"    // token of the pending login scan
	keyPickPerson   = "pick_person"   // scan login confirmed by this person, picking an account
	keyPickUntil    = "pick_until"    // unix time until which that pick may be made
	keyAdminScan    = "admin_scan"    // token of the pending bind_admin scan
	// keyEnded says why someone else ended the session the cookie named (a store.SessionEnd
	// reason). It lives only in the request's fresh session and is never saved.
	keyEnded = "ended"
)

// Simulator session keys.
const keyWxPerson = "wx_person"

// dbSessions is the gorilla/sessions Store of both surfaces, kept in the database: the
// cookie holds only a random id, signed with a key derived from the master key; the row
// holds the values. Deleting the row ends the session whatever cookie a browser keeps.
type dbSessions struct {
	st     *store.Store
	codec  securecookie.Codec
	limits store.SessionLimits
	ip     echo.IPExtractor
}

// Get returns the request's session of name (one object per request and name).
func (d *dbSessions) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(d, name)
}

// New loads the session the cookie names; a missing, forged, expired or ended one gives a
// fresh, empty session.
func (d *dbSessions) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(d, name)
	sess.Options = &sessions.Options{Path: "/", MaxAge: int(d.limits.Max.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode}
	sess.IsNew = true
	ck, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if d.codec.Decode(name, ck.Value, &id) != nil {
		return sess, nil
	}
	row, err := d.st.LoadSession(r.Context(), id, d.limits, r.UserAgent(), d.ip(r))
	var ended store.SessionEnded
	if errors.As(err, &ended) {
		sess.Values[keyEnded] = ended.Reason
		return sess, nil
	} else if errors.Is(err, store.ErrNotFound) {
		return sess, nil
	} else if err != nil {
		return sess, err
	}
	values, err := decodeSessionValues(row.Data)
	if err != nil {
		return sess, nil
	}
	sess.Values, sess.ID, sess.IsNew = values, id, false
	return sess, nil
}

// Save writes the session's row and its cookie; MaxAge < 0 deletes both. A session ended
// elsewhere meanwhile (logout in another tab, a password change) stays ended.
func (d *dbSessions) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := d.st.DeleteSession(ctx, sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	delete(sess.Values, keyEnded)
	data, err := encodeSessionValues(sess.Values)
	if err != nil {
		return err
	}
	row := store.Session{Surface: store.SurfaceConsole, AccountID: int64Value(sess, keyAccount), PersonID: int64Value(sess, keyPerson),
		Data: data, UserAgent: r.UserAgent(), IP: d.ip(r)}
	if sess.Name() == wxSession {
		row.Surface, row.AccountID, row.PersonID = store.SurfaceWx, 0, int64Value(sess, keyWxPerson)
	}
	if sess.IsNew || sess.ID == "" {
		sess.ID = store.NewToken()
		if err := d.st.CreateSession(ctx, sess.ID, row, d.limits); err != nil {
			return err
		}
		sess.IsNew = false
	} else if found, err := d.st.UpdateSession(ctx, sess.ID, row); err != nil || !found {
		return err
	}
	encoded, err := d.codec.Encode(sess.Name(), sess.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
	return nil
}

func (s *Server) session(c echo.Context, name string) *sessions.Session {
	sess, err := s.sessions.Get(c.Request(), name)
	if err != nil {
		s.log.Error("load session", "err", err)
	}
	return sess
}

func (s *Server) save(c echo.Context, sess *sessions.Session) error {
	sess.Options.Secure = s.secure(c)
	return sess.Save(c.Request(), c.Response())
}

// renew replaces the session of name with a new, empty one under a new id (at sign-in, so
// an id planted before cannot be carried over), and gives the browser a new CSRF token.
func (s *Server) renew(c echo.Context, name string) (*sessions.Session, error) {
	sess := s.session(c, name)
	if !sess.IsNew {
		if err := s.store.DeleteSession(c.Request().Context(), sess.ID); err != nil {
			return nil, err
		}
	}
	sess.ID, sess.IsNew = "", true
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	s.renewCSRF(c)
	return sess, nil
}

// end deletes the session of name (logout) and renews the CSRF token.
func (s *Server) end(c echo.Context, name string) error {
	sess := s.session(c, name)
	for k := range sess.Values {
		delete(sess.Values, k)
	}
	sess.Options.MaxAge = -1
	err := s.save(c, sess)
	sess.Options.MaxAge = int(s.opts.SessionMax.Seconds())
	sess.ID, sess.IsNew = "", true
	s.renewCSRF(c)
	return err
}

func int64Value(sess *sessions.Session, key string) int64 {
	v, _ := sess.Values[key].(int64)
	return v
}

func stringValue(sess *sessions.Session, key string) string {
	v, _ := sess.Values[key].(string)
	return v
}

// flash leaves a message (a catalog id) for the next page of the surface in a short-lived
// cookie of its own. It used to live in the session row: every form post then wrote the
// session after its own change, and the page after the redirect wrote it again to take the
// message out — three write transactions for one save (issue 9); now there is one.
func (s *Server) flash(c echo.Context, sessName, msg string) {
	c.SetCookie(s.flashCookie(c, sessName, msg, 60))
}

// takeFlash is the message a redirect left for this page, if any, and forgets it. The
// cookie is the browser's to change, so only an id the catalog knows is shown: at worst a
// browser shows itself one of the product's own messages.
func (s *Server) takeFlash(c echo.Context, sessName string) string {
	ck, err := c.Cookie(sessName + flashSuffix)
	if err != nil || ck.Value == "" {
		return ""
	}
	c.SetCookie(s.flashCookie(c, sessName, "", -1))
	if !views.Known(ck.Value) {
		return ""
	}
	return ck.Value
}

// flashSuffix names a surface's flash cookie after its session cookie.
const flashSuffix = "_flash"

func (s *Server) flashCookie(c echo.Context, sessName, msg string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessName + flashSuffix, Value: msg, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure(c)}
}
