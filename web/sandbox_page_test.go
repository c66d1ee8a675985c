package web

import (
	"net/http"
	"net/url"
	"testing"

	"mpconsole/store"
)

// The fault form adds a rule (303 to the page, or HX-Redirect), refuses a bad one with
// the field's error (422), and the rule's delete button removes it; plain and htmx.
func TestSandboxFaultForm(t *testing.T) {
	modes(t, func(t *testing.T, htmx bool) {
		e := newAPIEnv(t)
		dev := e.person("dev_one", "")
		e.member(e.acct, dev, store.KindProject, "developer", "active")
		c := e.console(e.acct, dev)
		good := url.Values{"endpoint": {"/cgi-bin/token"}, "kind": {"errcode"}, "errcode": {"45009"}, "count": {"2"}, "latency_ms": {"100"}}
		wantRedirect(t, c.submit("/dev/sandbox/faults", good, htmx), htmx, "/dev/sandbox")
		page := c.open("/dev/sandbox")
		rule := page.doc.Find(`[data-testid="fault-rule"]`)
		if rule.Length() != 1 || rule.AttrOr("data-active", "") != "true" {
			t.Fatalf("rules shown: %d", rule.Length())
		}
		if got := rule.Find("td").Eq(2).Text() + " / " + rule.Find("td").Eq(3).Text(); got != "errcode 45009 / the next calls (2 left)" {
			t.Errorf("rule row: %q", got)
		}
		bad := url.Values{"endpoint": {"/cgi-bin/token"}, "kind": {"errcode"}, "errcode": {"45009"}, "count": {"2"}, "probability": {"0.5"}}
		r := c.submit("/dev/sandbox/faults", bad, htmx)
		wantFieldError(t, r, htmx, "count", "fault_count_or_probability")
		wantValue(t, r, "probability", "0.5")
		bad = url.Values{"endpoint": {"/cgi-bin/token"}, "kind": {"html_502"}, "count": {"1"}, "latency_ms": {"10001"}}
		wantFieldError(t, c.submit("/dev/sandbox/faults", bad, htmx), htmx, "latency_ms", "fault_latency")
		id := rule.AttrOr("data-id", "")
		wantRedirect(t, c.submit("/dev/sandbox/faults/"+id+"/delete", nil, htmx), htmx, "/dev/sandbox")
		if n := c.open("/dev/sandbox").doc.Find(`[data-testid="fault-rule"]`).Length(); n != 0 {
			t.Errorf("%d rules after the delete", n)
		}
		r = c.submit("/dev/sandbox/faults/"+id+"/delete", nil, htmx)
		wantStatus(t, r, http.StatusNotFound)
	})
}

// The journal search narrows by errcode and endpoint; with htmx it answers the journal
// alone; an injected answer is marked with its rule.
func TestSandboxJournalSearch(t *testing.T) {
	e := newAPIEnv(t)
	e.apiGet(t, tokenURL(e.acct.AppID, e.secret))
	e.apiGet(t, tokenURL(e.acct.AppID, "0123456789abcdef0123456789abcdef"))
	e.rule(t, store.FaultForm{Endpoint: "/sns/jscode2session", Kind: store.FaultErrcode, ErrCode: "-1", Count: "1"})
	e.apiGet(t, sessionURL(e.acct.AppID, e.secret, e.code(e.admin)))
	e.st.FlushJournal()
	c := e.console(e.acct, e.admin)
	count := func(r resp) int { return r.doc.Find(`[data-testid="journal-entry"]`).Length() }
	if n := count(c.open("/dev/sandbox")); n != 3 {
		t.Errorf("%d entries, want 3", n)
	}
	r := c.open("/dev/sandbox?errcode=40125")
	if n := count(r); n != 1 || r.doc.Find(`[data-testid="journal-request"]`).Text() != "appid="+e.acct.AppID+"&grant_type=client_credential&secret=****cdef " {
		t.Errorf("errcode 40125: %d entries, request %q", n, r.doc.Find(`[data-testid="journal-request"]`).Text())
	}
	r = c.do("GET", "/dev/sandbox?endpoint=/sns/jscode2session", nil, "", true)
	wantStatus(t, r, http.StatusOK)
	wantFragment(t, r, true)
	if n := count(r); n != 1 || r.doc.Find(`[data-testid="journal-fault"]`).Length() != 1 {
		t.Errorf("jscode2session: %d entries, fault mark %d", n, r.doc.Find(`[data-testid="journal-fault"]`).Length())
	}
	if n := count(c.open("/dev/sandbox?from=2026-03-10T18:00")); n != 0 {
		t.Errorf("%d entries after 18:00 China time, want none", n)
	}
}
