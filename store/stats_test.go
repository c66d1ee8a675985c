package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

// statsEnv is an account released, with a trial version and a developer's upload, so every
// environment can be opened.
func statsEnv(t *testing.T) *verEnv {
	e := newVerEnv(t, "personal").ready()
	e.released("1.0.0", ModeFull, PhasePlan{})
	dev := e.upload(ByPerson(e.developer.ID), "1.1.0")
	must(t, e.st.SetTrial(e.ctx, e.acct.ID, e.developer.ID, dev.ID))
	return e
}

func (e *verEnv) open(p Person, env string) {
	e.t.Helper()
	_, _, err := e.st.OpenVersion(e.ctx, p.ID, e.acct.AppID, env)
	must(e.t, err)
}

// Visits, visitors and new visitors per platform day (cut at midnight China time) and
// environment: a person counts once a day across environments, and is new only on the
// day of their first open ever, under that open's environment (SPEC §16).
func TestStatsVisits(t *testing.T) {
	e := statsEnv(t)
	e.clock.set(time.Date(2026, 3, 10, 15, 59, 59, 0, time.UTC)) // 23:59:59 on 10 March in Beijing
	e.open(e.tester, EnvTrial)
	e.open(e.stranger, EnvRelease)
	e.open(e.stranger, EnvRelease)
	e.clock.Advance(time.Second) // midnight: 11 March
	e.open(e.stranger, EnvRelease)
	e.open(e.tester, EnvRelease)
	e.open(e.developer, EnvDevelop)
	e.open(e.developer, EnvTrial)

	s, err := e.st.Stats(e.ctx, e.acct.ID, 7)
	must(t, err)
	var days []string
	for _, d := range s.Days {
		days = append(days, d.Day)
	}
	if want := []string{"2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10", "2026-03-11"}; !slices.Equal(days, want) {
		t.Fatalf("days %v, want %v", days, want)
	}
	for _, d := range s.Days[:5] {
		if d.Visits != (EnvCounts{}) || d.Visitors != (EnvCounts{}) || d.NewVisitors != (EnvCounts{}) || d.Calls != nil {
			t.Fatalf("%s without traffic: %+v", d.Day, d)
		}
	}
	tenth, eleventh := s.Days[5], s.Days[6]
	for _, c := range []struct {
		name      string
		got, want EnvCounts
	}{
		{"10th visits", tenth.Visits, EnvCounts{Total: 3, Release: 2, Trial: 1}},
		{"10th visitors", tenth.Visitors, EnvCounts{Total: 2, Release: 1, Trial: 1}},
		{"10th new visitors", tenth.NewVisitors, EnvCounts{Total: 2, Release: 1, Trial: 1}},
		{"11th visits", eleventh.Visits, EnvCounts{Total: 4, Release: 2, Trial: 1, Develop: 1}},
		{"11th visitors", eleventh.Visitors, EnvCounts{Total: 3, Release: 2, Trial: 1, Develop: 1}},
		{"11th new visitors", eleventh.NewVisitors, EnvCounts{Total: 1, Develop: 1}},
	} {
		if c.got != c.want {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}
	if eleventh.Visitors.Of(EnvDevelop) != 1 || eleventh.Visits.Of("online") != 0 {
		t.Fatal("Of reads the wrong environment")
	}
	for days, first := range map[int]string{30: "2026-02-10", 90: "2025-12-12"} {
		s, err := e.st.Stats(e.ctx, e.acct.ID, days)
		must(t, err)
		if len(s.Days) != days || s.Days[0].Day != first || s.Days[days-1].Day != "2026-03-11" || s.Days[days-1].Visits.Total != 4 {
			t.Fatalf("%d days: %d from %s", days, len(s.Days), s.Days[0].Day)
		}
	}
	for _, days := range []int{0, 10, 365} {
		_, err := e.st.Stats(e.ctx, e.acct.ID, days)
		wantCode(t, err, "days", "days_invalid")
	}
}

// Every API call is counted under its endpoint and outcome, refused ones too once the AppID
// is known; a call naming no known AppID is not counted; the token quota (45009) counts only
// issued tokens and resets at midnight China time.
func TestStatsAPICalls(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	e.clock.set(time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)) // 23:00 in Beijing
	_, err := e.st.IssueAccessToken(ctx, e.call(), 2)
	must(t, err)
	tok, err := e.st.IssueAccessToken(ctx, e.call(), 2)
	must(t, err)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 2)
	wantAPIError(t, err, APIDailyQuota)
	bad := e.call()
	bad.Secret = "0123456789abcdef0123456789abcdef"
	_, err = e.st.IssueAccessToken(ctx, bad, 2)
	wantAPIError(t, err, APIInvalidSecret)
	unknown := e.call()
	unknown.AppID = "wx0000000000000000"
	_, err = e.st.IssueAccessToken(ctx, unknown, 2)
	wantAPIError(t, err, APIInvalidAppID)
	_, err = e.st.CodeToSession(ctx, e.call(), "no-such-code")
	wantAPIError(t, err, APIInvalidCode)
	_, err = e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	must(t, e.st.SetIPWhitelist(ctx, e.acct.ID, e.admin.ID, []string{"10.0.0.1"}))
	_, err = e.st.StableAccessToken(ctx, e.call(), false)
	wantAPIError(t, err, APIIPNotAllowed)
	must(t, e.st.SetIPWhitelist(ctx, e.acct.ID, e.admin.ID, nil))
	e.setFrozen(true, 0)
	_, err = e.st.CodeToSession(ctx, e.call(), "no-such-code")
	wantAPIError(t, err, APISecretFrozen)
	// Refusals the web layer decides, and calls it serves with an access token.
	must(t, e.st.CountAppCall(ctx, e.acct.AppID, EndpointToken, APIError(41004)))
	must(t, e.st.CountAppCall(ctx, "wx0000000000000000", EndpointToken, APIError(41004)))
	id, err := e.st.CheckAccessToken(ctx, tok.Token)
	must(t, err)
	must(t, e.st.CountAPICall(ctx, id, EndpointDailySummary, nil))
	must(t, e.st.CountAPICall(ctx, id, EndpointDailySummary, APIDateRange))

	e.advance(time.Hour) // midnight: the quota starts again
	_, err = e.st.IssueAccessToken(ctx, e.call(), 2)
	wantAPIError(t, err, APISecretFrozen)
	e.setFrozen(false, 0)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 2)
	must(t, err)
	e.advance(2 * time.Hour)
	id, err = e.st.CheckAccessToken(ctx, tok.Token)
	wantAPIError(t, err, APITokenExpired)
	if id != e.acct.ID {
		t.Fatalf("an expired token names account %d, want %d", id, e.acct.ID)
	}

	s, err := e.st.Stats(ctx, e.acct.ID, 7)
	must(t, err)
	tenth, eleventh := s.Days[5], s.Days[6]
	want10 := []CallCount{
		{EndpointStableToken, "40164", 1}, {EndpointStableToken, "ok", 1},
		{EndpointToken, "40125", 1}, {EndpointToken, "41004", 1}, {EndpointToken, "45009", 1}, {EndpointToken, "ok", 2},
		{EndpointDailySummary, "61501", 1}, {EndpointDailySummary, "ok", 1},
		{EndpointCode2Session, "40029", 1}, {EndpointCode2Session, "40243", 1},
	}
	if !slices.Equal(tenth.Calls, want10) {
		t.Fatalf("10 March calls\n%v\nwant\n%v", tenth.Calls, want10)
	}
	if want := []CallCount{{EndpointToken, "40243", 1}, {EndpointToken, "ok", 1}}; !slices.Equal(eleventh.Calls, want) {
		t.Fatalf("11 March calls %v, want %v", eleventh.Calls, want)
	}
	if tenth.TotalCalls() != 11 || tenth.CallsTo(EndpointToken) != 5 || tenth.CallsWith(OutcomeOK) != 4 || tenth.CallsWith("40243") != 1 {
		t.Fatalf("totals of 10 March: %d calls, %d to token, %d ok", tenth.TotalCalls(), tenth.CallsTo(EndpointToken), tenth.CallsWith(OutcomeOK))
	}
	if want := []string{EndpointStableToken, EndpointToken, EndpointDailySummary, EndpointCode2Session}; !slices.Equal(s.Endpoints, want) {
		t.Fatalf("endpoints %v, want %v", s.Endpoints, want)
	}
	if want := []string{"ok", "40029", "40125", "40164", "40243", "41004", "45009", "61501"}; !slices.Equal(s.Outcomes, want) {
		t.Fatalf("outcomes %v, want %v", s.Outcomes, want)
	}
	var n int
	must(t, e.st.read.QueryRow(`SELECT token_calls FROM daily_counts WHERE account_id = ? AND day = '2026-03-10'`, e.acct.ID).Scan(&n))
	if n != 2 {
		t.Fatalf("%d token calls against the quota on 10 March, want 2", n)
	}
}

// How a call ended, as counted.
func TestOutcome(t *testing.T) {
	for err, want := range map[error]string{nil: "ok", APIInvalidCode: "40029", APIError(-1): "-1", errors.New("disk full"): "-1"} {
		if got := Outcome(err); got != want {
			t.Errorf("Outcome(%v) = %q, want %q", err, got, want)
		}
	}
}

// An account nobody used has all its days, every number zero.
func TestStatsEmpty(t *testing.T) {
	e := newCredEnv(t)
	s, err := e.st.Stats(context.Background(), e.acct.ID, 30)
	must(t, err)
	if len(s.Days) != 30 || s.Endpoints != nil || s.Outcomes != nil {
		t.Fatalf("empty stats %+v", s)
	}
	for _, d := range s.Days {
		if d.Visits.Total+d.Visitors.Total+d.NewVisitors.Total+d.TotalCalls() != 0 {
			t.Fatalf("%s has traffic: %+v", d.Day, d)
		}
	}
}
