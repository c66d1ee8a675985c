package store

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// journalEntry is a call of the account at the clock's time.
func (e *credEnv) journalEntry(rid, endpoint string, errcode int) JournalEntry {
	return JournalEntry{Rid: rid, AccountID: e.acct.ID, At: e.clock.Now(), Method: "GET", Endpoint: endpoint, ClientIP: "127.0.0.1",
		Status: 200, ErrCode: errcode, RequestURL: "appid=" + e.acct.AppID}
}

func rids(es []JournalEntry) string {
	out := ""
	for _, e := range es {
		out += e.Rid + " "
	}
	return out
}

// The journal is written by its writer, in batches, and searched by rid, endpoint,
// errcode and time; an entry names its account by AppID when the call gave no token.
func TestJournalSearch(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	e.st.Journal(e.journalEntry("00000001-aaaaaaaa-aaaaaaaa", "/cgi-bin/token", 0))
	e.advance(time.Minute)
	e.st.Journal(e.journalEntry("00000002-aaaaaaaa-aaaaaaaa", "/cgi-bin/token", 40125))
	e.advance(time.Minute)
	byAppID := e.journalEntry("00000003-aaaaaaaa-aaaaaaaa", "/sns/jscode2session", 40029)
	byAppID.AccountID, byAppID.AppID = 0, e.acct.AppID
	e.st.Journal(byAppID)
	e.st.FlushJournal()
	code := 40125
	cases := []struct {
		q    JournalQuery
		want string
	}{
		{JournalQuery{}, "00000003-aaaaaaaa-aaaaaaaa 00000002-aaaaaaaa-aaaaaaaa 00000001-aaaaaaaa-aaaaaaaa "},
		{JournalQuery{Rid: "00000002-aaaaaaaa-aaaaaaaa"}, "00000002-aaaaaaaa-aaaaaaaa "},
		{JournalQuery{Endpoint: "/sns/jscode2session"}, "00000003-aaaaaaaa-aaaaaaaa "},
		{JournalQuery{ErrCode: &code}, "00000002-aaaaaaaa-aaaaaaaa "},
		{JournalQuery{From: time.Date(2026, 3, 10, 9, 1, 0, 0, time.UTC), To: time.Date(2026, 3, 10, 9, 2, 0, 0, time.UTC)}, "00000002-aaaaaaaa-aaaaaaaa "},
	}
	for _, c := range cases {
		got, err := e.st.SearchJournal(ctx, e.acct.ID, c.q)
		must(t, err)
		if rids(got) != c.want {
			t.Errorf("search %+v = %q, want %q", c.q, rids(got), c.want)
		}
	}
	other, err := e.st.SearchJournal(ctx, e.acct.ID+1, JournalQuery{})
	must(t, err)
	if len(other) != 0 {
		t.Errorf("another account sees %q", rids(other))
	}
	if _, err := e.st.JournalEntryOf(ctx, e.acct.ID+1, "00000001-aaaaaaaa-aaaaaaaa"); !errors.Is(err, ErrForbidden) {
		t.Errorf("another account's rid: %v, want ErrForbidden", err)
	}
}

// Entries are kept 7 days: rid/get no longer answers one older than that, and the
// writer deletes it once a later batch comes.
func TestJournalKeptSevenDays(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	e.st.Journal(e.journalEntry("00000001-bbbbbbbb-bbbbbbbb", "/cgi-bin/token", 0))
	e.st.FlushJournal()
	e.advance(7*24*time.Hour - time.Second)
	if _, err := e.st.JournalEntryOf(ctx, e.acct.ID, "00000001-bbbbbbbb-bbbbbbbb"); err != nil {
		t.Fatalf("a rid of 7 days less a second: %v", err)
	}
	e.advance(2 * time.Second)
	if _, err := e.st.JournalEntryOf(ctx, e.acct.ID, "00000001-bbbbbbbb-bbbbbbbb"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a rid over 7 days old: %v, want ErrNotFound", err)
	}
	e.st.Journal(e.journalEntry("00000002-bbbbbbbb-bbbbbbbb", "/cgi-bin/token", 0))
	e.st.FlushJournal()
	if n := e.journalRows(); n != 1 {
		t.Errorf("%d entries after the prune, want only the new one", n)
	}
}

