package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// scanLinkPath is the /wx/scan/{token} path of the waiting page's code.
func scanLinkPath(t *testing.T, r resp) string {
	t.Helper()
	u, err := url.Parse(r.doc.Find(`a[data-testid="scan-link"]`).AttrOr("href", ""))
	if err != nil || !strings.HasPrefix(u.Path, "/wx/scan/") {
		t.Fatalf("no scan link in %.300s", r.body)
	}
	return u.Path
}

// startEmailLogin posts the account's email and password and returns the login code's path.
func startEmailLogin(t *testing.T, c *client, email string) string {
	t.Helper()
	r := c.post("/login", url.Values{"email": {email}, "password": {"Passw0rd!"}}, false)
	if r.status != http.StatusSeeOther || r.location() != "/login/scan" {
		t.Fatalf("login: %d → %q", r.status, r.location())
	}
	r = c.get("/login/scan")
	wantStatus(t, r, http.StatusOK)
	return scanLinkPath(t, r)
}

// An invited member cannot log in until they accept in the inbox; then the login scan
// through the real HTTP flow lands on /home.
func TestInvitationAcceptThenLogin(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	bob := e.person("bob_dev", "")
	r := e.console(a, admin).post("/members/project", url.Values{"wechat_id": {"bob_dev"}, "roles": {"developer"}}, false)
	wantStatus(t, r, http.StatusSeeOther)

	browser, phone := e.client(), e.wx(bob)
	scan := startEmailLogin(t, browser, "owner@example.com")
	r = phone.post(scan, url.Values{"decision": {"confirm"}}, false)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if r.errCode("") != "not_a_member" {
		t.Fatalf("invited member confirmed a login: %q", r.errCode(""))
	}
	if r := browser.get("/login/scan"); r.status != http.StatusOK || r.doc.Find(`[data-testid="scan-state"]`).AttrOr("data-state", "") != "pending" {
		t.Fatalf("login went on without a valid scan: %d", r.status)
	}

	r = phone.get("/wx/inbox")
	wantStatus(t, r, http.StatusOK)
	noRawIDs(t, t.Name(), r)
	form := r.doc.Find(`[data-testid="invitation"][data-appid="` + a.AppID + `"] form[action*="/wx/inbox/"]`)
	action := form.AttrOr("action", "")
	if action == "" {
		t.Fatalf("no invitation form in %.400s", r.body)
	}
	wantStatus(t, e.wx(e.person("eve_other", "")).post(action, url.Values{"decision": {"accept"}}, false), http.StatusNotFound)
	for _, htmx := range []bool{false, true} {
		r = phone.post(action, url.Values{"decision": {"maybe"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if r.errCode("") != "decision_invalid" || r.fullPage() == htmx {
			t.Fatalf("bad decision: %q", r.errCode(""))
		}
	}
	r = phone.post(action, url.Values{"decision": {"accept"}}, false)
	if r.status != http.StatusSeeOther || r.location() != "/wx/inbox" {
		t.Fatalf("accept: %d → %q", r.status, r.location())
	}
	r = phone.get("/wx/inbox")
	if !r.hasSel(`[data-testid="inbox-empty"]`) || r.testid("flash") == "" {
		t.Fatalf("inbox after accepting: %.300s", r.body)
	}
	wantStatus(t, phone.post(action, url.Values{"decision": {"decline"}}, false), http.StatusNotFound)

	wantStatus(t, phone.post(scan, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	r = browser.get("/login/scan")
	if r.status != http.StatusSeeOther || r.location() != "/home" {
		t.Fatalf("after the scan: %d → %q, want 303 → /home", r.status, r.location())
	}
	r = browser.get("/home")
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.testid("signed-in-as"), "bob_dev") {
		t.Fatalf("signed in as %q", r.testid("signed-in-as"))
	}
	if r := e.console(a, admin).get("/members"); r.memberRow("project", "bob_dev")["data-status"] != "active" {
		t.Fatal("accepted member not active in the list")
	}
}

// A declined invitation never lets the person in.
func TestInvitationDeclineRefusesLogin(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	eve := e.person("eve_ops", "")
	if _, err := e.st.AddProjectMember(t.Context(), a.ID, admin.ID, "eve_ops", []string{"operator"}); err != nil {
		t.Fatal(err)
	}
	phone := e.wx(eve)
	action := phone.get("/wx/inbox").doc.Find(`form[action*="/wx/inbox/"]`).AttrOr("action", "")
	r := phone.post(action, url.Values{"decision": {"decline"}}, true)
	if r.status != http.StatusNoContent || r.location() != "/wx/inbox" {
		t.Fatalf("htmx decline: %d → %q", r.status, r.location())
	}
	if row := e.console(a, admin).get("/members").memberRow("project", "eve_ops"); row["data-status"] != "declined" {
		t.Fatalf("declined row = %v", row)
	}
	scan := startEmailLogin(t, e.client(), "owner@example.com")
	r = phone.post(scan, url.Values{"decision": {"confirm"}}, false)
	if r.status != http.StatusUnprocessableEntity || r.errCode("") != "not_a_member" {
		t.Fatalf("declined member confirmed a login: %d %q", r.status, r.errCode(""))
	}
	if r := e.console(a, eve).get("/home"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("declined member's session: %d → %q", r.status, r.location())
	}
}

// Scan login offers exactly the accounts where the person is administrator or an active
// project member: not invited, declined or experience memberships.
func TestScanLoginListsConsoleAccounts(t *testing.T) {
	e := newEnv(t)
	bob := e.person("bob_both", "李四")
	other := e.person("other_admin", "王五")
	own := e.account("own@example.com", bob, "personal")
	ctx := t.Context()
	accounts := map[string]store.Account{}
	for _, name := range []string{"active", "invited", "declined", "experience"} {
		accounts[name] = e.account(name+"@example.com", other, "personal")
	}
	for name, answer := range map[string]string{"active": "accept", "invited": "", "declined": "decline"} {
		m, err := e.st.AddProjectMember(ctx, accounts[name].ID, other.ID, "bob_both", []string{"analyst"})
		if err != nil {
			t.Fatal(err)
		}
		if answer != "" {
			if err := e.st.DecideInvitation(ctx, bob.ID, m.ID, answer == "accept"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := e.st.AddExperienceMember(ctx, accounts["experience"].ID, other.ID, "bob_both"); err != nil {
		t.Fatal(err)
	}

	browser := e.client()
	wantStatus(t, browser.post("/login/qr", nil, false), http.StatusSeeOther)
	scan := scanLinkPath(t, browser.get("/login/scan"))
	wantStatus(t, e.wx(bob).post(scan, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	wantStatus(t, browser.get("/login/scan"), http.StatusSeeOther)
	r := browser.get("/login/scan")
	wantStatus(t, r, http.StatusOK)
	var got []string
	r.doc.Find(`[data-testid="pick-account"]`).Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("value", "")) })
	want := []string{itoa(int(own.ID)), itoa(int(accounts["active"].ID))}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("pick list = %v, want %v", got, want)
	}
	r = browser.post("/login/scan", url.Values{"account": {itoa(int(accounts["invited"].ID))}}, false)
	if r.status != http.StatusUnprocessableEntity || r.errCode("account") != "not_a_member" {
		t.Fatalf("picked an invited account: %d %q", r.status, r.errCode("account"))
	}
	r = browser.post("/login/scan", url.Values{"account": {itoa(int(accounts["active"].ID))}}, false)
	if r.status != http.StatusSeeOther || r.location() != "/home" {
		t.Fatalf("pick: %d → %q", r.status, r.location())
	}
}
