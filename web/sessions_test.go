package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// cookies is a copy of what the browser holds now, as an attacker who copied it would.
func (c *client) cookies() []*http.Cookie {
	u, _ := url.Parse(c.e.http.URL)
	return c.jar.Cookies(u)
}

// replay is a new browser holding the given cookies.
func (e *env) replay(cks []*http.Cookie) *client {
	c := e.client()
	u, _ := url.Parse(e.http.URL)
	c.jar.SetCookies(u, cks)
	return c
}

func cookieValue(cks []*http.Cookie, name string) string {
	for _, ck := range cks {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// A copy of the console cookie taken before logout opens nothing after it, and the same
// for the simulator's cookie after /wx/logout: logout deletes the session on the server.
// The CSRF token changes at login and at logout.
func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newEnv(t)
		admin := e.person("admin_one", "张三")
		a := e.account("owner@example.com", admin, "personal")
		c := e.console(a, admin)
		wantStatus(t, c.get("/home"), http.StatusOK)
		before := c.cookies()
		csrfBefore := c.csrf()
		r := c.post("/logout", nil, htmx)
		if r.location() != "/login" {
			t.Fatalf("logout → %d %q", r.status, r.location())
		}
		if got := cookieValue(c.cookies(), "_csrf"); got == "" || got == csrfBefore {
			t.Fatalf("the CSRF token was not renewed at logout: %q", got)
		}
		r = e.replay(before).get("/home")
		if r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Fatalf("the copied console cookie after logout: %d → %q, want 303 → /login", r.status, r.location())
		}

		w := e.wx(admin)
		wantStatus(t, w.get("/wx"), http.StatusOK)
		wxBefore := w.cookies()
		if r := w.post("/wx/logout", nil, htmx); r.location() != "/wx/login" {
			t.Fatalf("wx logout → %d %q", r.status, r.location())
		}
		r = e.replay(wxBefore).get("/wx")
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/wx/login") {
			t.Fatalf("the copied simulator cookie after logout: %d → %q", r.status, r.location())
		}
	})
}

