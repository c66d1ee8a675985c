package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// basic_info_incomplete names every missing item: name, icon, introduction, an approved
// category (one still in review does not count).
func TestSubmitNamesMissingBasicInfo(t *testing.T) {
	base := newFixture(t)
	for i, tc := range []struct {
		name    string
		set     []string // of name, icon, intro, category, reviewing
		missing string
	}{
		{"nothing set", nil, "name icon intro category"},
		{"name missing", []string{"icon", "intro", "category"}, "name"},
		{"icon missing", []string{"name", "intro", "category"}, "icon"},
		{"intro missing", []string{"name", "icon", "category"}, "intro"},
		{"category missing", []string{"name", "icon", "intro"}, "category"},
		{"category only in review", []string{"name", "icon", "intro", "reviewing"}, "category"},
		{"name and intro missing", []string{"icon", "category"}, "name intro"},
		{"complete", []string{"name", "icon", "intro", "category"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newVerEnvIn(base.sub(t), fmt.Sprintf("m%d", i), "personal")
			for _, item := range tc.set {
				var err error
				switch item {
				case "name":
					err = e.st.SetName(e.ctx, e.acct.ID, e.admin.ID, "资料测试"+e.tag)
				case "icon":
					err = e.st.SetIcon(e.ctx, e.acct.ID, e.admin.ID, bytes.NewReader(biPNG(16, 16)))
				case "intro":
					err = e.st.SetIntro(e.ctx, e.acct.ID, e.admin.ID, "介绍介绍介绍")
				case "category":
					err = e.st.AddCategory(e.ctx, e.acct.ID, e.admin.ID, "tool", "tool.weather")
				case "reviewing":
					err = e.st.AddCategory(e.ctx, e.acct.ID, e.admin.ID, "education", "education.online")
				}
				must(t, err)
			}
			v := e.upload(ByPerson(e.admin.ID), "1.0.0")
			e.category = int64(e.count(`SELECT COALESCE(max(id), 0) FROM account_categories WHERE account_id = ? AND status = 'approved'`, e.acct.ID))
			err := e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, v.ID, e.group())
			if tc.missing == "" {
				must(t, err)
				return
			}
			var inc *IncompleteError
			if !errors.As(err, &inc) || strings.Join(inc.Missing, " ") != tc.missing {
				t.Fatalf("err = %v, want missing %q", err, tc.missing)
			}
			wantCode(t, err, "", "basic_info_incomplete")
			if e.count(`SELECT count(*) FROM code_reviews WHERE account_id = ?`, e.acct.ID) != 0 {
				t.Fatal("a refused submission was stored")
			}
		})
	}
}

