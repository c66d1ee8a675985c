package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// transferCodes is the waiting page's two codes: the old administrator's and the new one's.
func transferCodes(t *testing.T, r resp) (oldScan, newScan string) {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	path := func(card string) string {
		u, err := url.Parse(r.doc.Find(`[data-testid="`+card+`"] a[data-testid="scan-link"]`).AttrOr("href", ""))
		if err != nil || !strings.HasPrefix(u.Path, "/wx/scan/") {
			t.Fatalf("no scan link for %s in %.300s", card, r.body)
		}
		return u.Path
	}
	return path("transfer-old"), path("transfer-new")
}

func scanStates(r resp) []string {
	var out []string
	for _, n := range r.doc.Find(`[data-testid="scan-state"]`).Nodes {
		for _, a := range n.Attr {
			if a.Key == "data-state" {
				out = append(out, a.Val)
			}
		}
	}
	return out
}

func TestAdminTransfer(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	// The same human's second WeChat: a personal subject's administrator keeps its ID number.
	heir, err := e.st.CreatePerson(t.Context(), store.NewPerson{WechatID: "admin_two", Nickname: "二号", Password: "Wx-pass-123",
		RealName: admin.RealName, IDNumber: admin.IDNumber})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.AddProjectMember(t.Context(), a.ID, admin.ID, "admin_two", []string{"developer"}); err != nil {
		t.Fatal(err)
	}
	c := e.console(a, admin)
	r := c.post("/members/admin/transfer", url.Values{"wechat_id": {"admin_two"}}, false)
	if r.status != http.StatusSeeOther || r.location() != "/members/admin/transfer" {
		t.Fatalf("start: %d → %q", r.status, r.location())
	}
	r = c.get("/members/admin/transfer")
	noRawIDs(t, t.Name(), r)
	oldScan, newScan := transferCodes(t, r)
	if states := scanStates(r); len(states) != 2 || states[0] != "pending" || states[1] != "pending" {
		t.Fatalf("states = %v", states)
	}
	if !r.hasSel(`#transfer-scans[hx-get="/members/admin/transfer"][hx-trigger="every 2s"]`) || r.doc.Find(`img[data-testid="scan-qr"]`).Length() != 2 {
		t.Fatal("the waiting page does not poll or lacks the QR codes")
	}

	// Each code only for its own person: the page says someone wrong tried.
	oldPhone, newPhone := e.wx(admin), e.wx(heir)
	r = newPhone.post(oldScan, url.Values{"decision": {"confirm"}}, false)
	if r.status != http.StatusUnprocessableEntity || r.errCode("") != "wrong_person" {
		t.Fatalf("new administrator on the old code: %d %q", r.status, r.errCode(""))
	}
	if r := c.get("/members/admin/transfer"); !r.hasSel(`[data-testid="transfer-old"] .field-error[data-error-code="wrong_person"]`) {
		t.Fatal("the waiting page does not say a wrong person scanned")
	}
	wantStatus(t, oldPhone.post(newScan, url.Values{"decision": {"confirm"}}, false), http.StatusUnprocessableEntity)

	wantStatus(t, oldPhone.post(oldScan, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	r = c.get("/members/admin/transfer")
	if states := scanStates(r); states[0] != "confirmed" || states[1] != "pending" {
		t.Fatalf("after one scan: %v", states)
	}
	if got, _ := e.st.AccountByID(t.Context(), a.ID); got.AdminPersonID != admin.ID {
		t.Fatal("one scan changed the administrator")
	}
	wantStatus(t, newPhone.post(newScan, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)

	r = c.do("GET", "/members/admin/transfer", nil, "", true) // the htmx poll
	if r.status != http.StatusNoContent || r.location() != "/login" {
		t.Fatalf("poll after both scans: %d → %q, want HX-Redirect /login", r.status, r.location())
	}
	got, _ := e.st.AccountByID(t.Context(), a.ID)
	if got.AdminPersonID != heir.ID {
		t.Fatalf("administrator = %d, want %d", got.AdminPersonID, heir.ID)
	}
	if r := c.get("/home"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("old administrator's next click: %d → %q", r.status, r.location())
	}
	if r := e.console(a, admin).get("/members"); r.status != http.StatusSeeOther {
		t.Fatalf("old administrator still a member: %d", r.status)
	}
	r = e.console(a, heir).get("/members")
	wantStatus(t, r, http.StatusOK)
	if !r.hasSel(`tr[data-testid="admin-row"][data-wechat-id="admin_two"]`) || r.memberRow("project", "admin_two") != nil {
		t.Fatal("the new administrator is not shown as such, or is still a project member")
	}
	if log, _ := e.st.OpLog(t.Context(), a.ID, store.LogFilter{}, 0); log.Entries[0].Action != "admin_transferred" ||
		log.Entries[0].Target != "admin_two" || log.Entries[0].Summary != "admin_one → admin_two" {
		t.Fatalf("log = %+v", log.Entries[0])
	}
}

func TestAdminTransferErrors(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	e.person("no_name", "")
	e.person("stranger", "李四")
	c := e.console(a, admin)
	for _, tc := range []struct{ wechatID, code string }{
		{"nobody_here", "wechat_id_not_found"},
		{"admin_one", "already_admin"},
		{"no_name", "admin_identity_missing"},
		{"stranger", "admin_identity_mismatch"},
	} {
		for _, htmx := range []bool{false, true} {
			r := c.post("/members/admin/transfer", url.Values{"wechat_id": {tc.wechatID}}, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			if r.errCode("wechat_id") != tc.code || r.doc.Find("#transfer-wechat_id").AttrOr("value", "") != tc.wechatID || r.fullPage() == htmx {
				t.Fatalf("%s (htmx %v): error %q", tc.wechatID, htmx, r.errCode("wechat_id"))
			}
			noRawIDs(t, t.Name(), r)
		}
	}
	// No transfer under way: the waiting page sends back to the members page.
	if r := c.get("/members/admin/transfer"); r.status != http.StatusSeeOther || r.location() != "/members" {
		t.Fatalf("no transfer: %d → %q", r.status, r.location())
	}
}

// Expired or rejected codes: the page says so, stops polling and offers new codes.
func TestAdminTransferExpiryAndRejection(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "enterprise")
	heir := e.person("heir_one", "李四")
	c := e.console(a, admin)
	wantStatus(t, c.post("/members/admin/transfer", url.Values{"wechat_id": {"heir_one"}}, false), http.StatusSeeOther)
	oldScan, newScan := transferCodes(t, c.get("/members/admin/transfer"))
	wantStatus(t, e.wx(admin).post(oldScan, url.Values{"decision": {"confirm"}}, false), http.StatusSeeOther)
	e.clock.Advance(store.ScanTTL + time.Second)
	wantStatus(t, e.wx(heir).post(newScan, url.Values{"decision": {"confirm"}}, false), http.StatusGone)
	r := c.get("/members/admin/transfer")
	if states := scanStates(r); states[0] != "confirmed" || states[1] != "expired" {
		t.Fatalf("states = %v", states)
	}
	if r.hasSel(`#transfer-scans[hx-get]`) || !r.hasSel(`[role="alert"][data-error-code="scan_expired"]`) || !r.hasSel(`[data-testid="transfer-renew"]`) {
		t.Fatalf("expired page: %.600s", r.body)
	}
	renew := r.doc.Find(`form:has([data-testid="transfer-renew"])`)
	if renew.AttrOr("action", "") != "/members/admin/transfer" || renew.Find(`input[name="wechat_id"]`).AttrOr("value", "") != "heir_one" {
		t.Fatal("the renew form does not restart the same transfer")
	}
	wantStatus(t, c.post("/members/admin/transfer", url.Values{"wechat_id": {"heir_one"}}, false), http.StatusSeeOther)
	r = c.get("/members/admin/transfer")
	oldScan2, newScan2 := transferCodes(t, r)
	if oldScan2 == oldScan || newScan2 == newScan || scanStates(r)[0] != "pending" {
		t.Fatal("renewing did not give new codes")
	}
	wantStatus(t, e.wx(heir).post(newScan2, url.Values{"decision": {"reject"}}, false), http.StatusSeeOther)
	r = c.get("/members/admin/transfer")
	if states := scanStates(r); states[1] != "rejected" || !r.hasSel(`[data-error-code="scan_rejected"]`) || !r.hasSel(`[data-testid="transfer-renew"]`) {
		t.Fatalf("rejected page: %v", states)
	}
	if got, _ := e.st.AccountByID(t.Context(), a.ID); got.AdminPersonID != admin.ID {
		t.Fatal("a failed transfer changed the administrator")
	}
}
