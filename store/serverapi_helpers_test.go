package store

import (
	"testing"
)

// apiEnv is a finished account whose administrator and one experience member (user) have
// opened the mini program, and a stranger who never did, for the server-API tests.
type apiEnv struct {
	*fixture
	admin, user, stranger Person
	acct                  Account
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	return newAPIEnvIn(newFixture(t), "")
}

// newAPIEnvIn builds the account in f's store, its names ending in tag, so several accounts
// (or the cases of a table) share one database.
func newAPIEnvIn(f *fixture, tag string) *apiEnv {
	f.t.Helper()
	e := &apiEnv{fixture: f}
	e.admin = e.person("api_admin" + tag)
	e.acct = e.account("api"+tag+"@example.com", e.admin, "personal")
	e.user = e.person("api_user" + tag)
	_, err := e.st.AddExperienceMember(e.ctx, e.acct.ID, e.admin.ID, e.user.WechatID)
	must(f.t, err)
	e.stranger = e.person("api_stranger" + tag)
	e.open(e.admin)
	e.open(e.user)
	return e
}

// open has p open the mini program (the first version p may open).
func (e *apiEnv) open(p Person) {
	e.t.Helper()
	_, err := e.st.OpenApp(e.ctx, p.ID, e.acct.AppID, "")
	must(e.t, err)
}

// openid is p's openid in this mini program.
func (e *apiEnv) openid(p Person) string {
	e.t.Helper()
	id, err := e.st.OpenID(e.ctx, e.acct.AppID, p.ID)
	must(e.t, err)
	return id
}

// apiCalls is how many API calls the account has been counted today.
func (e *apiEnv) apiCalls() int {
	e.t.Helper()
	return e.count(`SELECT COALESCE((SELECT api_calls FROM daily_counts WHERE account_id = ? AND day = ?), 0)`,
		e.acct.ID, PlatformDay(e.st.Now()))
}
