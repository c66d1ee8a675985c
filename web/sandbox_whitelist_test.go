package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// journalReasons are the reasons the sandbox page's journal shows for the entries of
// endpoint, newest first, as "errcode reason-key text".
func (e *apiEnv) journalReasons(c *client, endpoint string) []string {
	e.t.Helper()
	e.st.FlushJournal()
	r := c.open("/dev/sandbox?endpoint=" + url.QueryEscape(endpoint))
	wantStatus(e.t, r, http.StatusOK)
	var out []string
	entries := r.doc.Find(`[data-testid="journal-entry"]`)
	for i := range entries.Length() {
		entry := entries.Eq(i)
		reason := entry.Find(`[data-testid="journal-reason"]`)
		out = append(out, entry.AttrOr("data-errcode", "")+" "+reason.AttrOr("data-reason", "")+" "+strings.TrimSpace(reason.Text()))
	}
	return out
}

// Whitelist mode (SPEC §18): strict refuses an address off the list with 40164 as today;
// log-only lets it through and the journal says it would have been refused, naming the
// list. Only the administrator switches it, plainly or with htmx, and the change is in the
// operation log; /dev/settings shows the mode next to the whitelist.
func TestWhitelistMode(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newAPIEnv(t)
		ctx := context.Background()
		if err := e.st.SetIPWhitelist(ctx, e.acct.ID, e.admin.ID, []string{"10.1.2.*", "192.168.0.0/16"}); err != nil {
			t.Fatal(err)
		}
		admin := e.console(e.acct, e.admin)
		page := admin.open("/dev/sandbox")
		if page.doc.Find(`[data-testid="whitelist-mode"][data-mode="strict"] select[name="whitelist_mode"] option[value="log-only"]`).Length() != 1 {
			t.Fatal("the sandbox page offers the administrator no whitelist mode")
		}
		wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 40164, "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist")

		wantRedirect(t, admin.submit("/dev/sandbox/whitelist-mode", url.Values{"whitelist_mode": {"log-only"}}, htmx), htmx, "/dev/sandbox")
		if got := e.query(`SELECT count(*) FROM dev_settings WHERE whitelist_mode = 'log-only'`); got != 1 {
			t.Fatalf("%d accounts in log-only mode, want 1", got)
		}
		if n := e.query(`SELECT count(*) FROM oplog WHERE action = 'whitelist_mode_set' AND summary = 'strict → log-only'`); n != 1 {
			t.Errorf("%d operation-log rows for the mode, want 1", n)
		}
		if r := e.apiGet(t, tokenURL(e.acct.AppID, e.secret)); r.ErrCode != 0 || r.AccessToken == "" {
			t.Fatalf("log-only mode refused the call: %s", r.Raw)
		}
		const note = "Would have been refused with 40164: 127.0.0.1 is not in the IP whitelist [10.1.2.*, 192.168.0.0/16]. The whitelist is in log-only mode, so the call went through."
		if got := e.journalReasons(admin, "/cgi-bin/token"); len(got) != 2 || got[0] != "0 ip_not_listed_log_only "+note {
			t.Errorf("journal shows %q", got)
		}
		if n := admin.open("/dev/settings").doc.Find(`#ip-whitelist [data-testid="whitelist-mode-note"][data-mode="log-only"]`).Length(); n != 1 {
			t.Error("/dev/settings does not show the mode next to the whitelist")
		}

		wantFieldError(t, admin.submit("/dev/sandbox/whitelist-mode", url.Values{"whitelist_mode": {"off"}}, htmx), htmx, "whitelist_mode", "whitelist_mode_invalid")
		wantRedirect(t, admin.submit("/dev/sandbox/whitelist-mode", url.Values{"whitelist_mode": {"strict"}}, htmx), htmx, "/dev/sandbox")
		wantAPIErr(t, e.apiGet(t, tokenURL(e.acct.AppID, e.secret)), 40164, "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist")

		// A developer sees the mode but cannot change it: it weakens a security control.
		dev, _ := e.activeMember(e.acct, "dev_one", "developer")
		dc := e.console(e.acct, dev)
		r := dc.open("/dev/sandbox")
		if r.doc.Find(`[data-testid="whitelist-mode"] select`).Length() != 0 || r.doc.Find(`[data-testid="whitelist-mode-value"]`).Length() != 1 {
			t.Error("a developer gets the mode's form, or does not see the mode")
		}
		wantStatus(t, dc.post("/dev/sandbox/whitelist-mode", url.Values{"whitelist_mode": {"log-only"}}, htmx), http.StatusForbidden)
		if got := e.query(`SELECT count(*) FROM dev_settings WHERE whitelist_mode = 'log-only'`); got != 0 {
			t.Fatal("a developer's post changed the mode")
		}
	})
}
