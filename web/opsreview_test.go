package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// /ops needs a simulator session of an operator: signed out goes to /wx/login, anyone
// else gets 403, also for decisions.
func TestOpsAccess(t *testing.T) {
	e := newEnv(t)
	r := e.client().get("/ops")
	wantStatus(t, r, http.StatusSeeOther)
	if r.location() != "/wx/login?next=%2Fops" {
		t.Fatalf("signed out: 303 to %q", r.location())
	}
	admin := e.person("admin_one", "张三")
	a := e.account("org@example.com", admin, "enterprise")
	plain := e.wx(admin)
	wantStatus(t, plain.get("/ops"), http.StatusForbidden)
	wantStatus(t, biDecide(plain, "subject", a.ID, "approve", "", false), http.StatusForbidden)
	if got := biInfo(e, a).Account.SubjectVerification; got != "pending" {
		t.Fatalf("a non-operator decided: %q", got)
	}
	_, ops := newReviewer(e, "reviewer1")
	wantStatus(t, ops.get("/ops"), http.StatusOK)
}

// One queue lists subject verifications, filings, authentications and categories, oldest
// first; each kind can be approved and rejected (a rejection needs a reason), and every
// decision is recorded with the operator and the time.
func TestOpsQueueDecisions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := e.person("admin_one", "张三")
	org := e.account("org@example.com", admin, "enterprise") // subject pending
	e.clock.Advance(time.Minute)
	org2 := e.account("org2@example.com", admin, "media") // subject pending
	e.clock.Advance(time.Minute)
	c := e.console(org, admin)
	wantStatus(t, c.post("/settings/filing", filingForm("submit"), false), http.StatusSeeOther)
	e.clock.Advance(time.Minute)
	wantStatus(t, biUpload(c, "/settings/verify", verifyFieldsOK, "document", "l.pdf", []byte("%PDF-1.4"), false), http.StatusSeeOther)
	e.clock.Advance(time.Minute)
	wantStatus(t, c.post("/settings/basic/categories", url.Values{"first": {"health"}, "second": {"health.pharmacy"}}, false), http.StatusSeeOther)
	e.clock.Advance(time.Minute)
	wantStatus(t, c.post("/settings/basic/categories", url.Values{"first": {"education"}, "second": {"education.online"}}, false), http.StatusSeeOther)
	op, ops := newReviewer(e, "reviewer1")

	r := ops.get("/ops")
	wantStatus(t, r, http.StatusOK)
	var kinds []string
	r.doc.Find(`[data-testid="review-item"]`).Each(func(_ int, s *goquery.Selection) { kinds = append(kinds, s.AttrOr("data-kind", "")) })
	want := []string{"subject", "subject", "filing", "authentication", "category", "category"}
	if len(kinds) != len(want) {
		t.Fatalf("queue %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("queue %v, want %v (oldest first)", kinds, want)
		}
	}
	b := biInfo(e, org)
	ids := map[string]int64{"filing": b.Filing.ID, "authentication": b.Auth.ID, "category": b.Categories[0].ID}

	// A rejection without a reason, or no decision at all, is 422 next to that item.
	for _, htmx := range []bool{false, true} {
		r := biDecide(ops, "filing", ids["filing"], "reject", "  ", htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantFragment(t, r, htmx)
		item := r.doc.Find(`[data-testid="review-item"][data-kind="filing"]`)
		if got := item.Find(`[data-error-for="reason"]`).AttrOr("data-error-code", ""); got != "reason_required" {
			t.Fatalf("reject without a reason: %q", got)
		}
		r = biDecide(ops, "category", ids["category"], "maybe", "", htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.errCode("decision"); got != "decision_invalid" {
			t.Fatalf("no decision: %q", got)
		}
	}
	wantStatus(t, biDecide(ops, "nonsense", 1, "approve", "", false), http.StatusNotFound)
	wantStatus(t, biDecide(ops, "filing", 999999, "approve", "", false), http.StatusNotFound)
	wantStatus(t, ops.post("/ops/filing/abc", url.Values{"decision": {"approve"}}, false), http.StatusNotFound)

	wantStatus(t, biDecide(ops, "subject", org.ID, "approve", "", false), http.StatusSeeOther)
	wantStatus(t, biDecide(ops, "subject", org2.ID, "reject", "营业执照已过期", true), http.StatusNoContent)
	wantStatus(t, biDecide(ops, "filing", ids["filing"], "approve", "", false), http.StatusSeeOther)
	wantStatus(t, biDecide(ops, "authentication", ids["authentication"], "approve", "", false), http.StatusSeeOther)
	wantStatus(t, biDecide(ops, "category", ids["category"], "approve", "", false), http.StatusSeeOther)
	wantStatus(t, biDecide(ops, "category", b.Categories[1].ID, "reject", "缺少办学许可证", false), http.StatusSeeOther)
	for kind, id := range map[string]int64{"subject": org.ID, "authentication": ids["authentication"], "category": ids["category"]} {
		wantStatus(t, biDecide(ops, kind, id, "reject", "again", false), http.StatusConflict)
		// Decided is decided: no form error about the missing reason.
		wantStatus(t, biDecide(ops, kind, id, "reject", "", false), http.StatusConflict)
	}
	r = biDecide(ops, "category", ids["category"], "perhaps", "", false)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.errCode(""); got != "decision_invalid" {
		t.Fatalf("a bad decision on an item no longer listed: alert %q", got)
	}

	b = biInfo(e, org)
	if b.Account.SubjectVerification != "approved" || b.Filing.Status != store.FilingSMSVerification ||
		!b.Account.Authenticated(e.clock.Now()) || b.Categories[0].Status != "approved" || b.Categories[1].Status != "rejected" {
		t.Fatalf("after the decisions: %+v", b)
	}
	basic := c.get("/settings/basic")
	if got := basic.doc.Find(`tr[data-second="education.online"] [data-testid="category-reason"]`).Text(); got != "缺少办学许可证" {
		t.Fatalf("category rejection reason shown: %q", got)
	}
	home := e.console(org2, admin).get("/home")
	if home.doc.Find(`[data-testid="subject-verification"]`).AttrOr("data-state", "") != "rejected" ||
		home.testid("subject-rejection") == "" || home.doc.Find(`[data-todo="todo.subject_rejected"]`).Length() != 1 {
		t.Fatalf("/home does not show the subject rejection and its reason: %q", home.testid("subject-rejection"))
	}
	decisions, err := e.st.RecentDecisions(ctx, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(decisions) != 6 {
		t.Fatalf("%d decisions recorded, want 6", len(decisions))
	}
	for _, d := range decisions {
		if d.Operator != op.WechatID || !d.At.Equal(e.clock.Now()) {
			t.Fatalf("decision %+v lacks the operator or the time", d)
		}
	}
	r = ops.get("/ops")
	if n := r.doc.Find(`[data-testid="decision-row"]`).Length(); n != 6 {
		t.Fatalf("%d decisions listed", n)
	}
	if got := r.doc.Find(`[data-testid="review-item"]`).Length(); got != 0 {
		t.Fatalf("%d items still waiting", got)
	}
}

// /home's to-do list follows the real state of each item until nothing is left.
func TestHomeTodo(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	todos := func() []string {
		r := c.get("/home")
		wantStatus(t, r, http.StatusOK)
		var out []string
		r.doc.Find(`[data-testid="todo"] li`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("data-todo", "")) })
		return out
	}
	want := []string{"todo.name", "todo.icon", "todo.intro", "todo.category", "todo.filing", "todo.secret"}
	if got := todos(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("to-do %v, want %v", got, want)
	}
	dev, _ := e.activeMember(a, "dev_one", "developer")
	if got := e.console(a, dev).get("/home").doc.Find(`[data-todo="todo.secret"]`).Length(); got != 0 {
		t.Fatal("a developer, who cannot generate the AppSecret, is asked to")
	}
	e.appSecret(a, admin)
	wantStatus(t, c.post("/settings/basic/name", url.Values{"name": {"天气助手"}}, false), http.StatusSeeOther)
	wantStatus(t, biUpload(c, "/settings/basic/icon", nil, "icon", "i.bmp", biImage(t, "bmp", 16, 16), false), http.StatusSeeOther)
	wantStatus(t, c.post("/settings/basic/intro", url.Values{"intro": {"查询天气的小工具"}}, false), http.StatusSeeOther)
	wantStatus(t, c.post("/settings/basic/categories", url.Values{"first": {"tool"}, "second": {"tool.weather"}}, false), http.StatusSeeOther)
	wantStatus(t, c.post("/settings/filing", filingForm("submit"), false), http.StatusSeeOther)
	if got := todos(); len(got) != 1 || got[0] != "todo.filing_reviewing" {
		t.Fatalf("to-do %v, want only the filing in review", got)
	}
	_, ops := newReviewer(e, "reviewer1")
	id := biInfo(e, a).Filing.ID
	wantStatus(t, biDecide(ops, "filing", id, "approve", "", false), http.StatusSeeOther)
	if got := todos(); len(got) != 1 || got[0] != "todo.filing_sms" {
		t.Fatalf("to-do %v, want the SMS step", got)
	}
	wantStatus(t, c.post("/settings/filing/sms", nil, false), http.StatusSeeOther)
	wantStatus(t, biDecide(ops, "filing", id, "approve", "", false), http.StatusSeeOther)
	r := c.get("/home")
	if r.testid("todo-empty") == "" || r.doc.Find(`[data-testid="todo"] li`).Length() != 0 {
		t.Fatalf("to-do not empty: %v", todos())
	}
}