// The page groups: at most 5, each with a page of the package, one of the account's
// approved categories and tags of at most 10 characters; blank rows of the form are
// ignored. Only the administrator and operators submit.
func TestSubmitRefusals(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.complete()
	must(t, e.st.AddCategory(e.ctx, e.acct.ID, e.admin.ID, "education", "education.online")) // stays in review
	reviewing := int64(e.count(`SELECT id FROM account_categories WHERE second = 'education.online'`))
	otherAdmin := e.person("other_admin")
	other := e.account("other@example.com", otherAdmin, "personal")
	must(t, e.st.AddCategory(e.ctx, other.ID, otherAdmin.ID, "tool", "tool.calculator"))
	foreign := int64(e.count(`SELECT id FROM account_categories WHERE account_id = ?`, other.ID))
	v := e.upload(ByPerson(e.developer.ID), "1.0.0")
	g := PageGroup{Page: testPages[0], CategoryID: e.category, Tags: "天气"}
	groups := func(n int) []PageGroup {
		out := make([]PageGroup, n)
		for i := range out {
			out[i] = g
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		who     Person
		version int64
		groups  []PageGroup
		field   string
		want    string
	}{
		{"developer may not", e.developer, v.ID, groups(1), "", "forbidden"},
		{"analyst may not", e.analyst, v.ID, groups(1), "", "forbidden"},
		{"six groups", e.admin, v.ID, groups(6), "pages", "review_groups"},
		{"unknown category", e.admin, v.ID, []PageGroup{{Page: g.Page, CategoryID: 9999}}, "category.0", "category_invalid"},
		{"no category", e.admin, v.ID, []PageGroup{{Page: g.Page, Tags: "x"}}, "category.0", "category_invalid"},
		{"category in review", e.admin, v.ID, []PageGroup{g, {Page: g.Page, CategoryID: reviewing}}, "category.1", "category_invalid"},
		{"another account's category", e.admin, v.ID, []PageGroup{{Page: g.Page, CategoryID: foreign}}, "category.0", "category_invalid"},
		{"page not in app.json", e.admin, v.ID, []PageGroup{{Page: "pages/nope/nope", CategoryID: e.category}}, "page.0", "page_invalid"},
		{"page missing", e.admin, v.ID, []PageGroup{{CategoryID: e.category}}, "page.0", "page_invalid"},
		{"tag of 11 characters", e.admin, v.ID, []PageGroup{{Page: g.Page, CategoryID: e.category, Tags: "ok abcdefghijk"}}, "tags.0", "tags_invalid"},
		{"unknown version", e.admin, v.ID + 100, groups(1), "", "not_found"},
		{"tag of 10 CJK characters", e.admin, v.ID, []PageGroup{{Page: g.Page, CategoryID: e.category, Tags: strings.Repeat("天", 10)}}, "", "ok"},
		{"five groups and blank rows", e.operator, v.ID, append(groups(5), PageGroup{}, PageGroup{Tags: "  "}), "", "ok"},
		{"no groups", e.admin, v.ID, nil, "", "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.st.SubmitReview(e.ctx, e.acct.ID, tc.who.ID, tc.version, tc.groups)
			if got := outcome(err); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
			if tc.field != "" {
				wantCode(t, err, tc.field, tc.want)
			}
		})
	}
	r := e.page().Review
	if r == nil || r.Status != CodePending || len(r.Groups) != 0 {
		t.Fatalf("review slot %+v", r)
	}
	if n := e.count(`SELECT count(*) FROM code_reviews WHERE status = 'replaced'`); n != 2 {
		t.Fatalf("%d replaced reviews, want 2", n)
	}
}

// One review at a time: a new submission replaces the one waiting, which leaves the ops
// queue (a decision on it is a conflict); a rejection's reason reaches the review block and
// the log, and the platform is the actor.
func TestReviewSlotAndDecision(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.complete()
	a := e.upload(ByPerson(e.admin.ID), "1.0.0")
	b := e.upload(ByRobot(5), "1.1.0")
	must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, a.ID, e.group()))
	first := e.pendingReview()
	must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.operator.ID, b.ID, []PageGroup{{Page: testPages[1], CategoryID: e.category, Tags: "天气 查询"}}))
	second := e.pendingReview()
	queue, err := e.st.ReviewQueue(e.ctx)
	must(t, err)
	var codes []QueueItem
	for _, it := range queue {
		if it.Kind == ReviewCode {
			codes = append(codes, it)
		}
	}
	if len(codes) != 1 || codes[0].ID != second || codes[0].Account.AppID != e.acct.AppID {
		t.Fatalf("queue holds %+v, want only review %d", codes, second)
	}
	c := codes[0].Code
	if c.Version.Version != "1.1.0" || c.Version.Uploader.Robot != 5 || c.Version.Package.FileCount() != 2 ||
		fmt.Sprint(c.Groups) != fmt.Sprint([]ReviewGroup{{Page: testPages[1], First: "tool", Second: "tool.weather", Tags: []string{"天气", "查询"}}}) ||
		c.SubmittedBy != e.operator.WechatID {
		t.Fatalf("queue item shows %+v", c)
	}
	if err := e.st.Decide(e.ctx, ReviewCode, first, e.reviewer.ID, true, ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("deciding a replaced review: %v", err)
	}
	wantCode(t, e.st.Decide(e.ctx, ReviewCode, second, e.reviewer.ID, false, " "), "reason", "reason_required")
	if err := e.st.Decide(e.ctx, ReviewCode, second, e.admin.ID, true, ""); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a non-operator decided: %v", err)
	}
	must(t, e.st.Decide(e.ctx, ReviewCode, second, e.reviewer.ID, false, "页面无法打开"))
	r := e.page().Review
	if r == nil || r.Status != CodeRejected || r.Reason != "页面无法打开" || r.Version.ID != b.ID || r.DecidedAt.IsZero() {
		t.Fatalf("review block shows %+v", r)
	}
	if l := e.lastLog(); l.Action != "code_rejected" || l.PersonID != 0 || l.Robot != 0 || l.Detail != "1.1.0: 页面无法打开" {
		t.Fatalf("decision logged as %+v", l)
	}
	if err := e.st.Decide(e.ctx, ReviewCode, second, e.reviewer.ID, true, ""); !errors.Is(err, ErrConflict) {
		t.Fatalf("deciding twice: %v", err)
	}
	if e.count(`SELECT count(*) FROM decisions WHERE kind = 'code' AND item_id = ?`, second) != 1 {
		t.Fatal("the decision was not recorded")
	}
	// A new submission replaces a rejected review too, and can be approved.
	must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, a.ID, e.group()))
	must(t, e.st.Decide(e.ctx, ReviewCode, e.pendingReview(), e.reviewer.ID, true, ""))
	if r := e.page().Review; r == nil || r.Status != CodeApproved || r.Version.ID != a.ID {
		t.Fatalf("review block shows %+v", r)
	}
	want := "review_submitted review_submitted code_rejected review_submitted code_approved"
	if got := strings.Join(e.actions(), " "); !strings.HasSuffix(got, want) {
		t.Fatalf("log %q, want it to end with %q", got, want)
	}
}