// journalRows counts the rows in the request journal's file.
func (e *credEnv) journalRows() int {
	var n int
	must(e.t, e.st.jread.QueryRow(`SELECT count(*) FROM api_journal`).Scan(&n))
	return n
}

// A full batch (256 entries) is written without waiting for the timer.
func TestJournalFullBatchFlushes(t *testing.T) {
	e := newCredEnv(t)
	for i := range 256 {
		e.st.Journal(e.journalEntry(fmt.Sprintf("%08x-cccccccc-cccccccc", i), "/cgi-bin/token", 0))
	}
	deadline := time.After(5 * time.Second)
	for e.journalRows() < 256 {
		select {
		case <-deadline:
			t.Fatalf("a full batch of 256 was not written")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// clear_quota: today's token count back to 0, 10 times a calendar month (China time);
// the 11th is 48006; another AppID is 40013.
func TestClearQuota(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	for range 3 {
		_, err := e.st.IssueAccessToken(ctx, e.call(), 3)
		must(t, err)
	}
	_, err := e.st.IssueAccessToken(ctx, e.call(), 3)
	wantAPIError(t, err, 45009)
	var refusal *Refusal
	if !errors.As(err, &refusal) || refusal.Reason != ReasonTokenQuota || refusal.Args["Used"] != "3" || refusal.Args["Limit"] != "3" {
		t.Fatalf("refusal %+v, want token_quota 3 of 3", refusal)
	}
	wantAPIError(t, e.st.ClearQuota(ctx, e.acct.ID, "wx0000000000000000"), 40013)
	must(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID))
	q, err := e.st.APIQuotaOf(ctx, e.acct.ID, "/cgi-bin/token", 3)
	must(t, err)
	if q.Used != 0 || q.Remain != 3 || q.DailyLimit != 3 {
		t.Fatalf("after the clear: %+v, want 0 used of 3", q)
	}
	_, err = e.st.IssueAccessToken(ctx, e.call(), 3)
	must(t, err)
	for range 9 {
		must(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID))
	}
	wantAPIError(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID), 48006)
	p, err := e.st.QuotaPanelOf(ctx, e.acct.ID, 3)
	must(t, err)
	if p.ClearsUsed != 10 || p.ClearsLimit != 10 {
		t.Errorf("panel: %d of %d clears, want 10 of 10", p.ClearsUsed, p.ClearsLimit)
	}
	// 2026-03-31 16:00 UTC is already April in China.
	e.clock.Advance(time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	must(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID))
}

func (e *credEnv) faultRule(f FaultForm) FaultRule {
	e.t.Helper()
	r, err := e.st.AddFaultRule(e.t.Context(), e.acct.ID, f)
	must(e.t, err)
	return r
}

// A rule for the next N calls answers exactly N calls, then none; FaultsActive follows.
func TestFaultNextN(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	if e.st.FaultsActive() {
		t.Fatal("faults active before any rule")
	}
	r := e.faultRule(FaultForm{Endpoint: "/cgi-bin/token", Kind: FaultErrcode, ErrCode: "45009", Count: "3"})
	if !e.st.FaultsActive() {
		t.Fatal("a rule was added but faults are not active")
	}
	taken := 0
	for range 10 {
		got, ok, err := e.st.TakeFault(ctx, e.acct.ID, "/cgi-bin/token", 0.99)
		must(t, err)
		if ok {
			taken++
			if got.ID != r.ID || got.ErrCode != 45009 {
				t.Errorf("took %+v", got)
			}
		}
	}
	if taken != 3 {
		t.Errorf("the next-3 rule answered %d calls", taken)
	}
	if e.st.FaultsActive() {
		t.Error("the used-up rule still counts as active")
	}
	if _, ok, _ := e.st.TakeFault(ctx, e.acct.ID, "/sns/jscode2session", 0); ok {
		t.Error("a rule of /cgi-bin/token answered another endpoint")
	}
}

// A rule by probability p answers a share of the calls within a binomial bound: over
// 2,000 calls at p = 0.3, 600 ± 5 standard deviations (√(2000·0.3·0.7) ≈ 20.5).
func TestFaultProbability(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	e.faultRule(FaultForm{Endpoint: "/cgi-bin/token", Kind: FaultHTML502, Probability: "0.3"})
	hits := 0
	for range 2000 {
		_, ok, err := e.st.TakeFault(ctx, e.acct.ID, "/cgi-bin/token", rand.Float64())
		must(t, err)
		if ok {
			hits++
		}
	}
	sd := math.Sqrt(2000 * 0.3 * 0.7)
	if math.Abs(float64(hits)-600) > 5*sd {
		t.Errorf("%d of 2000 calls hit, want 600 ± %.0f", hits, 5*sd)
	}
}

