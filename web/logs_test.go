package web

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"mpconsole/store"
)

// logRows reads the rows of a /logs page: their ids and "action actor" pairs.
func logRows(r resp) (ids []string, rows []string) {
	r.doc.Find(`tr[data-testid="log-row"]`).Each(func(_ int, tr *goquery.Selection) {
		ids = append(ids, tr.AttrOr("data-id", ""))
		rows = append(rows, tr.AttrOr("data-action", "")+" "+tr.AttrOr("data-actor", ""))
	})
	return ids, rows
}

// whitelistChanges writes n operation-log rows as the administrator, a minute apart.
func (e *env) whitelistChanges(tm team, n int) {
	e.t.Helper()
	for i := range n {
		e.clock.Advance(time.Minute)
		if err := e.st.SetIPWhitelist(context.Background(), tm.a.ID, tm.admin.ID, []string{fmt.Sprintf("10.0.%d.1", i%250)}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// filingPassed has ops pass the account's filing through the platform review: a
// decision the log shows as the platform's.
func (e *env) filingPassed(tm team) {
	e.t.Helper()
	ctx := context.Background()
	reviewer := e.person("reviewer_1", "")
	must := func(err error) {
		e.t.Helper()
		if err != nil {
			e.t.Fatal(err)
		}
	}
	must(e.st.SetOperator(ctx, reviewer.WechatID, true))
	must(e.st.SaveFiling(ctx, tm.a.ID, tm.admin.ID, store.FilingForm{ResponsibleName: tm.admin.RealName,
		ResponsibleIDNumber: tm.admin.IDNumber, ResponsiblePhone: "13800138000", ServiceContent: "日志测试"}, true))
	f, err := e.st.FilingOf(ctx, tm.a.ID)
	must(err)
	must(e.st.Decide(ctx, store.ReviewFiling, f.ID, reviewer.ID, true, ""))
}

// /logs shows every change newest first with its time, actor (a person's WeChat ID and
// nickname, or the platform for an ops decision), the action's text in the page's
// language next to its code, target, client IP and summary.
func TestLogsPage(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.filingPassed(tm)
	e.clock.Advance(time.Minute)
	if err := e.st.SetIPWhitelist(store.WithClientIP(context.Background(), netip.MustParseAddr("203.0.113.7")), tm.a.ID, tm.admin.ID, []string{"10.1.2.*"}); err != nil {
		t.Fatal(err)
	}
	c := e.console(tm.a, tm.admin)
	for _, tc := range []struct{ lang, whitelist, filing, platform string }{
		{"en", "IP whitelist changed", "Filing passed the platform review", "Platform"},
		{"zh-CN", "IP 白名单", "", "平台"},
	} {
		r := c.get("/logs?lang=" + tc.lang)
		wantStatus(t, r, http.StatusOK)
		_, rows := logRows(r)
		if len(rows) < 3 || rows[0] != "ip_whitelist_set admin_one" || rows[1] != "filing_approved_platform_review platform" || rows[2] != "filing_submitted admin_one" {
			t.Fatalf("%s: rows %v", tc.lang, rows)
		}
		first := r.doc.Find(`tr[data-testid="log-row"]`).First()
		cells := first.Find("td")
		if got := strings.Join(strings.Fields(cells.Eq(0).Text()), " "); got != "2026-03-10 17:01" {
			t.Errorf("%s: time %q, want 2026-03-10 17:01 (China time)", tc.lang, got)
		}
		if got := cells.Eq(1).Text(); !strings.Contains(got, "admin_one") {
			t.Errorf("%s: actor %q", tc.lang, got)
		}
		if got := cells.Eq(2).Text(); !strings.Contains(got, tc.whitelist) || !strings.Contains(got, "ip_whitelist_set") {
			t.Errorf("%s: action %q, want %q and its code", tc.lang, got, tc.whitelist)
		}
		if got := strings.TrimSpace(cells.Eq(4).Text()); got != "203.0.113.7" {
			t.Errorf("%s: IP %q", tc.lang, got)
		}
		if got := strings.TrimSpace(cells.Eq(5).Text()); got != "— → 10.1.2.*" {
			t.Errorf("%s: summary %q", tc.lang, got)
		}
		platform := r.doc.Find(`tr[data-testid="log-row"][data-actor="platform"] td`)
		if got := strings.TrimSpace(platform.Eq(1).Text()); got != tc.platform {
			t.Errorf("%s: the ops decision's actor reads %q, want %q", tc.lang, got, tc.platform)
		}
		if tc.filing != "" && !strings.Contains(platform.Eq(2).Text(), tc.filing) {
			t.Errorf("%s: ops decision %q", tc.lang, platform.Eq(2).Text())
		}
		noRawIDs(t, "/logs "+tc.lang, r)
	}
}

// Paging is by row, 50 a page: rows that arrive while someone pages through neither repeat
// a row on the next page nor push one out of it; a fresh first page shows them.
func TestLogsPagingStable(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.whitelistChanges(tm, 110)
	c := e.console(tm.a, tm.admin)
	var all []string
	st, err := e.st.OpLog(context.Background(), tm.a.ID, store.LogFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	total := int(e.query(`SELECT count(*) FROM oplog WHERE account_id = ?`, tm.a.ID))
	r := c.get("/logs")
	wantStatus(t, r, http.StatusOK)
	ids, _ := logRows(r)
	if len(ids) != 50 || ids[0] != fmt.Sprint(st.Entries[0].ID) || r.doc.Find(`[data-testid="logs-newest"]`).Length() != 0 {
		t.Fatalf("page 1: %d rows from %v", len(ids), ids[:1])
	}
	all = append(all, ids...)
	e.whitelistChanges(tm, 7) // new rows while the reader is on page 1
	for page := 2; ; page++ {
		next, ok := r.doc.Find(`a[data-testid="logs-next"]`).Attr("href")
		if !ok {
			break
		}
		r = c.get(next)
		wantStatus(t, r, http.StatusOK)
		ids, _ = logRows(r)
		if r.doc.Find(`a[data-testid="logs-newest"]`).AttrOr("href", "") != "/logs" {
			t.Errorf("page %d: no link back to the newest", page)
		}
		all = append(all, ids...)
	}
	seen := map[string]bool{}
	for _, id := range all {
		if seen[id] {
			t.Fatalf("row %s shown twice", id)
		}
		seen[id] = true
	}
	if len(all) != total {
		t.Errorf("paged through %d rows, the log had %d when paging began", len(all), total)
	}
	if ids, _ := logRows(c.get("/logs")); len(ids) != 50 || ids[0] == all[0] {
		t.Errorf("a fresh first page starts at %s, not at the newest rows", ids[0])
	}
}

// The filters select by actor (WeChat ID, platform), action and days in China time, keep
// themselves in the next-page and CSV links, and a bad one is 422 with its error next to
// the field, plain and with htmx (the fragment).
func TestLogsFilters(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.filingPassed(tm)
	e.clock.Advance(24 * time.Hour) // 2026-03-11 in China
	e.whitelistChanges(tm, 55)
	c := e.console(tm.a, tm.admin)
	for _, tc := range []struct {
		query string
		rows  int
		want  string // every row's "action actor"
	}{
		{"actor=platform", 1, "filing_approved_platform_review platform"},
		{"actor=PLATFORM", 1, "filing_approved_platform_review platform"},
		{"actor=op_one", 1, "invitation_accepted op_one"},
		{"actor=nobody_here", 0, ""},
		{"action=ip_whitelist_set", 50, "ip_whitelist_set admin_one"},
		{"action=ip_whitelist_set&to=2026-03-10", 0, ""},
		{"actor=admin_one&from=2026-03-11&to=2026-03-11", 50, "ip_whitelist_set admin_one"},
		{"from=2026-03-10&to=2026-03-10&action=filing_submitted", 1, "filing_submitted admin_one"},
	} {
		r := c.get("/logs?" + tc.query)
		wantStatus(t, r, http.StatusOK)
		_, rows := logRows(r)
		if len(rows) != tc.rows {
			t.Errorf("%s: %d rows, want %d", tc.query, len(rows), tc.rows)
		}
		for _, row := range rows {
			if row != tc.want {
				t.Errorf("%s: row %q", tc.query, row)
				break
			}
		}
		q, _ := url.ParseQuery(tc.query)
		csv, _ := url.Parse(r.doc.Find(`a[data-testid="logs-csv"]`).AttrOr("href", ""))
		if csv.Path != "/logs.csv" || csv.Query().Encode() != q.Encode() {
			t.Errorf("%s: CSV link %s", tc.query, csv)
		}
	}
	r := c.get("/logs?action=ip_whitelist_set")
	next, _ := url.Parse(r.doc.Find(`a[data-testid="logs-next"]`).AttrOr("href", ""))
	if next.Query().Get("action") != "ip_whitelist_set" || next.Query().Get("before") == "" {
		t.Errorf("next page %s loses the filter", next)
	}
	if _, rows := logRows(c.get(next.String())); len(rows) != 5 || rows[4] != "ip_whitelist_set admin_one" {
		t.Errorf("the filtered second page: %v", rows)
	}

	for _, htmx := range []bool{false, true} {
		for _, tc := range []struct{ query, field, code string }{
			{"action=delete_everything", "action", "action_invalid"},
			{"from=2026-13-01", "from", "date_invalid"},
			{"to=yesterday", "to", "date_invalid"},
			{"from=11.03.2026&to=2026-03-1", "to", "date_invalid"},
		} {
			r := c.do("GET", "/logs?"+tc.query, nil, "", htmx)
			wantStatus(t, r, http.StatusUnprocessableEntity)
			wantFragment(t, r, htmx)
			if got := r.errCode(tc.field); got != tc.code {
				t.Errorf("%s (htmx %v): %s error %q, want %q", tc.query, htmx, tc.field, got, tc.code)
			}
			if r.doc.Find(`#f-`+tc.field).AttrOr("aria-invalid", "") != "true" {
				t.Errorf("%s: the field is not marked invalid", tc.query)
			}
			if r.doc.Find(`tr[data-testid="log-row"]`).Length() != 0 {
				t.Errorf("%s: rows shown under an error", tc.query)
			}
			wantStatus(t, c.get("/logs.csv?"+tc.query), http.StatusUnprocessableEntity)
		}
		r := c.do("GET", "/logs?actor=platform", nil, "", htmx)
		wantStatus(t, r, http.StatusOK)
		wantFragment(t, r, htmx)
	}
	if got := c.get("/logs?from=2026-13-01").errCode("from"); got != "date_invalid" {
		t.Errorf("from error %q", got)
	}
	// Every bad filter is named at once, not one per try.
	all := c.get("/logs?action=delete_everything&from=2026-13-01&to=yesterday")
	wantStatus(t, all, http.StatusUnprocessableEntity)
	for field, code := range map[string]string{"action": "action_invalid", "from": "date_invalid", "to": "date_invalid"} {
		if got := all.errCode(field); got != code {
			t.Errorf("three bad filters: %s error %q, want %q", field, got, code)
		}
	}
}

// A page cursor that is not a row of this account is 404, not someone else's log.
func TestLogsCursorOfAnotherAccount(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	other := e.account("other@example.com", e.person("admin_two", "李四"), "personal")
	theirs := e.query(`SELECT max(id) FROM oplog WHERE account_id = ?`, other.ID)
	c := e.console(tm.a, tm.admin)
	for _, b := range []string{fmt.Sprint(theirs), "abc", "-1", "0", "99999999"} {
		wantStatus(t, c.get("/logs?before="+b), http.StatusNotFound)
	}
	ours := e.query(`SELECT max(id) FROM oplog WHERE account_id = ?`, tm.a.ID)
	wantStatus(t, c.get(fmt.Sprintf("/logs?before=%d", ours)), http.StatusOK)
}

// The CSV holds every row the filters select, unpaged, newest first: UTF-8 with a
// byte-order mark, the headers and action texts in the page's language, the time with
// China's offset.
func TestLogsCSV(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	e.filingPassed(tm)
	e.whitelistChanges(tm, 60)
	c := e.console(tm.a, tm.admin)
	r := c.get("/logs.csv?lang=zh-CN&actor=platform")
	wantStatus(t, r, http.StatusOK)
	if ct, cd := r.header.Get("Content-Type"), r.header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || cd != `attachment; filename="oplog.csv"` {
		t.Errorf("headers %q, %q", ct, cd)
	}
	want := "\xef\xbb\xbf时间,操作人,昵称,操作代码,操作,对象,IP 地址,变更\r\n" +
		"2026-03-10T17:00:00+08:00,平台,,filing_approved_platform_review,备案通过平台初审,,,platform_review → sms_verification\r\n"
	if r.body != want {
		t.Errorf("CSV:\n%q\nwant\n%q", r.body, want)
	}
	r = c.get("/logs.csv?action=ip_whitelist_set&lang=en")
	lines := strings.Split(strings.TrimSuffix(r.body, "\r\n"), "\r\n")
	if len(lines) != 61 || lines[0] != "\ufeffTime,Actor,Nickname,Action code,Action,Target,IP address,Change" ||
		lines[1] != "2026-03-10T18:00:00+08:00,admin_one,admin_one,ip_whitelist_set,IP whitelist changed,,,10.0.58.1 → 10.0.59.1" {
		t.Errorf("%d lines: %q, %q", len(lines), lines[0], lines[1])
	}
	r = c.get("/logs.csv?actor=nobody")
	if r.status != http.StatusOK || r.body != "\ufeffTime,Actor,Nickname,Action code,Action,Target,IP address,Change\r\n" {
		t.Errorf("an empty selection: %d %q", r.status, r.body)
	}
}

// The demo's history is on /logs: people's changes and the platform's decisions, every
// action with its text.
func TestLogsDemoHistory(t *testing.T) {
	_, _, c := demoConsole(t)
	r := c.get("/logs?lang=zh-CN")
	wantStatus(t, r, http.StatusOK)
	_, rows := logRows(r)
	if len(rows) == 0 {
		t.Fatal("the demo has no log")
	}
	noRawIDs(t, "/logs of the demo", r)
	r = c.get("/logs?actor=platform")
	if _, rows := logRows(r); len(rows) == 0 {
		t.Errorf("no platform decisions in the demo's log")
	}
	t.Logf("demo log, first page: %v", rows)
}
