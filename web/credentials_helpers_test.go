package web

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"mpconsole/store"
)

// restart replaces the test server with one built with opts, on the same store.
func (e *env) restart(opts Options) {
	e.t.Helper()
	e.http.Close()
	e.http = httptest.NewUnstartedServer(nil)
	e.http.Start()
	if opts.BaseURL == "" {
		opts.BaseURL = e.http.URL
	}
	e.srv = New(e.st, testMasterKey, opts)
	e.http.Config.Handler = e.srv
	e.t.Cleanup(e.http.Close)
}

// dbPath finds the database file newEnv made in the test's first temp dir (the store does
// not expose its path).
func (e *env) dbPath() string {
	e.t.Helper()
	m, _ := filepath.Glob(filepath.Join(filepath.Dir(e.t.TempDir()), "*", "test.db"))
	if len(m) != 1 {
		e.t.Fatalf("test database not found: %q", m)
	}
	return m[0]
}

// exec runs SQL on the test database through a second connection, for the few facts no
// store method sets (another subject's credit code).
func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.dbPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		e.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		e.t.Fatalf("exec %q: %v", query, err)
	}
}

// member adds p to a's member list of kind (project or experience) through the store, as
// the administrator would: a project member with roles, invited or (having accepted) active.
func (e *env) member(a store.Account, p store.Person, kind, roles, status string) {
	e.t.Helper()
	ctx := context.Background()
	if kind == store.KindExperience {
		if _, err := e.st.AddExperienceMember(ctx, a.ID, a.AdminPersonID, p.WechatID); err != nil {
			e.t.Fatal(err)
		}
		return
	}
	m, err := e.st.AddProjectMember(ctx, a.ID, a.AdminPersonID, p.WechatID, strings.Fields(roles))
	if err != nil {
		e.t.Fatal(err)
	}
	if status == "active" {
		if err := e.st.DecideInvitation(ctx, p.ID, m.ID, true); err != nil {
			e.t.Fatal(err)
		}
	}
}

// appSecret gives a an AppSecret the way the console does (a reset_secret scan confirmed by
// admin) and returns it.
func (e *env) appSecret(a store.Account, admin store.Person) string {
	e.t.Helper()
	ctx := context.Background()
	token, err := e.st.StartSecretReset(ctx, a.ID, store.Requester{})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.st.DecideScan(ctx, token, admin.ID, true); err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.CompleteSecretReset(ctx, token, a.ID); err != nil {
		e.t.Fatal(err)
	}
	secret, err := e.st.TakeOneTime(ctx, store.OneTimeAppSecret, token, a.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

var tokenInPath = regexp.MustCompile(`^/dev/settings/secret/wait/([0-9a-f]{64})$`)

// consoleSecret walks the console flow for c (signed in as admin): POST, the waiting page,
// the administrator's scan on the phone, the redirect and the one-time page. htmx posts
// the form and polls as htmx would.
func (e *env) consoleSecret(c *client, admin store.Person, htmx bool) (secret, showPath string) {
	e.t.Helper()
	r := c.post("/dev/settings/secret", nil, htmx)
	wantDone(e.t, r, htmx)
	wait := r.location()
	m := tokenInPath.FindStringSubmatch(wait)
	if m == nil {
		e.t.Fatalf("POST /dev/settings/secret went to %q, want the waiting page", wait)
	}
	w := c.get(wait)
	wantStatus(e.t, w, http.StatusOK)
	link := w.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", "")
	if !strings.HasSuffix(link, "/wx/scan/"+m[1]) || w.doc.Find(`img[data-testid="scan-qr"]`).Length() != 1 {
		e.t.Fatalf("waiting page scan link %q, want one to /wx/scan/%s beside a QR image", link, m[1])
	}
	if st := w.doc.Find(`[data-testid="scan-state"]`).AttrOr("data-state", ""); st != "pending" {
		e.t.Fatalf("scan state %q, want pending", st)
	}
	wantStatus(e.t, e.wx(admin).post("/wx/scan/"+m[1], map[string][]string{"decision": {"confirm"}}, false), http.StatusSeeOther)
	r = c.do("GET", wait, nil, "", htmx)
	wantDone(e.t, r, htmx)
	showPath = r.location()
	if showPath != "/dev/settings/secret/"+m[1] {
		e.t.Fatalf("confirmed waiting page went to %q", showPath)
	}
	show := c.get(showPath)
	wantStatus(e.t, show, http.StatusOK)
	return show.testid("app-secret"), showPath
}

// wantDone checks a 303 (or, for htmx, the 204 with HX-Redirect).
func wantDone(t *testing.T, r resp, htmx bool) {
	t.Helper()
	if htmx {
		wantStatus(t, r, http.StatusNoContent)
		if r.header.Get("HX-Redirect") == "" {
			t.Fatal("htmx answer without HX-Redirect")
		}
		return
	}
	wantStatus(t, r, http.StatusSeeOther)
}

// oplogActions lists the account's operation log actions, newest first.
func (e *env) oplogActions(a store.Account) []string {
	e.t.Helper()
	entries, err := e.st.OpLog(context.Background(), a.ID, 50, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, l := range entries {
		out = append(out, l.Action)
	}
	return out
}