// The form's rules: a path, a kind, an errcode for the errcode kind, a count or a
// probability, latency up to 10 s (10,000 ms).
func TestFaultRuleForm(t *testing.T) {
	e := newCredEnv(t)
	ok := FaultForm{Endpoint: "/cgi-bin/token", Kind: FaultErrcode, ErrCode: "-1", Count: "1", LatencyMS: "10000"}
	cases := []struct {
		name  string
		edit  func(f *FaultForm)
		field string
		code  string
	}{
		{"no leading slash", func(f *FaultForm) { f.Endpoint = "cgi-bin/token" }, "endpoint", "fault_endpoint"},
		{"unknown kind", func(f *FaultForm) { f.Kind = "slow" }, "kind", "fault_kind"},
		{"errcode 0", func(f *FaultForm) { f.ErrCode = "0" }, "errcode", "fault_errcode"},
		{"both count and probability", func(f *FaultForm) { f.Probability = "0.5" }, "count", "fault_count_or_probability"},
		{"neither", func(f *FaultForm) { f.Count = "" }, "count", "fault_count_or_probability"},
		{"count 0", func(f *FaultForm) { f.Count = "0" }, "count", "fault_count"},
		{"probability over 1", func(f *FaultForm) { f.Count, f.Probability = "", "1.5" }, "probability", "fault_probability"},
		{"probability 0", func(f *FaultForm) { f.Count, f.Probability = "", "0" }, "probability", "fault_probability"},
		{"latency over 10 s", func(f *FaultForm) { f.LatencyMS = "10001" }, "latency_ms", "fault_latency"},
		{"negative latency", func(f *FaultForm) { f.LatencyMS = "-1" }, "latency_ms", "fault_latency"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := ok
			c.edit(&f)
			_, err := e.st.AddFaultRule(t.Context(), e.acct.ID, f)
			wantCode(t, err, c.field, c.code)
		})
	}
	r := e.faultRule(ok)
	if r.Latency != 10*time.Second || r.ErrCode != -1 || r.Count != 1 {
		t.Errorf("the rule at the limits: %+v", r)
	}
	wantAPIError(t, FaultRefusal(r), -1)
	if err := e.st.DeleteFaultRule(t.Context(), e.acct.ID+1, r.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account deleted the rule: %v", err)
	}
	must(t, e.st.DeleteFaultRule(t.Context(), e.acct.ID, r.ID))
	if e.st.FaultsActive() {
		t.Error("faults active after the only rule was deleted")
	}
}

// wantReason checks a refusal's errcode, reason and values.
func wantReason(t *testing.T, err error, code APIError, reason string, args map[string]string) {
	t.Helper()
	var r *Refusal
	if !errors.As(err, &r) || r.Code != code || r.Reason != reason || fmt.Sprint(r.Args) != fmt.Sprint(args) {
		t.Fatalf("refusal %v, want %d %s %v", err, code, reason, args)
	}
}

