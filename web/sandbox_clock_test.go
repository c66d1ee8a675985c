package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// clockNow is what the sandbox page says of the account's clock: the time shown and the
// offset in minutes.
func clockNow(t *testing.T, r resp) (string, string) {
	t.Helper()
	p := r.doc.Find(`[data-testid="clock-now"]`)
	if p.Length() != 1 {
		t.Fatalf("no clock section; status %d", r.status)
	}
	return p.Text(), p.AttrOr("data-offset-minutes", "")
}

// The clock section moves the account's clock by its presets, to tomorrow 00:00 China time
// and by a custom advance, and resets it: each 303 back to the page (HX-Redirect with
// htmx); bad input is 422 with the field's error; plain and htmx.
func TestSandboxClockForms(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newAPIEnv(t)
		dev := e.person("dev_one", "")
		e.member(e.acct, dev, store.KindProject, "developer", "active")
		c := e.console(e.acct, dev)
		const back = "/dev/sandbox#clock"
		page := c.open("/dev/sandbox")
		if now, off := clockNow(t, page); !strings.Contains(now, "2026-03-10 17:00") || off != "0" {
			t.Fatalf("unmoved clock shows %q, offset %s", now, off)
		}
		if page.doc.Find(`[data-testid="clock-reset"]`).Length() != 0 {
			t.Error("a reset button for a clock that is not moved")
		}
		wantRedirect(t, c.submit("/dev/sandbox/clock/advance", url.Values{"by": {"2h"}}, htmx), htmx, back)
		if now, off := clockNow(t, c.open("/dev/sandbox")); !strings.Contains(now, "2026-03-10 19:00") || off != "120" {
			t.Fatalf("after advance 2 hours: %q, offset %s", now, off)
		}
		wantRedirect(t, c.submit("/dev/sandbox/clock/advance", url.Values{"by": {"1h"}}, htmx), htmx, back)
		wantRedirect(t, c.submit("/dev/sandbox/clock/advance", url.Values{"by": {"1d"}}, htmx), htmx, back)
		if _, off := clockNow(t, c.open("/dev/sandbox")); off != "1620" {
			t.Fatalf("after 2 h + 1 h + 1 day: offset %s, want 1620 minutes", off)
		}
		wantRedirect(t, c.submit("/dev/sandbox/clock/midnight", nil, htmx), htmx, back)
		if now, _ := clockNow(t, c.open("/dev/sandbox")); !strings.Contains(now, "2026-03-12 00:00") {
			t.Fatalf("to tomorrow 00:00 from 2026-03-11 20:00: %q", now)
		}
		wantRedirect(t, c.submit("/dev/sandbox/clock/advance", url.Values{"advance_hours": {"1"}, "advance_minutes": {"30"}}, htmx), htmx, back)
		if now, _ := clockNow(t, c.open("/dev/sandbox")); !strings.Contains(now, "2026-03-12 01:30") {
			t.Fatalf("after a custom 1 h 30 min: %q", now)
		}

		r := c.submit("/dev/sandbox/clock/advance", url.Values{"advance_days": {"two"}, "advance_hours": {"1"}}, htmx)
		wantFieldError(t, r, htmx, "advance_days", "clock_number")
		wantValue(t, r, "advance_days", "two")
		wantValue(t, r, "advance_hours", "1")
		wantFieldError(t, c.submit("/dev/sandbox/clock/advance", url.Values{"advance_minutes": {"-5"}}, htmx), htmx, "advance_minutes", "clock_number")
		for body, code := range map[string]string{"advance_minutes=0": "clock_advance", "": "clock_advance", "advance_days=366": "clock_too_far"} {
			form, _ := url.ParseQuery(body)
			r := c.submit("/dev/sandbox/clock/advance", form, htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode("advance"); got != code {
				t.Errorf("advance %q: error %q, want %q", body, got, code)
			}
		}
		if now, _ := clockNow(t, c.open("/dev/sandbox")); !strings.Contains(now, "2026-03-12 01:30") {
			t.Fatalf("a refused advance moved the clock: %q", now)
		}
		wantRedirect(t, c.submit("/dev/sandbox/clock/reset", nil, htmx), htmx, back)
		if now, off := clockNow(t, c.open("/dev/sandbox")); !strings.Contains(now, "2026-03-10 17:00") || off != "0" {
			t.Fatalf("after reset: %q, offset %s", now, off)
		}
		moves, err := e.st.OpLog(context.Background(), e.acct.ID, store.LogFilter{Action: "clock_moved"}, 0)
		if err != nil || len(moves.Entries) != 5 || moves.Entries[0].Actor() != "dev_one" {
			t.Fatalf("clock moves logged: %+v (%v), want 5 by dev_one", moves.Entries, err)
		}
	})
}