// Withdrawals: only while waiting; at most 5 a day and 10 a month, on China's calendar.
func TestWithdrawQuota(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.complete()
	// 2026-03-10 09:00 UTC is 17:00 in China; the China day ends at 16:00 UTC.
	v := e.upload(ByPerson(e.admin.ID), "1.0.0")
	withdraw := func() error {
		must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, v.ID, e.group()))
		return e.st.WithdrawReview(e.ctx, e.acct.ID, e.operator.ID)
	}
	if err := e.st.WithdrawReview(e.ctx, e.acct.ID, e.admin.ID); !errors.Is(err, ErrConflict) {
		t.Fatalf("withdrawing with nothing waiting: %v", err)
	}
	for i := range 5 {
		if err := withdraw(); err != nil {
			t.Fatalf("withdrawal %d: %v", i+1, err)
		}
	}
	if got := e.page().WithdrawsLeft; got != 0 {
		t.Fatalf("%d withdrawals left after 5 today", got)
	}
	wantCode(t, withdraw(), "", "withdraw_quota")
	if r := e.page().Review; r == nil || r.Status != CodePending {
		t.Fatal("a refused withdrawal took the review back")
	}
	if err := e.st.WithdrawReview(e.ctx, e.acct.ID, e.developer.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a developer withdrew: %v", err)
	}
	e.clock.set(time.Date(2026, 3, 10, 15, 59, 59, 0, time.UTC)) // 23:59:59 in China, same day
	wantCode(t, e.st.WithdrawReview(e.ctx, e.acct.ID, e.admin.ID), "", "withdraw_quota")
	e.clock.set(time.Date(2026, 3, 10, 16, 0, 0, 0, time.UTC)) // 00:00 on the 11th in China
	must(t, e.st.WithdrawReview(e.ctx, e.acct.ID, e.admin.ID))
	for range 4 {
		must(t, withdraw())
	}
	// Ten this month: the next China day brings no more until the month turns.
	e.clock.set(time.Date(2026, 3, 31, 15, 59, 0, 0, time.UTC)) // 23:59 on 31 March in China
	if got := e.page().WithdrawsLeft; got != 0 {
		t.Fatalf("%d withdrawals left after 10 this month", got)
	}
	wantCode(t, withdraw(), "", "withdraw_quota")
	e.clock.set(time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)) // 00:00 on 1 April in China
	if got := e.page().WithdrawsLeft; got != 5 {
		t.Fatalf("%d withdrawals left in a new month, want 5", got)
	}
	must(t, e.st.WithdrawReview(e.ctx, e.acct.ID, e.admin.ID))
	if n := strings.Count(strings.Join(e.actions(), " "), "review_withdrawn"); n != 11 {
		t.Fatalf("%d withdrawals logged, want 11", n)
	}
}
