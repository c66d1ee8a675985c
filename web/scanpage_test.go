package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"mpconsole/store"
)

const macChrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// The phone shows who asked for a login scan: the browser and system, the address and the
// time of the request that made the code, so a forwarded code can be told from one's own.
func TestScanPageShowsWhoAsks(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.client()
	wantStatus(t, c.post("/login", url.Values{"email": {"owner@example.com"}, "password": {"Passw0rd!"}}, false), http.StatusSeeOther)
	path := scanPath(t, c.get("/login/scan"))
	r := e.wx(admin).get(path)
	wantStatus(t, r, http.StatusOK)
	if got := r.testid("scan-ip"); got != "127.0.0.1" {
		t.Fatalf("address %q, want 127.0.0.1", got)
	}
	if got := r.testid("scan-time"); got != "2026-03-10 17:00" {
		t.Fatalf("time %q, want the request's, in China time", got)
	}
	if got := r.testid("scan-browser"); got == "" {
		t.Fatal("no browser shown")
	}
	if got := r.testid("scan-account"); got != a.AppID {
		t.Fatalf("account %q, want %s", got, a.AppID)
	}

	sc, err := e.st.CreateScan(t.Context(), store.PurposeLogin, a.ID, 0, store.Requester{Agent: macChrome, IP: "198.51.100.7"})
	if err != nil {
		t.Fatal(err)
	}
	r = e.wx(admin).get("/wx/scan/" + sc)
	if got := r.testid("scan-browser"); got != "Chrome 131 · macOS 10.15.7" {
		t.Fatalf("browser %q", got)
	}
	if got := r.testid("scan-ip"); got != "198.51.100.7" {
		t.Fatalf("address %q", got)
	}
}

// A scan opened by someone it does not ask shows nothing of the account (no name, no
// email, no requester), says why, and offers no confirm button: the bind_admin scan to
// anyone but the named person, a login scan to a non-member, a transfer to anyone but
// its target.
func TestScanPageShowsNothingToOthers(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	stranger := e.person("stranger", "王五")
	a := e.account("owner@example.com", admin, "personal")
	c := e.client()
	e.toAdmin(c, "secret-reg@example.com", admin)
	bind := scanPath(t, c.get("/register/admin"))
	login, err := e.st.CreateScan(t.Context(), store.PurposeLogin, a.ID, 0, store.Requester{Agent: macChrome, IP: "198.51.100.7"})
	if err != nil {
		t.Fatal(err)
	}
	transfer, err := e.st.CreateScan(t.Context(), store.PurposeTransferAdmin, a.ID, admin.ID, store.Requester{Agent: macChrome, IP: "198.51.100.7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, code string }{
		{bind, "admin_identity_mismatch"},
		{"/wx/scan/" + login, "not_a_member"},
		{"/wx/scan/" + transfer, "wrong_person"},
	} {
		r := e.wx(stranger).get(tc.path)
		wantStatus(t, r, http.StatusOK)
		if r.errCode("") != tc.code {
			t.Errorf("%s: alert %q, want %q", tc.path, r.errCode(""), tc.code)
		}
		for _, leak := range []string{"secret-reg@example.com", "owner@example.com", a.AppID, "198.51.100.7", admin.RealName} {
			if strings.Contains(r.body, leak) {
				t.Errorf("%s shows %q to someone it does not ask", tc.path, leak)
			}
		}
		if r.doc.Find(`[data-testid="scan-confirm"]`).Length() != 0 || r.doc.Find(`[data-testid="scan-requester"]`).Length() != 0 {
			t.Errorf("%s offers a confirm button or the requester to a stranger", tc.path)
		}
	}
	if r := e.wx(admin).get(bind); r.testid("scan-email") != "secret-reg@example.com" {
		t.Fatalf("the named administrator does not see the registration: %q", r.testid("scan-email"))
	}
}

// Two registrations that passed the subject step with one ID number at 4 of 5 accounts:
// the first bound by its scan goes on; the second's waiting page says the quota is full
// (409, id_quota_exceeded) and sends the person back to the subject.
func TestAdminScanQuotaAtBind(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	for i := 0; i < 4; i++ {
		e.account("a"+itoa(i)+"@example.com", admin, "personal")
	}
	first, second := e.client(), e.client()
	e.toAdmin(first, "first@example.com", admin)
	e.toAdmin(second, "second@example.com", admin)
	phone := e.wx(admin)
	for _, c := range []*client{first, second} {
		decide(t, phone, scanPath(t, c.get("/register/admin")), "confirm")
	}
	if r := first.get("/register/admin"); r.location() != "/register/confirm" {
		t.Fatalf("the fifth: %d → %q", r.status, r.location())
	}
	r := second.get("/register/admin")
	wantStatus(t, r, http.StatusConflict)
	if r.errCode("") != "id_quota_exceeded" || r.doc.Find(`a[href="/register/subject"]`).Length() != 1 {
		t.Fatalf("the sixth: alert %q", r.errCode(""))
	}
}