// Signing in gives a new session id and a new CSRF token: a session or token planted
// before the login is not the one that carries it.
func TestLoginRenewsSessionAndCSRF(t *testing.T) {
	e := newEnv(t)
	p := e.person("alice_01", "")
	c := e.client()
	c.get("/wx/login")
	planted := c.cookies()
	csrfBefore := c.csrf()
	r := c.post("/wx/login", url.Values{"wechat_id": {"alice_01"}, "password": {"Wx-pass-123"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	if got := cookieValue(c.cookies(), "_csrf"); got == csrfBefore {
		t.Fatal("the CSRF token was not renewed at login")
	}
	if cookieValue(c.cookies(), wxSession) == cookieValue(planted, wxSession) {
		t.Fatal("the session cookie did not change at login")
	}
	if r := c.get("/wx"); r.status != http.StatusOK || r.doc.Find(`[data-wechat-id="`+p.WechatID+`"]`).Length() != 1 {
		t.Fatalf("after login /wx: %d", r.status)
	}
}

// A session ends 12 hours after its last request and 7 days after sign-in, on the
// server's clock, whatever cookie the browser keeps.
func TestSessionTimeoutsOnTheClock(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	e.clock.Advance(12*time.Hour - time.Minute)
	wantStatus(t, c.get("/home"), http.StatusOK)
	e.clock.Advance(12 * time.Hour)
	if r := c.get("/home"); r.location() != "/login" {
		t.Fatalf("12 h idle: %d → %q, want → /login", r.status, r.location())
	}

	c = e.console(a, admin)
	for i := 0; i < 14; i++ { // a request every 12 h − 1 min keeps it alive until day 7
		e.clock.Advance(12*time.Hour - time.Minute)
		wantStatus(t, c.get("/home"), http.StatusOK)
	}
	e.clock.Advance(12*time.Hour - time.Minute)
	if r := c.get("/home"); r.location() != "/login" {
		t.Fatalf("7 days after sign-in: %d → %q, want → /login", r.status, r.location())
	}
}

// Changing the account password ends every other console session of the account (the
// administrator's other browser and the members'), and removing a project member ends
// theirs at once; the browser that changed the password stays signed in.
func TestPasswordChangeAndRemovalEndSessions(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	dev := e.person("dev_0001", "")
	a := e.account("owner@example.com", admin, "personal")
	e.member(a, dev, "project", "developer", "active")
	here, other, devC := e.console(a, admin), e.console(a, admin), e.console(a, dev)
	r := here.post("/settings/password", url.Values{"current_password": {"Passw0rd!"}, "password": {"N3w-passw0rd"}, "password_confirm": {"N3w-passw0rd"}}, false)
	wantStatus(t, r, http.StatusSeeOther)
	wantStatus(t, here.get("/home"), http.StatusOK)
	for name, c := range map[string]*client{"the other browser": other, "the developer": devC} {
		if r := c.get("/home"); r.location() != "/login" {
			t.Errorf("%s after the password change: %d → %q", name, r.status, r.location())
		}
	}

	devC = e.console(a, dev)
	wantStatus(t, devC.get("/home"), http.StatusOK)
	kept := devC.cookies()
	lists, err := e.st.Members(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	r = here.post("/members/project/"+itoa(int(lists.Project[0].ID))+"/delete", nil, false)
	wantStatus(t, r, http.StatusSeeOther)
	if n := e.countSessions(a.ID, dev.ID); n != 0 {
		t.Fatalf("%d session rows of the removed member, want 0", n)
	}
	if r := e.replay(kept).get("/home"); r.location() != "/login" {
		t.Fatalf("the removed member: %d → %q", r.status, r.location())
	}
}

func (e *env) countSessions(accountID, personID int64) int {
	e.t.Helper()
	list, err := e.st.MemberSessions(e.t.Context(), accountID, personID, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return len(list)
}

// /settings/sessions lists the person's own signed-in browsers (browser and OS, address,
// this browser), signs out one, and all but this one; another person's row is 404.
func TestSessionsPage(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newEnv(t)
		admin := e.person("admin_one", "张三")
		dev := e.person("dev_0001", "")
		a := e.account("owner@example.com", admin, "personal")
		e.member(a, dev, "project", "developer", "active")
		phone := e.console(a, admin)
		phone.get("/home")
		e.console(a, admin).get("/home")
		devC := e.console(a, dev)
		here := e.console(a, admin)
		e.clock.Advance(time.Minute) // last seen (with the address) is written at most once a minute
		r := here.do("GET", "/settings/sessions", nil, "", false)
		wantStatus(t, r, http.StatusOK)
		rows := r.doc.Find(`tr[data-testid="session-row"]`)
		if rows.Length() != 3 || r.doc.Find(`tr[data-current="true"] [data-testid="this-browser"]`).Length() != 1 {
			t.Fatalf("%d rows (want the administrator's 3), this browser marked %d times", rows.Length(), r.doc.Find(`tr[data-current="true"]`).Length())
		}
		if ip := r.doc.Find(`tr[data-current="true"] td.mono`).Text(); ip != "127.0.0.1" {
			t.Fatalf("address %q, want 127.0.0.1", ip)
		}
		devRows := devC.get("/settings/sessions").doc.Find(`tr[data-testid="session-row"]`)
		devRow := devRows.First().AttrOr("data-session-id", "")
		wantStatus(t, here.post("/settings/sessions/"+devRow+"/delete", nil, htmx), http.StatusNotFound)
		wantStatus(t, devC.get("/home"), http.StatusOK)

		other := r.doc.Find(`tr[data-current="false"]`).First().AttrOr("data-session-id", "")
		res := here.post("/settings/sessions/"+other+"/delete", nil, htmx)
		if res.location() != "/settings/sessions" {
			t.Fatalf("sign out one: %d → %q", res.status, res.location())
		}
		if n := here.get("/settings/sessions").doc.Find(`tr[data-testid="session-row"]`).Length(); n != 2 {
			t.Fatalf("%d rows after signing out one, want 2", n)
		}
		res = here.post("/settings/sessions/others/delete", nil, htmx)
		if res.location() != "/settings/sessions" {
			t.Fatalf("sign out others: %d → %q", res.status, res.location())
		}
		if r := phone.get("/home"); r.location() != "/login" {
			t.Fatalf("the other browser after sign-out-everywhere-else: %d → %q", r.status, r.location())
		}
		if n := here.get("/settings/sessions").doc.Find(`tr[data-testid="session-row"]`).Length(); n != 1 {
			t.Fatalf("%d rows left, want this browser only", n)
		}
		wantStatus(t, devC.get("/home"), http.StatusOK)
	})
}

// The browser column names browser and system from the User-Agent.
func TestSessionsPageNamesTheBrowser(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	if err := e.st.CreateSession(t.Context(), "other-browser", store.Session{Surface: store.SurfaceConsole, AccountID: a.ID, PersonID: admin.ID,
		Data: []byte{}, UserAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
		store.SessionLimits{Idle: time.Hour, Max: time.Hour}); err != nil {
		t.Fatal(err)
	}
	r := e.console(a, admin).get("/settings/sessions")
	if got := r.doc.Find(`tr[data-current="false"] td`).First().Text(); got != "Chrome 131 · macOS 10.15.7" {
		t.Fatalf("browser column %q", got)
	}
}