// While an account's clock is moved, every console page of it and every simulator page
// opened for it carries the banner with the account's time, linking to the sandbox for
// those who may open it; not another account's pages, and no page once it is reset.
func TestClockBanner(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	op := e.person("operator_one", "")
	e.member(e.acct, op, store.KindProject, "operator", "active")
	otherAdmin := e.person("admin_two", "李四")
	other := e.account("other@example.com", otherAdmin, "personal")
	admin, operator, otherC := e.console(e.acct, e.admin), e.console(e.acct, op), e.console(other, otherAdmin)
	wx, otherWx := e.wx(e.admin), e.wx(otherAdmin)
	sim := "/wx/apps/" + e.acct.AppID + "?env=release"
	banner := func(c *client, path string) (bool, bool, string) {
		t.Helper()
		r := c.open(path) // the refused open of an unreleased app (404) is a simulator page too
		if !r.fullPage() {
			t.Fatalf("%s: %d, not a page", path, r.status)
		}
		b := r.doc.Find(`[data-testid="clock-banner"]`)
		if b.Length() == 0 {
			return false, false, ""
		}
		if b.AttrOr("role", "") != "status" {
			t.Errorf("%s: the banner is not role=status", path)
		}
		link := b.Find(`a[data-testid="clock-banner-link"]`).AttrOr("href", "")
		return true, link == "/dev/sandbox#clock", b.Text()
	}
	consolePages := []string{"/home", "/settings/basic", "/members", "/dev/settings", "/dev/sandbox"}
	for _, p := range consolePages {
		if on, _, _ := banner(admin, p); on {
			t.Errorf("%s: a banner while the clock is not moved", p)
		}
	}
	if on, _, _ := banner(wx, sim); on {
		t.Error("simulator: a banner while the clock is not moved")
	}

	if err := e.st.AdvanceClock(ctx, e.acct.ID, e.admin.ID, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	for _, p := range consolePages {
		on, link, text := banner(admin, p)
		if !on || !link || !strings.Contains(text, "2026-03-10 19:00") {
			t.Errorf("%s: banner %v, link %v, text %q; want it with 19:00 and the link", p, on, link, text)
		}
	}
	if on, link, _ := banner(operator, "/home"); !on || link {
		t.Errorf("operator's /home: banner %v, link %v; want the banner without a link (no sandbox for operators)", on, link)
	}
	if on, link, text := banner(wx, sim); !on || !link || !strings.Contains(text, "2026-03-10 19:00") {
		t.Errorf("simulator page of the account: banner %v, link %v, %q", on, link, text)
	}
	opened := wx.post("/wx/apps/"+e.acct.AppID+"/open", nil, false)
	if opened.doc.Find(`[data-testid="js-code"]`).Length() != 1 || opened.doc.Find(`[data-testid="clock-banner"]`).Length() != 1 {
		t.Errorf("the opened mini program (%d) has no banner", opened.status)
	}
	if on, link, _ := banner(otherWx, "/wx/apps/"+e.acct.AppID+"?env=release"); !on || link {
		t.Errorf("a stranger's simulator page of the account: banner %v, link %v; want the banner without a link", on, link)
	}
	if on, _, _ := banner(otherC, "/home"); on {
		t.Error("another account's console shows the banner")
	}
	if on, _, _ := banner(wx, "/wx"); on {
		t.Error("the simulator's own page (no account) shows the banner")
	}

	if err := e.st.ResetClock(ctx, e.acct.ID, e.admin.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range append(consolePages[:2], sim) {
		c := admin
		if strings.HasPrefix(p, "/wx") {
			c = wx
		}
		if on, _, _ := banner(c, p); on {
			t.Errorf("%s: a banner after reset", p)
		}
	}
}

// Through the real API: a token that works now answers 42001 once the account's clock is
// advanced 2 hours, while another account's token, issued at the same time, still works.
func TestClockExpiresTokenThroughAPI(t *testing.T) {
	e := newAPIEnv(t)
	otherAdmin := e.person("admin_two", "李四")
	other := e.account("other@example.com", otherAdmin, "personal")
	otherSecret := e.appSecret(other, otherAdmin)
	tok := e.token()
	otherTok, err := e.st.IssueAccessToken(context.Background(), store.APICall{AppID: other.AppID, Secret: otherSecret}, 100)
	if err != nil {
		t.Fatal(err)
	}
	quota := map[string]string{"cgi_path": "/cgi-bin/token"}
	if r := e.postAPI(t, "/cgi-bin/openapi/quota/get", tok, quota); r.ErrCode != 0 {
		t.Fatalf("a fresh token: %s", r.Raw)
	}
	if err := e.st.AdvanceClock(context.Background(), e.acct.ID, e.admin.ID, 2*time.Hour); err != nil {
		t.Fatal(err)
	}
	wantAPIErr(t, e.postAPI(t, "/cgi-bin/openapi/quota/get", tok, quota), 42001, "access_token expired")
	if r := e.postAPI(t, "/cgi-bin/openapi/quota/get", otherTok.Token, quota); r.ErrCode != 0 {
		t.Fatalf("another account's token: %s", r.Raw)
	}
}
