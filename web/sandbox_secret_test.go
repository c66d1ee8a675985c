package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// consoleRotate resets the AppSecret through the console with overlap hours of overlap for
// the previous one: the form, the administrator's scan, the one-time page.
func (e *apiEnv) consoleRotate(c *client, hours string, htmx bool) string {
	e.t.Helper()
	r := c.submit("/dev/settings/secret", url.Values{"overlap_hours": {hours}}, htmx)
	wantDone(e.t, r, htmx)
	m := tokenInPath.FindStringSubmatch(r.location())
	if m == nil {
		e.t.Fatalf("the reset went to %q, want the waiting page", r.location())
	}
	wantStatus(e.t, e.wx(e.admin).post("/wx/scan/"+m[1], map[string][]string{"decision": {"confirm"}}, false), http.StatusSeeOther)
	wantStatus(e.t, c.get(r.location()), http.StatusSeeOther)
	show := c.get("/dev/settings/secret/" + m[1])
	wantStatus(e.t, show, http.StatusOK)
	return show.testid("app-secret")
}

// secretCalls makes the three calls that carry the AppSecret and returns their errcodes.
func (e *apiEnv) secretCalls(t *testing.T, secret string) [3]int {
	t.Helper()
	tok := e.apiGet(t, tokenURL(e.acct.AppID, secret))
	stable := e.apiDo(t, nil, "POST", "/cgi-bin/stable_token", stableBody(e.acct.AppID, secret, false))
	session := e.apiGet(t, sessionURL(e.acct.AppID, secret, e.code(e.admin)))
	return [3]int{tok.ErrCode, stable.ErrCode, session.ErrCode}
}

// Secret rotation overlap (SPEC §18): with 0 hours the replaced secret fails at once; with
// 2 hours both work for token, stable_token and jscode2session until the account's clock
// passes the overlap, then the old one is refused as replaced. /dev/settings shows when
// each secret was last used and until when the previous one works.
func TestSecretRotationOverlap(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newAPIEnv(t)
		c := e.console(e.acct, e.admin)
		ok, refused := [3]int{0, 0, 0}, [3]int{40125, 40125, 40125}
		if got := e.secretCalls(t, e.secret); got != ok {
			t.Fatalf("the first secret: %v", got)
		}
		if got := c.open("/dev/settings").doc.Find(`[data-testid="secret-last-used"]`).Text(); got != "Current secret: last used 2026-03-10 17:00." {
			t.Errorf("last used shown as %q", got)
		}

		first := e.secret
		second := e.consoleRotate(c, "0", htmx)
		if got := e.secretCalls(t, first); got != refused {
			t.Fatalf("overlap 0: the replaced secret answers %v", got)
		}
		if got := c.open("/dev/settings").doc.Find(`[data-testid="secret-last-used"]`).Text(); got != "Current secret: not used yet." {
			t.Errorf("a new secret shows %q", got)
		}

		e.clock.Advance(10 * time.Minute)
		if got := e.secretCalls(t, second); got != ok {
			t.Fatalf("the second secret: %v", got)
		}
		third := e.consoleRotate(c, "2", htmx)
		e.clock.Advance(3 * time.Minute)
		for name, s := range map[string]string{"previous": second, "new": third} {
			if got := e.secretCalls(t, s); got != ok {
				t.Fatalf("within the overlap the %s secret answers %v", name, got)
			}
		}
		if r := e.apiGet(t, tokenURL(e.acct.AppID, second)); r.ErrCode != 0 {
			t.Fatalf("within the overlap: %s", r.Raw)
		}
		const note = "0 secret_previous_used The call used the previous AppSecret, which keeps working until 2026-03-10 19:10:00 (rotation overlap)."
		if got := e.journalReasons(c, "/cgi-bin/token"); len(got) == 0 || got[0] != note {
			t.Errorf("the journal says %q of a call with the previous secret", got)
		}
		page := c.open("/dev/settings")
		prev := page.doc.Find(`[data-testid="secret-previous"]`)
		if got := strings.Join(strings.Fields(prev.Text()), " "); got != "Previous secret: works until 2026-03-10 19:10; last used 2026-03-10 17:13." {
			t.Errorf("previous secret shown as %q", got)
		}
		if got := page.doc.Find(`[data-testid="secret-last-used"]`).Text(); got != "Current secret: last used 2026-03-10 17:13." {
			t.Errorf("current secret shown as %q", got)
		}

		// The overlap ends on the account's clock.
		if err := e.st.AdvanceClock(context.Background(), e.acct.ID, 2*time.Hour); err != nil {
			t.Fatal(err)
		}
		if got := e.secretCalls(t, second); got != refused {
			t.Fatalf("after the overlap the previous secret answers %v", got)
		}
		if got := e.secretCalls(t, third); got != ok {
			t.Fatalf("after the overlap the new secret answers %v", got)
		}
		r := e.apiGet(t, tokenURL(e.acct.AppID, second))
		reason := e.journalFor(t, ridOf(t, r)).doc.Find(`[data-testid="journal-reason"]`)
		if reason.AttrOr("data-reason", "") != "secret_replaced" {
			t.Errorf("journal reason %q (%s), want secret_replaced", reason.Text(), reason.AttrOr("data-reason", ""))
		}
		if c.open("/dev/settings").doc.Find(`[data-testid="secret-previous"]`).Length() != 0 {
			t.Error("/dev/settings still shows the previous secret after its overlap")
		}
	})
}

// The overlap is a whole number of hours from 0 to 24: anything else is a 422 with the
// field's error next to it, the typed value kept, and no scan started.
func TestSecretOverlapErrors(t *testing.T) {
	e := newAPIEnv(t)
	c := e.console(e.acct, e.admin)
	for _, hours := range []string{"25", "-1", "2.5", "two"} {
		modes(t, func(t *testing.T, htmx bool) {
			scans := e.query(`SELECT count(*) FROM scans WHERE purpose = 'reset_secret'`)
			r := c.submit("/dev/settings/secret", url.Values{"overlap_hours": {hours}}, htmx)
			wantFieldError(t, r, htmx, "overlap_hours", "overlap_hours_invalid")
			wantValue(t, r, "overlap_hours", hours)
			if n := e.query(`SELECT count(*) FROM scans WHERE purpose = 'reset_secret'`); n != scans {
				t.Errorf("overlap %q started a scan", hours)
			}
		})
	}
}
