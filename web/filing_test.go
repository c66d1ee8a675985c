package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"mpconsole/store"
)

func filingForm(action string) url.Values {
	return url.Values{"responsible_name": {"王五"}, "responsible_id_number": {store.IDNumberWithCheck("44030419900307123")},
		"responsible_phone": {"13912345678"}, "service_content": {"天气查询与出行提醒"}, "action": {action}}
}

func filingState(t *testing.T, c *client) string {
	t.Helper()
	r := c.get("/settings/filing")
	wantStatus(t, r, http.StatusOK)
	return r.doc.Find(`[data-testid="filing-state"]`).AttrOr("data-state", "")
}

// Each field of the filing form has its rule, shown next to it, plainly and with htmx.
func TestFilingFormRules(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	bad := url.Values{"responsible_name": {"王"}, "responsible_id_number": {"110105194912310021"},
		"responsible_phone": {"12345"}, "service_content": {"短"}, "action": {"submit"}}
	for _, htmx := range []bool{false, true} {
		r := c.post("/settings/filing", bad, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		wantFragment(t, r, htmx)
		for field, code := range map[string]string{"responsible_name": "responsible_name_invalid", "responsible_id_number": "id_number_invalid",
			"responsible_phone": "phone_invalid", "service_content": "service_content_invalid"} {
			if got := r.errCode(field); got != code {
				t.Errorf("%s: %q, want %q", field, got, code)
			}
		}
		if got := r.doc.Find(`input[name="responsible_phone"]`).AttrOr("value", ""); got != "12345" {
			t.Errorf("the form lost the typed phone: %q", got)
		}
	}
	if got := filingState(t, c); got != "none" {
		t.Fatalf("state after refused posts: %q", got)
	}
}

// The filing goes draft → platform_review → sms_verification → authority_review → filed,
// ops drive the reviews, the account withdraws until the authority, a rejection shows its
// reason and the fixed filing is resubmitted; every illegal step is 409.
func TestFilingStateMachine(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	c := e.console(a, admin)
	_, ops := newReviewer(e, "reviewer1")
	id := func() int64 {
		f, err := e.st.FilingOf(context.Background(), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	step := func(r resp, status int, want string) {
		t.Helper()
		wantStatus(t, r, status)
		if got := filingState(t, c); got != want {
			t.Fatalf("state %q, want %q", got, want)
		}
	}
	// Nothing to withdraw or confirm yet.
	step(c.post("/settings/filing/withdraw", nil, false), http.StatusConflict, "none")
	step(c.post("/settings/filing/sms", nil, true), http.StatusConflict, "none")
	step(c.post("/settings/filing", filingForm("save"), false), http.StatusSeeOther, "draft")
	step(c.post("/settings/filing", filingForm("submit"), true), http.StatusNoContent, "platform_review")
	step(c.post("/settings/filing", filingForm("save"), false), http.StatusConflict, "platform_review")
	step(c.post("/settings/filing/sms", nil, false), http.StatusConflict, "platform_review")
	step(c.post("/settings/filing/withdraw", nil, false), http.StatusSeeOther, "draft")
	step(biDecide(ops, "filing", id(), "approve", "", false), http.StatusConflict, "draft")
	step(c.post("/settings/filing", filingForm("submit"), false), http.StatusSeeOther, "platform_review")
	step(biDecide(ops, "filing", id(), "approve", "", false), http.StatusSeeOther, "sms_verification")
	if r := c.get("/settings/filing"); r.doc.Find(`[data-testid="filing-sms"]`).Length() != 1 {
		t.Fatal("no confirm-SMS button in sms_verification")
	}
	step(biDecide(ops, "filing", id(), "approve", "", false), http.StatusConflict, "sms_verification")
	step(c.post("/settings/filing/sms", nil, false), http.StatusSeeOther, "authority_review")
	step(c.post("/settings/filing/withdraw", nil, false), http.StatusConflict, "authority_review")
	step(c.post("/settings/filing", filingForm("submit"), false), http.StatusConflict, "authority_review")
	step(biDecide(ops, "filing", id(), "reject", "负责人证件与主体不一致", false), http.StatusSeeOther, "rejected")
	r := c.get("/settings/filing")
	if got := r.testid("filing-reason"); !regexp.MustCompile(`负责人证件与主体不一致`).MatchString(got) {
		t.Fatalf("the rejection reason is not shown: %q", got)
	}
	if r.doc.Find(`input[name="responsible_name"]`).AttrOr("value", "") != "王五" {
		t.Fatal("the rejected filing's data is not in the form to fix")
	}
	step(c.post("/settings/filing/withdraw", nil, false), http.StatusConflict, "rejected")
	step(c.post("/settings/filing", filingForm("submit"), false), http.StatusSeeOther, "platform_review")
	step(biDecide(ops, "filing", id(), "approve", "", true), http.StatusNoContent, "sms_verification")
	step(c.post("/settings/filing/sms", nil, true), http.StatusNoContent, "authority_review")
	step(biDecide(ops, "filing", id(), "approve", "", false), http.StatusSeeOther, "filed")
	number := c.get("/settings/filing").testid("filing-number")
	if !regexp.MustCompile(`^京ICP备2026\d{6}号-1X$`).MatchString(number) {
		t.Fatalf("filing number %q", number)
	}
	for _, p := range []string{"/settings/basic", "/home"} {
		if got := c.get(p).testid("filing-number"); got != number {
			t.Errorf("%s shows filing number %q, want %q", p, got, number)
		}
	}
	step(c.post("/settings/filing", filingForm("submit"), false), http.StatusConflict, "filed")
	step(c.post("/settings/filing/withdraw", nil, false), http.StatusConflict, "filed")
	step(biDecide(ops, "filing", id(), "reject", "late", false), http.StatusConflict, "filed")
}
