package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The submit form offers the package's pages and the account's approved categories;
// submitting puts the version in the review block as waiting, and the ops queue gets a
// code review with the version, its page groups and the package's file list.
func TestVersionSubmit(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(false)
		id := e.uploaded(e.devC, "1.0.0")
		path := "/versions/" + strconv.FormatInt(id, 10) + "/submit"
		form := e.operatorC.open(path)
		wantStatus(t, form, http.StatusOK)
		if n := form.doc.Find(`select[name="page.0"] option[value="pages/about"]`).Length(); n != 1 {
			t.Error("the form does not offer the package's pages")
		}
		if form.doc.Find(`select[name="category.0"] option[value="`+strconv.FormatInt(e.category, 10)+`"]`).Length() != 1 {
			t.Error("the form does not offer the approved category")
		}
		if n := form.doc.Find(`[data-testid="page-group"]`).Length(); n != 5 {
			t.Errorf("%d page groups offered, want 5", n)
		}
		wantRedirect(t, e.operatorC.submit(path, e.group("pages/about"), htmx), htmx, "/versions")
		page := e.operatorC.open("/versions")
		rv := page.doc.Find(`[data-testid="review-version"]`)
		if rv.AttrOr("data-version", "") != "1.0.0" || rv.AttrOr("data-status", "") != "pending" {
			t.Errorf("review block shows %q %q, want 1.0.0 pending", rv.AttrOr("data-version", ""), rv.AttrOr("data-status", ""))
		}
		if !strings.Contains(page.doc.Find(`[data-testid="review-groups"]`).Text(), "pages/about") {
			t.Error("the review block does not list the page group")
		}

		queue := e.ops.open("/ops")
		item := queue.doc.Find(`[data-testid="review-item"][data-kind="code"]`)
		if item.Length() != 1 || item.Find(`[data-testid="review-code"]`).AttrOr("data-version", "") != "1.0.0" {
			t.Fatalf("the ops queue has no code review of 1.0.0")
		}
		var files []string
		item.Find(`[data-testid="review-file"]`).Each(func(_ int, s *goquery.Selection) { files = append(files, s.Text()) })
		sort.Strings(files)
		if strings.Join(files, " ") != "app.js app.json pages/about.js pages/index.js" {
			t.Errorf("files listed %v", files)
		}
		if !strings.Contains(item.Find(`[data-testid="review-groups"]`).Text(), "天气") {
			t.Error("the reviewer does not see the tags")
		}
	})
	t.Run("the developer may not submit", func(t *testing.T) {
		e := newVerEnv(t, "personal")
		e.ready(false)
		id := e.uploaded(e.devC, "1.0.0")
		wantStatus(t, e.devC.post("/versions/"+strconv.FormatInt(id, 10)+"/submit", e.group("pages/index"), false), http.StatusForbidden)
		if e.devC.get("/versions").doc.Find(`[data-testid="version-submit"]`).Length() != 0 {
			t.Error("the developer is offered the submit link")
		}
	})
}

// Every refusal of a submission (SPEC §12) is shown next to its page group, or as the page
// alert naming what of the basic info is missing; nothing is submitted.
func TestVersionSubmitErrors(t *testing.T) {
	for _, c := range []struct {
		name        string
		ready       bool
		form        func(e *verEnv) url.Values
		field, code string
	}{
		{"basic info incomplete", false, func(e *verEnv) url.Values { return e.group("pages/index") }, "", "basic_info_incomplete"},
		{"six groups", true, func(e *verEnv) url.Values {
			f := url.Values{}
			for i := range 6 {
				n := strconv.Itoa(i)
				f.Set("page."+n, "pages/index")
				f.Set("category."+n, strconv.FormatInt(e.category, 10))
			}
			return f
		}, "pages", "review_groups"},
		{"unknown category", true, func(e *verEnv) url.Values {
			f := e.group("pages/index")
			f.Set("category.0", "999999")
			return f
		}, "category.0", "category_invalid"},
		{"page not in app.json", true, func(e *verEnv) url.Values { return e.group("pages/missing") }, "page.0", "page_invalid"},
		{"tag of 11 characters", true, func(e *verEnv) url.Values {
			f := e.group("pages/index")
			f.Set("tags.0", "一二三四五六七八九十一")
			return f
		}, "tags.0", "tags_invalid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				e := newVerEnv(t, "personal")
				if c.ready {
					e.ready(false)
				}
				id := e.uploaded(e.adminC, "1.0.0")
				r := e.adminC.submit("/versions/"+strconv.FormatInt(id, 10)+"/submit", c.form(e), htmx)
				if c.field == "" {
					wantAlert(t, r, http.StatusUnprocessableEntity, htmx, c.code)
					var missing []string
					r.doc.Find(`[data-testid="missing-info"] [data-missing]`).Each(func(_ int, s *goquery.Selection) {
						missing = append(missing, s.AttrOr("data-missing", ""))
					})
					if strings.Join(missing, " ") != "name icon intro category" {
						t.Errorf("missing items named %v, want name icon intro category", missing)
					}
				} else {
					wantFieldError(t, r, htmx, c.field, c.code)
				}
				if n := e.query(`SELECT count(*) FROM code_reviews`); n != 0 {
					t.Errorf("a refused submission stored %d reviews", n)
				}
			})
		})
	}
	t.Run("five groups pass", func(t *testing.T) {
		e := newVerEnv(t, "personal")
		e.ready(false)
		id := e.uploaded(e.adminC, "1.0.0")
		f := url.Values{}
		for i := range 5 {
			f.Set("page."+strconv.Itoa(i), "pages/index")
			f.Set("category."+strconv.Itoa(i), strconv.FormatInt(e.category, 10))
		}
		wantRedirect(t, e.adminC.submit("/versions/"+strconv.FormatInt(id, 10)+"/submit", f, false), false, "/versions")
	})
}

