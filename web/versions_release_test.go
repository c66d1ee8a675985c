package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A full release puts the approved version online with its release time and starts the
// history; the review block is empty again.
func TestReviewRelease(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(true)
		e.approved("1.0.0")
		wantRedirect(t, e.operatorC.submit("/versions/review/release", url.Values{"mode": {"full"}}, htmx), htmx, "/versions")
		r := e.adminC.open("/versions")
		on := r.doc.Find(`[data-testid="online-version"]`)
		if on.AttrOr("data-version", "") != "1.0.0" || on.AttrOr("data-mode", "") != "full" {
			t.Errorf("online %q %q, want 1.0.0 full", on.AttrOr("data-version", ""), on.AttrOr("data-mode", ""))
		}
		if r.testid("review-empty") == "" {
			t.Error("the released review is still in the review block")
		}
		if r.doc.Find(`[data-testid="release-row"][data-version="1.0.0"][data-online="true"]`).Length() != 1 {
			t.Error("the history does not show the release")
		}
		if r.doc.Find(`[data-testid="rollback-refusal"][data-error-code="rollback_unavailable"]`).Length() != 1 {
			t.Error("the history does not say why rollback is unavailable")
		}
	})
}

// Every refusal of a release (SPEC §12) answers 422 with its code next to the field or as
// the page alert, and releases nothing.
func TestReviewReleaseErrors(t *testing.T) {
	for _, c := range []struct {
		name, subject string
		setup         func(e *verEnv)
		form          url.Values
		field, code   string
	}{
		{"waiting review", "personal", func(e *verEnv) {
			e.ready(true)
			e.submitted(e.uploaded(e.adminC, "1.0.0"))
		}, url.Values{"mode": {"full"}}, "", "not_approved"},
		{"unknown mode while the review waits", "personal", func(e *verEnv) {
			e.ready(true)
			e.submitted(e.uploaded(e.adminC, "1.0.0"))
		}, url.Values{"mode": {"half"}}, "", "mode_invalid"},
		{"nothing to release", "personal", func(e *verEnv) { e.ready(true) }, url.Values{"mode": {"full"}}, "", "not_approved"},
		{"not filed", "personal", func(e *verEnv) {
			e.ready(false)
			e.approved("1.0.0")
		}, url.Values{"mode": {"full"}}, "", "filing_required"},
		{"government not authenticated", "government", func(e *verEnv) {
			e.ready(true)
			e.approved("1.0.0")
		}, url.Values{"mode": {"full"}}, "", "verification_required"},
		{"first release phased", "personal", func(e *verEnv) {
			e.ready(true)
			e.approved("1.0.0")
		}, url.Values{"mode": {"phased"}, "percent": {"10"}}, "mode", "first_release_full"},
		{"unknown mode", "personal", func(e *verEnv) {
			e.ready(true)
			e.approved("1.0.0")
		}, url.Values{"mode": {"half"}}, "mode", "mode_invalid"},
		{"percent 0", "personal", func(e *verEnv) {
			e.ready(true)
			e.released("1.0.0", "full", 0)
			e.approved("2.0.0")
		}, url.Values{"mode": {"phased"}, "percent": {"0"}}, "percent", "percent_invalid"},
		{"percent 101", "personal", func(e *verEnv) {
			e.ready(true)
			e.released("1.0.0", "full", 0)
			e.approved("2.0.0")
		}, url.Values{"mode": {"phased"}, "percent": {"101"}}, "percent", "percent_invalid"},
		{"phased release running", "personal", func(e *verEnv) {
			e.ready(true)
			e.released("1.0.0", "full", 0)
			e.released("2.0.0", "phased", 10)
			e.approved("3.0.0")
		}, url.Values{"mode": {"full"}}, "", "phase_running"},
	} {
		t.Run(c.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				e := newVerEnv(t, c.subject)
				c.setup(e)
				before := e.query(`SELECT count(*) FROM releases`)
				r := e.adminC.submit("/versions/review/release", c.form, htmx)
				if c.field == "" {
					wantAlert(t, r, http.StatusUnprocessableEntity, htmx, c.code)
				} else {
					wantFieldError(t, r, htmx, c.field, c.code)
				}
				if n := e.query(`SELECT count(*) FROM releases`); n != before {
					t.Errorf("a refused release changed the releases: %d → %d", before, n)
				}
			})
		})
	}
}

