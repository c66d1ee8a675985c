package web

import (
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
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
	keyEpoch        = "epoch"         // the account's session epoch at sign-in
	keyRegistration = "registration"  // an unfinished registration this browser may continue
	keyLoginAccount = "login_account" // account whose login scan is pending (0: scan login)
	keyLoginScan    = "login_scan"    // token of the pending login scan
	keyPickPerson   = "pick_person"   // scan login confirmed by this person, picking an account
	keyPickUntil    = "pick_until"    // unix time until which that pick may be made
	keyAdminScan    = "admin_scan"    // token of the pending bind_admin scan
	keyFlash        = "flash"
)

// Simulator session keys.
const keyWxPerson = "wx_person"

func (s *Server) session(c echo.Context, name string) *sessions.Session {
	sess, err := s.sessions.Get(c.Request(), name)
	if err != nil {
		// A cookie signed with an old key, or tampered with: start a fresh session.
		sess, _ = s.sessions.New(c.Request(), name)
	}
	return sess
}

func (s *Server) save(c echo.Context, sess *sessions.Session) error {
	sess.Options.Secure = c.IsTLS()
	return sess.Save(c.Request(), c.Response())
}

func int64Value(sess *sessions.Session, key string) int64 {
	v, _ := sess.Values[key].(int64)
	return v
}

func stringValue(sess *sessions.Session, key string) string {
	v, _ := sess.Values[key].(string)
	return v
}

// flash leaves a message (a catalog id) for the next page of the console session.
func (s *Server) flash(c echo.Context, sessName, msg string) {
	sess := s.session(c, sessName)
	sess.Values[keyFlash] = msg
	s.save(c, sess)
}
