package store

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func ids(entries []LogEntry) []int64 {
	var out []int64
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}

// Pages of 50, newest first, each starting below the last row of the one before: rows
// written while someone pages appear on page 1 and move nothing on the later pages.
func TestOpLogPaging(t *testing.T) {
	e := newCredEnv(t)
	f := &fixture{t: t, ctx: t.Context(), st: e.st, clock: e.clock}
	whitelist := func(i int) {
		e.clock.Advance(time.Second)
		must(t, e.st.SetIPWhitelist(f.ctx, e.acct.ID, e.admin.ID, []string{fmt.Sprintf("10.0.0.%d", i)}))
	}
	for i := range 114 {
		whitelist(i)
	}
	all := logOf(t, e.st, e.acct.ID) // 114 and the rows of registration and the secret
	if len(all) < 120 || !slices.IsSortedFunc(all, func(a, b LogEntry) int { return b.At.Compare(a.At) }) {
		t.Fatalf("%d rows, newest first: want at least 120", len(all))
	}
	p1, err := e.st.OpLog(f.ctx, e.acct.ID, LogFilter{}, 0)
	must(t, err)
	if len(p1.Entries) != 50 || !slices.Equal(ids(p1.Entries), ids(all[:50])) || p1.Next != all[49].ID {
		t.Fatalf("page 1: %d rows, next %d", len(p1.Entries), p1.Next)
	}
	for i := range 3 {
		whitelist(200 + i) // new rows arrive while the first page is read
	}
	p2, err := e.st.OpLog(f.ctx, e.acct.ID, LogFilter{}, p1.Next)
	must(t, err)
	if !slices.Equal(ids(p2.Entries), ids(all[50:100])) || p2.Next != all[99].ID {
		t.Fatalf("page 2 moved: %v", ids(p2.Entries))
	}
	p3, err := e.st.OpLog(f.ctx, e.acct.ID, LogFilter{}, p2.Next)
	must(t, err)
	if !slices.Equal(ids(p3.Entries), ids(all[100:])) || p3.Next != 0 {
		t.Fatalf("last page: %v, next %d", ids(p3.Entries), p3.Next)
	}
	again, err := e.st.OpLog(f.ctx, e.acct.ID, LogFilter{}, 0)
	must(t, err)
	if again.Entries[0].Summary != "10.0.0.201 → 10.0.0.202" || again.Entries[3].ID != all[0].ID {
		t.Fatalf("page 1 after new rows starts %+v", again.Entries[0])
	}
	// Exactly one page: no next page.
	exact, err := e.st.OpLog(f.ctx, e.acct.ID, LogFilter{Action: "ip_whitelist_set"}, all[63].ID)
	must(t, err)
	if len(exact.Entries) != 50 || exact.Next != 0 {
		t.Fatalf("the last 50 whitelist rows: %d, next %d", len(exact.Entries), exact.Next)
	}
	other := f.account("other@example.com", f.person("other_admin"), "personal")
	if _, err := e.st.OpLog(f.ctx, other.ID, LogFilter{}, all[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("paging another account's log from this one's row: %v", err)
	}
}

// Each filter alone and together: the actor (a WeChat ID in any case, robot N, login,
// platform), the action, and the days from and to, cut at midnight China time.
func TestOpLogFilters(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.clock.set(time.Date(2026, 3, 10, 15, 59, 59, 0, time.UTC)) // 23:59:59 on 10 March in Beijing
	must(t, e.st.SetName(e.ctx, e.acct.ID, e.admin.ID, "过滤测试"))
	e.clock.Advance(time.Second)
	e.upload(ByRobot(3), "3.0.0")
	must(t, e.st.SetName(e.ctx, e.acct.ID, e.operator.ID, "过滤测试二"))
	must(t, e.st.AddCategory(e.ctx, e.acct.ID, e.admin.ID, "education", "education.online"))
	must(t, e.st.Decide(e.ctx, ReviewCategory, int64(e.count(`SELECT id FROM account_categories WHERE account_id = ?`, e.acct.ID)),
		e.reviewer.ID, true, ""))

	for _, c := range []struct {
		f    LogFilter
		want []string
	}{
		{LogFilter{Actor: "VER_OPERATOR"}, []string{"ver_operator name_set", "ver_operator invitation_accepted"}},
		{LogFilter{Actor: "robot 3"}, []string{"robot 3 version_uploaded"}},
		{LogFilter{Actor: "robot 4"}, nil},
		{LogFilter{Actor: "platform"}, []string{"platform category_approved"}},
		{LogFilter{Actor: "login"}, []string{"login subject_saved", "login account_activated", "login account_created"}},
		{LogFilter{Actor: "nobody_here"}, nil},
		{LogFilter{Action: "name_set"}, []string{"ver_operator name_set", "ver_admin name_set"}},
		{LogFilter{Action: "name_set", Actor: "ver_admin"}, []string{"ver_admin name_set"}},
		{LogFilter{Action: "name_set", From: "2026-03-11"}, []string{"ver_operator name_set"}},
		{LogFilter{Action: "name_set", To: "2026-03-10"}, []string{"ver_admin name_set"}},
		{LogFilter{From: "2026-03-11", To: "2026-03-11"}, []string{"platform category_approved", "ver_admin category_added",
			"ver_operator name_set", "robot 3 version_uploaded"}},
		{LogFilter{From: "2026-03-12"}, nil},
	} {
		if got := logLines(t, e, c.f); !slices.Equal(got, c.want) {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
	}
	var each []string
	must(t, e.st.OpLogEach(e.ctx, e.acct.ID, LogFilter{Action: "name_set"}, func(l LogEntry) error {
		each = append(each, l.Actor()+" "+l.Action)
		return nil
	}))
	if !slices.Equal(each, logLines(t, e, LogFilter{Action: "name_set"})) {
		t.Fatalf("the unpaged rows differ: %q", each)
	}
	_, err := e.st.OpLog(e.ctx, e.acct.ID, LogFilter{Action: "no_such_action"}, 0)
	wantCode(t, err, "action", "action_invalid")
	_, err = e.st.OpLog(e.ctx, e.acct.ID, LogFilter{From: "2026/03/10"}, 0)
	wantCode(t, err, "from", "date_invalid")
	err = e.st.OpLogEach(e.ctx, e.acct.ID, LogFilter{To: "yesterday"}, func(LogEntry) error { return nil })
	wantCode(t, err, "to", "date_invalid")
}

// The client's address travels in the context, IPv4 written plainly; rows written without
// one (the platform's own steps) have none.
func TestOpLogClientIP(t *testing.T) {
	e := newCredEnv(t)
	for addr, want := range map[string]string{"::ffff:198.51.100.4": "198.51.100.4", "2001:db8::1": "2001:db8::1", "": ""} {
		ctx := t.Context()
		if addr != "" {
			ctx = WithClientIP(ctx, netip.MustParseAddr(addr))
		}
		must(t, e.st.SetIPWhitelist(ctx, e.acct.ID, e.admin.ID, nil))
		if l := logOf(t, e.st, e.acct.ID)[0]; l.ClientIP != want {
			t.Errorf("written from %q: client IP %q, want %q", addr, l.ClientIP, want)
		}
	}
}

// What a request of the automation API changes without a person is logged with its sandbox
// token as actor, by name, and the actor filter finds it as "token NAME"; a person acting
// under the same context stays the actor, and the platform's own rows stay the platform's.
func TestOpLogSandboxTokenActor(t *testing.T) {
	e := newVerEnv(t, "personal")
	ctx := WithSandboxToken(e.ctx, "backend CI")
	must(t, e.st.AdvanceClock(ctx, e.acct.ID, 0, time.Hour))
	must(t, e.st.SetName(ctx, e.acct.ID, e.admin.ID, "令牌测试"))
	must(t, e.st.ResetClock(e.ctx, e.acct.ID, 0))

	// The newest three rows are the test's.
	if got, want := logLines(t, e, LogFilter{}), []string{"platform clock_reset", "ver_admin name_set", "token backend CI clock_moved"}; len(got) < 3 || !slices.Equal(got[:3], want) {
		t.Fatalf("log: %q, want it to begin with %q", got, want)
	}
	for _, f := range []string{"token backend CI", "Token  backend CI "} {
		if got, want := logLines(t, e, LogFilter{Actor: f}), []string{"token backend CI clock_moved"}; !slices.Equal(got, want) {
			t.Errorf("actor %q: %q, want %q", f, got, want)
		}
	}
	if got := logLines(t, e, LogFilter{Actor: "token other"}); got != nil {
		t.Errorf("actor \"token other\": %q, want nothing", got)
	}
}

// logLines is the first page of the account's log under f, a line "actor action" a row.
func logLines(t *testing.T, e *verEnv, f LogFilter) []string {
	t.Helper()
	p, err := e.st.OpLog(e.ctx, e.acct.ID, f, 0)
	must(t, err)
	var out []string
	for _, l := range p.Entries {
		out = append(out, l.Actor()+" "+l.Action)
	}
	return out
}