// A phased release shows its share as a progress bar; the share only rises
// (percent_must_rise), pauses and resumes, and 100 % completes it.
func TestPhasedRelease(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(true)
		e.released("1.0.0", "full", 0)
		e.approved("2.0.0")
		form := url.Values{"mode": {"phased"}, "percent": {"10"}, "members_first": {"on"}}
		wantRedirect(t, e.adminC.submit("/versions/review/release", form, htmx), htmx, "/versions")
		r := e.adminC.open("/versions")
		if got := r.doc.Find(`progress[data-testid="phase-progress"]`).AttrOr("value", ""); got != "10" {
			t.Errorf("progress bar at %q, want 10", got)
		}
		if v, phase, pct := e.online(); v != "2.0.0" || phase != "running" || pct != "10" {
			t.Fatalf("online %s %s %s, want 2.0.0 running 10", v, phase, pct)
		}
		for _, c := range []struct{ percent, code string }{{"10", "percent_must_rise"}, {"5", "percent_must_rise"}, {"0", "percent_invalid"}, {"101", "percent_invalid"}} {
			r := e.adminC.submit("/versions/online/phase", url.Values{"percent": {c.percent}}, htmx)
			wantFieldError(t, r, htmx, "percent", c.code)
			wantValue(t, r, "percent", c.percent)
		}
		steps := []struct {
			path           string
			form           url.Values
			phase, percent string
		}{
			{"/versions/online/phase", url.Values{"percent": {"50"}}, "running", "50"},
			{"/versions/online/phase/pause", nil, "paused", "50"},
			{"/versions/online/phase/resume", nil, "running", "50"},
			{"/versions/online/phase", url.Values{"percent": {"100"}}, "done", "100"},
		}
		for _, s := range steps {
			wantRedirect(t, e.operatorC.submit(s.path, s.form, htmx), htmx, "/versions")
			if _, phase, pct := e.online(); phase != s.phase || pct != s.percent {
				t.Fatalf("after %s: %s %s, want %s %s", s.path, phase, pct, s.phase, s.percent)
			}
		}
		wantStatus(t, e.adminC.post("/versions/online/phase/pause", nil, htmx), http.StatusConflict)
		wantStatus(t, e.adminC.post("/versions/online/phase/nonsense", nil, htmx), http.StatusNotFound)
	})
}

// The full button completes a phased release; cancelling asks first and returns everyone
// to the previous version; a plan that has run 15 days is full by itself.
func TestPhaseFullCancelAndAutoFull(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(true)
		e.released("1.0.0", "full", 0)
		e.released("2.0.0", "phased", 20)
		wantRedirect(t, e.adminC.submit("/versions/online/phase/full", nil, htmx), htmx, "/versions")
		if v, phase, pct := e.online(); v != "2.0.0" || phase != "done" || pct != "100" {
			t.Fatalf("after full: %s %s %s", v, phase, pct)
		}

		e.released("3.0.0", "phased", 20)
		confirm := e.adminC.open("/versions/online/phase/cancel")
		wantStatus(t, confirm, http.StatusOK)
		if confirm.doc.Find(`[data-testid="confirm-page"] form[action="/versions/online/phase/cancel"]`).Length() != 1 {
			t.Fatal("the cancel confirm page has no form")
		}
		wantRedirect(t, e.adminC.submit("/versions/online/phase/cancel", nil, htmx), htmx, "/versions")
		if v, _, _ := e.online(); v != "2.0.0" {
			t.Fatalf("after cancel the online version is %s, want 2.0.0", v)
		}
		wantStatus(t, e.adminC.get("/versions/online/phase/cancel"), http.StatusNotFound)

		e.released("4.0.0", "phased", 30)
		e.clock.Advance(15 * 24 * time.Hour)
		e.adminC = e.console(e.a, e.admin)
		if v, phase, pct := e.online(); v != "4.0.0" || phase != "done" || pct != "100" {
			t.Fatalf("after 15 days: %s %s %s, want 4.0.0 done 100", v, phase, pct)
		}
	})
}