// The limits that take many calls to reach give their reasons too: the 21st forced
// stable-token refresh of a day (20 a day, 30 s apart) and a person's 101st jscode2session
// call in one minute (100).
func TestRefusalReasonsOfLimits(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	for range 20 {
		_, err := e.st.StableAccessToken(ctx, e.call(), true)
		must(t, err)
		e.advance(31 * time.Second)
	}
	_, err := e.st.StableAccessToken(ctx, e.call(), true)
	wantReason(t, err, 45009, ReasonStableForceQuota, map[string]string{"Limit": "20"})

	e.clock.Advance(time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	codes := make([]string, 101)
	for i := range codes {
		c, err := e.st.OpenApp(ctx, e.admin.ID, e.acct.AppID, "")
		must(t, err)
		codes[i] = c.Code
	}
	for _, c := range codes[:100] {
		_, err := e.st.CodeToSession(ctx, e.call(), c)
		must(t, err)
	}
	_, err = e.st.CodeToSession(ctx, e.call(), codes[100])
	wantReason(t, err, 45011, ReasonCodeMinuteQuota, map[string]string{"Limit": "100"})
}

// The prune deletes old entries in chunks of 5,000 oldest first, however many there are,
// and keeps every newer one.
func TestJournalPruneInChunks(t *testing.T) {
	e := newCredEnv(t)
	for i := range 12000 {
		e.st.Journal(e.journalEntry(fmt.Sprintf("%08x-cccccccc-cccccccc", i), "/cgi-bin/token", 0))
		if (i+1)%JournalBatch == 0 {
			e.st.FlushJournal()
		}
	}
	e.st.FlushJournal()
	e.advance(time.Minute)
	e.st.Journal(e.journalEntry("ffffffff-cccccccc-cccccccc", "/cgi-bin/token", 0))
	e.st.FlushJournal()
	must(t, e.st.pruneJournal(t.Context(), e.clock.Now().Add(-30*time.Second)))
	if n := e.journalRows(); n != 1 {
		t.Errorf("%d entries after pruning 12,000 old ones, want the 1 new one", n)
	}
}

// The automation API reads a person's notices from the token's mini program only, however
// many newer ones other mini programs sent: 150 from another app do not hide this app's.
func TestSandboxNoticesOfOneApp(t *testing.T) {
	e := newCredEnv(t)
	other := newFixtureAccount(e)
	insert := func(account int64, title string) {
		_, err := e.st.write.Exec(`INSERT INTO notices (person_id, account_id, tid, title, lines, page, state, lang, sent_at)
			VALUES (?, ?, 1, ?, '[]', '', 'formal', 'zh_CN', ?)`, e.admin.ID, account, title, fmtTime(e.clock.Now()))
		must(t, err)
	}
	insert(e.acct.ID, "ours")
	for range 150 {
		insert(other, "theirs")
	}
	got, err := e.st.SandboxNotices(t.Context(), e.acct.ID, e.admin.WechatID)
	must(t, err)
	if len(got) != 1 || got[0].Title != "ours" {
		t.Errorf("notices of the app: %d, want the 1 it sent", len(got))
	}
}

// newFixtureAccount is a second account row with the same administrator.
func newFixtureAccount(e *credEnv) int64 {
	res, err := e.st.write.Exec(`INSERT INTO accounts (email, password_hash, step, admin_person_id, appid, name, created_at)
		VALUES ('other@example.com', 'x', 'done', ?, 'wx00000000000000ff', 'other', ?)`, e.admin.ID, fmtTime(e.clock.Now()))
	must(e.t, err)
	id, _ := res.LastInsertId()
	return id
}

// A token's last use is written at most once a minute, like a secret's: a second call
// within the minute leaves it, one a minute later moves it; a revoked token is refused.
func TestSandboxTokenLastUseOncePerMinute(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	key, err := e.st.CreateSandboxToken(ctx, e.acct.ID, e.admin.ID, "CI")
	must(t, err)
	token, err := e.st.TakeOneTime(ctx, OneTimeSandboxToken, key, e.acct.ID)
	must(t, err)
	used := func() time.Time {
		ts, err := e.st.SandboxTokens(ctx, e.acct.ID)
		must(t, err)
		return ts[0].LastUsedAt
	}
	first := e.clock.Now()
	for _, step := range []time.Duration{0, 59 * time.Second, time.Second} {
		e.advance(step)
		if id, name, err := e.st.CheckSandboxToken(ctx, token); err != nil || id != e.acct.ID || name != "CI" {
			t.Fatalf("check after %v: %d %q, %v", step, id, name, err)
		}
		if want := first; step == time.Second {
			if want = e.clock.Now(); !used().Equal(want) {
				t.Errorf("a minute on, last used %v, want %v", used(), want)
			}
		} else if !used().Equal(want) {
			t.Errorf("within the minute, last used %v, want %v", used(), want)
		}
	}
	ts, _ := e.st.SandboxTokens(ctx, e.acct.ID)
	must(t, e.st.RevokeSandboxToken(ctx, e.acct.ID, e.admin.ID, ts[0].ID))
	if _, _, err := e.st.CheckSandboxToken(ctx, token); !errors.Is(err, ErrSandboxToken) {
		t.Errorf("a revoked token: %v, want ErrSandboxToken", err)
	}
}