// A waiting review can be withdrawn 5 times a day (withdraw_quota, SPEC §12); the next
// day allows more.
func TestReviewWithdraw(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(false)
		id := e.uploaded(e.adminC, "1.0.0")
		for i := range 5 {
			e.submitted(id)
			wantRedirect(t, e.operatorC.submit("/versions/review/withdraw", nil, htmx), htmx, "/versions")
			if i == 0 && e.operatorC.open("/versions").testid("review-empty") == "" {
				t.Fatal("the review block is not empty after a withdrawal")
			}
		}
		e.submitted(id)
		r := e.operatorC.submit("/versions/review/withdraw", nil, htmx)
		wantAlert(t, r, http.StatusUnprocessableEntity, htmx, "withdraw_quota")
		if e.query(`SELECT count(*) FROM code_reviews WHERE status = 'pending'`) != 1 {
			t.Error("the refused withdrawal took the review back")
		}
		e.clock.Advance(24 * time.Hour)
		e.operatorC = e.console(e.a, e.operator) // the session of yesterday has expired
		wantRedirect(t, e.operatorC.submit("/versions/review/withdraw", nil, htmx), htmx, "/versions")
		wantStatus(t, e.operatorC.post("/versions/review/withdraw", nil, htmx), http.StatusConflict)
	})
}

// Ops decide a code review from the queue: an approval offers the release form, a
// rejection carries its reason to the review block.
func TestOpsCodeDecision(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newVerEnv(t, "personal")
		e.ready(false)
		review := e.submitted(e.uploaded(e.adminC, "1.0.0"))
		r := biDecide(e.ops, "code", review, "reject", "", htmx)
		wantFieldError(t, r, htmx, "reason", "reason_required")
		wantRedirect(t, biDecide(e.ops, "code", review, "reject", "首页无法打开", htmx), htmx, "/ops")
		page := e.adminC.open("/versions")
		if page.doc.Find(`[data-testid="review-version"]`).AttrOr("data-status", "") != "rejected" || page.testid("review-reason") != "首页无法打开" {
			t.Errorf("review block: status %q reason %q", page.doc.Find(`[data-testid="review-version"]`).AttrOr("data-status", ""), page.testid("review-reason"))
		}
		review = e.submitted(e.uploaded(e.adminC, "1.0.1"))
		wantRedirect(t, biDecide(e.ops, "code", review, "approve", "", htmx), htmx, "/ops")
		page = e.adminC.open("/versions")
		if page.doc.Find(`[data-testid="review-version"][data-status="approved"]`).Length() != 1 ||
			page.doc.Find(`button[data-testid="review-release"]`).Length() != 1 {
			t.Error("an approved review offers no release")
		}
		if e.operatorC.get("/versions").doc.Find(`button[data-testid="review-release"]`).Length() != 1 {
			t.Error("the operator is not offered the release")
		}
		if e.devC.get("/versions").doc.Find(`button[data-testid="review-release"]`).Length() != 0 {
			t.Error("the developer is offered the release")
		}
	})
}