// Rollback goes back to one of the last releases after asking; it is refused twice in a
// row or with nothing to go back to (rollback_unavailable) and during a phased release
// (phase_running).
func TestRollback(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(true)
		first := e.released("1.0.0", "full", 0)
		form := url.Values{"version_id": {strconv.FormatInt(first, 10)}}
		wantAlert(t, e.adminC.submit("/versions/rollback", form, htmx), http.StatusUnprocessableEntity, htmx, "rollback_unavailable")

		e.released("2.0.0", "full", 0)
		page := e.adminC.open("/versions")
		link := page.doc.Find(`[data-testid="release-row"][data-version="1.0.0"] a[data-testid="rollback-link"]`)
		if link.AttrOr("href", "") != "/versions/rollback/"+strconv.FormatInt(first, 10) {
			t.Fatalf("rollback link %q", link.AttrOr("href", ""))
		}
		confirm := e.adminC.open(link.AttrOr("href", ""))
		if confirm.doc.Find(`[data-testid="confirm-page"] input[name="version_id"][value="`+strconv.FormatInt(first, 10)+`"]`).Length() != 1 {
			t.Fatal("the rollback confirm page does not post the version")
		}
		wantStatus(t, e.adminC.get("/versions/rollback/999999"), http.StatusNotFound)
		wantRedirect(t, e.operatorC.submit("/versions/rollback", form, htmx), htmx, "/versions")
		v, _, _ := e.online()
		if v != "1.0.0" {
			t.Fatalf("after rollback online is %s, want 1.0.0", v)
		}
		wantAlert(t, e.adminC.submit("/versions/rollback", form, htmx), http.StatusUnprocessableEntity, htmx, "rollback_unavailable")

		e.released("3.0.0", "full", 0)
		e.released("4.0.0", "phased", 10)
		wantAlert(t, e.adminC.submit("/versions/rollback", form, htmx), http.StatusUnprocessableEntity, htmx, "phase_running")
		if v, _, _ := e.online(); v != "4.0.0" {
			t.Errorf("a refused rollback changed the online version to %s", v)
		}
		wantStatus(t, e.devC.post("/versions/rollback", form, htmx), http.StatusForbidden)
	})
}

// Every step taken in the console and in /ops is written to the operation log (SPEC §12),
// in order, by the platform for the ops decisions.
func TestVersionsOpLog(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.ready(true)
	before := len(e.oplogActions(e.a))
	id := e.uploaded(e.devC, "1.0.0")
	wantRedirect(t, e.devC.post("/versions/"+strconv.FormatInt(id, 10)+"/trial", nil, false), false, "/versions")
	e.submitted(id)
	wantRedirect(t, e.adminC.post("/versions/review/withdraw", nil, false), false, "/versions")
	wantRedirect(t, biDecide(e.ops, "code", e.submitted(id), "reject", "缺少隐私说明", false), false, "/ops")
	e.released("1.0.1", "full", 0)
	e.released("2.0.0", "phased", 10)
	steps := []string{"/versions/online/phase", "/versions/online/phase/pause", "/versions/online/phase/resume", "/versions/online/phase/full"}
	for _, p := range steps {
		wantRedirect(t, e.adminC.post(p, url.Values{"percent": {"50"}}, false), false, "/versions")
	}
	wantRedirect(t, e.adminC.post("/versions/rollback", url.Values{"version_id": {strconv.FormatInt(e.query(`SELECT id FROM versions WHERE version = '1.0.1'`), 10)}}, false), false, "/versions")
	e.released("3.0.0", "phased", 10)
	wantRedirect(t, e.adminC.post("/versions/online/phase/cancel", nil, false), false, "/versions")
	wantRedirect(t, e.devC.post("/versions/"+strconv.FormatInt(id, 10)+"/delete", nil, false), false, "/versions")

	got := e.oplogActions(e.a)
	got = got[:len(got)-before]
	want := []string{"version_uploaded", "trial_set", "review_submitted", "review_withdrawn", "review_submitted", "code_rejected",
		"version_uploaded", "review_submitted", "code_approved", "version_released",
		"version_uploaded", "review_submitted", "code_approved", "version_released",
		"phase_percent_set", "phase_paused", "phase_resumed", "phase_full",
		"version_rolled_back",
		"version_uploaded", "review_submitted", "code_approved", "version_released", "phase_cancelled",
		"version_deleted"}
	for i, j := 0, len(got)-1; i < j; i, j = i+1, j-1 {
		got[i], got[j] = got[j], got[i]
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("operation log\n got %v\nwant %v", got, want)
	}
}

// Raising the share with no phased release in progress: an invalid share is the page alert
// (the form is not on the page), a valid one a conflict.
func TestPhasePercentWithoutPhase(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(true)
		e.released("1.0.0", "full", 0)
		wantAlert(t, e.adminC.submit("/versions/online/phase", url.Values{"percent": {"0"}}, htmx), http.StatusUnprocessableEntity, htmx, "percent_invalid")
		wantStatus(t, e.adminC.post("/versions/online/phase", url.Values{"percent": {"50"}}, htmx), http.StatusConflict)
	})
}
