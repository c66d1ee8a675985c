package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Each rule of an account with an expiry flips when the account's sandbox clock (not the
// wall clock) crosses its edge: still allowed at okAt, refused at refusedAt with the
// rule's errcode. prepare mints what is checked before the clock moves; check(0) runs at
// okAt, check(1) at refusedAt (a code is spent by a successful check, so each has its own).
func TestClockMovesExpiries(t *testing.T) {
	for _, tc := range []struct {
		name            string
		okAt, refusedAt time.Duration
		prepare         func(t *testing.T) (*Store, int64, func(i int) error)
		want            APIError // 0: ErrGone
	}{
		{name: "access token runs 7200 s", okAt: 119 * time.Minute, refusedAt: 120 * time.Minute, want: 42001,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newCredEnv(t)
				tok, err := e.st.IssueAccessToken(t.Context(), e.call(), 2000)
				must(t, err)
				return e.st, e.acct.ID, func(int) error { _, err := e.st.CheckAccessToken(t.Context(), tok.Token); return err }
			}},
		{name: "stable token runs 7200 s", okAt: 119 * time.Minute, refusedAt: 120 * time.Minute, want: 42001,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newCredEnv(t)
				tok, err := e.st.StableAccessToken(t.Context(), e.call(), false)
				must(t, err)
				return e.st, e.acct.ID, func(int) error { _, err := e.st.CheckAccessToken(t.Context(), tok.Token); return err }
			}},
		{name: "replaced token works 5 more minutes", okAt: 4 * time.Minute, refusedAt: 5 * time.Minute, want: 40001,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newCredEnv(t)
				old, err := e.st.IssueAccessToken(t.Context(), e.call(), 2000)
				must(t, err)
				_, err = e.st.IssueAccessToken(t.Context(), e.call(), 2000)
				must(t, err)
				return e.st, e.acct.ID, func(int) error { _, err := e.st.CheckAccessToken(t.Context(), old.Token); return err }
			}},
		{name: "js_code lives 5 minutes", okAt: 4 * time.Minute, refusedAt: 5 * time.Minute, want: 40029,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newCredEnv(t)
				var codes [2]string
				for i := range codes {
					c, err := e.st.OpenApp(t.Context(), e.admin.ID, e.acct.AppID, "")
					must(t, err)
					codes[i] = c.Code
				}
				return e.st, e.acct.ID, func(i int) error { _, err := e.st.CodeToSession(t.Context(), e.call(), codes[i]); return err }
			}},
		{name: "phone code lives 5 minutes", okAt: 4 * time.Minute, refusedAt: 5 * time.Minute, want: 40029,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newAPIEnv(t)
				_, err := e.st.UpdateProfile(e.ctx, e.user.ID, Profile{Nickname: "u", Phone: "13800138000"})
				must(t, err)
				var codes [2]string
				for i := range codes {
					c, err := e.st.SharePhone(e.ctx, e.user.ID, e.acct.AppID)
					must(t, err)
					codes[i] = c.Code
				}
				return e.st, e.acct.ID, func(i int) error { _, err := e.st.PhoneNumberForCode(e.ctx, e.acct.ID, codes[i]); return err }
			}},
		{name: "scan of the account lives 5 minutes", okAt: 4 * time.Minute, refusedAt: 5 * time.Minute,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newCredEnv(t)
				var tokens [2]string
				for i := range tokens {
					tok, err := e.st.StartSecretReset(t.Context(), e.acct.ID, Requester{})
					must(t, err)
					tokens[i] = tok
				}
				return e.st, e.acct.ID, func(i int) error { _, err := e.st.DecideScan(t.Context(), tokens[i], e.admin.ID, true); return err }
			}},
		{name: "a freeze takes effect after its delay", okAt: 9 * time.Minute, refusedAt: 10 * time.Minute, want: 40243,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newCredEnv(t)
				e.setFrozen(true, 10*time.Minute)
				return e.st, e.acct.ID, func(int) error { _, err := e.st.IssueAccessToken(t.Context(), e.call(), 2000); return err }
			}},
		{name: "msg_sec_check wants an open within 2 hours", okAt: 2 * time.Hour, refusedAt: 2*time.Hour + time.Minute, want: 61010,
			prepare: func(t *testing.T) (*Store, int64, func(int) error) {
				e := newAPIEnv(t)
				user := e.openid(e.user)
				return e.st, e.acct.ID, func(int) error { _, err := e.st.CheckText(e.ctx, e.acct.ID, user, "x", 1); return err }
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, id, check := tc.prepare(t)
			wall := st.Now()
			must(t, st.AdvanceClock(t.Context(), id, 0, tc.okAt))
			if err := check(0); err != nil {
				t.Fatalf("%v ahead: %v, want allowed", tc.okAt, err)
			}
			must(t, st.AdvanceClock(t.Context(), id, 0, tc.refusedAt-tc.okAt))
			err := check(1)
			if tc.want == 0 {
				if !errors.Is(err, ErrGone) {
					t.Fatalf("%v ahead: %v, want gone", tc.refusedAt, err)
				}
			} else {
				wantAPIError(t, err, tc.want)
			}
			if !st.Now().Equal(wall) {
				t.Fatal("the wall clock moved")
			}
		})
	}
}

// The daily /cgi-bin/token quota (45009) starts again at 00:00 China time on the account's
// clock, and the quota panel counts the account's day.
func TestClockResetsDailyTokenQuota(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	_, err := e.st.IssueAccessToken(ctx, e.call(), 1)
	must(t, err)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 1)
	wantAPIError(t, err, 45009)
	must(t, e.st.ClockToNextMidnight(ctx, e.acct.ID, 0))
	if q, err := e.st.APIQuotaOf(ctx, e.acct.ID, EndpointToken, 1); err != nil || q.Used != 0 {
		t.Fatalf("quota at tomorrow 00:00: %+v, %v; want none used", q, err)
	}
	if _, err := e.st.IssueAccessToken(ctx, e.call(), 1); err != nil {
		t.Fatalf("a token at tomorrow 00:00: %v", err)
	}
	// Calls and visits are counted on the account's day: that is the day the quota reads.
	_, err = e.st.OpenApp(ctx, e.admin.ID, e.acct.AppID, "")
	must(t, err)
	day := statsOn(t, e.st, e.acct.ID, PlatformDay(e.st.NowFor(e.acct.ID)))
	if day.CallsTo(EndpointToken) != 1 || day.Visits.Total != 1 {
		t.Fatalf("the account's new day: %+v, want 1 token call and 1 visit", day)
	}
}

// Five review withdrawals a day: the sixth waits for 00:00 China time on the account's clock.
func TestClockResetsDailyWithdrawals(t *testing.T) {
	e := newVerEnv(t, "personal")
	e.complete()
	v := e.upload(ByPerson(e.admin.ID), "1.0.0")
	withdraw := func() error {
		must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, v.ID, e.group()))
		return e.st.WithdrawReview(e.ctx, e.acct.ID, e.admin.ID)
	}
	for range 5 {
		must(t, withdraw())
	}
	wantCode(t, withdraw(), "", "withdraw_quota")
	must(t, e.st.ClockToNextMidnight(e.ctx, e.acct.ID, 0))
	must(t, e.st.WithdrawReview(e.ctx, e.acct.ID, e.admin.ID))
}

// A personal subject renames twice a calendar year after release; moving the account's
// clock into the next China-time year renews it.
func TestClockRenewsYearlyNameQuota(t *testing.T) {
	s, clk := biStore(t)
	ctx := t.Context()
	a := biAccount(t, s, "personal", "", "")
	must(t, s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手"))
	biRelease(t, s, a.ID)
	must(t, s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手二"))
	must(t, s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手三"))
	if got := biCode(s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手四"), "name"); got != "name_change_quota" {
		t.Fatalf("third change this year: %q, want name_change_quota", got)
	}
	// 2026-12-31 16:00 UTC is 2027-01-01 00:00 in China.
	must(t, s.AdvanceClock(ctx, a.ID, 0, time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC).Sub(clk.Now())))
	if got := biCode(s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手四"), "name"); got != "name_change_quota" {
		t.Fatalf("at 23:59 on 31 December: %q, want name_change_quota", got)
	}
	must(t, s.AdvanceClock(ctx, a.ID, 0, time.Minute))
	must(t, s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手四"))
}

// A phased release paused on day 1 goes to everyone after 15 days of the account's clock,
// and only then may the account roll back (phase_running before).
func TestClockAdvancesPhasedRelease(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	first := e.released("1.0.0", ModeFull, PhasePlan{})
	e.released("1.1.0", ModePhased, PhasePlan{Percent: 1})
	must(t, e.st.ChangePhase(e.ctx, e.acct.ID, e.admin.ID, PhasePause))
	stranger := func() string {
		o, err := e.st.ResolveOpen(e.ctx, e.acct.AppID, e.stranger.ID, EnvRelease)
		must(t, err)
		return o.Version.Version
	}
	must(t, e.st.AdvanceClock(e.ctx, e.acct.ID, 0, 15*24*time.Hour-time.Minute))
	if on := e.page().Online; on.Phase != PhasePaused || stranger() != "1.0.0" {
		t.Fatalf("a minute before 15 days: %s, a stranger opens %s", on.Phase, stranger())
	}
	wantCode(t, e.st.Rollback(e.ctx, e.acct.ID, e.admin.ID, first.ID), "", "phase_running")
	must(t, e.st.AdvanceClock(e.ctx, e.acct.ID, 0, time.Minute))
	if on := e.page().Online; on.Phase != PhaseDone || on.Percent != 100 || stranger() != "1.1.0" {
		t.Fatalf("after 15 days: %s %d%%, a stranger opens %s", on.Phase, on.Percent, stranger())
	}
	must(t, e.st.Rollback(e.ctx, e.acct.ID, e.admin.ID, first.ID))
}

// An authentication lasts a year; renewing opens 90 days before it ends, on the account's
// clock, and the basic-info page reads that clock for its reminder.
func TestClockOpensAuthenticationRenewal(t *testing.T) {
	s, _ := biStore(t)
	ctx := t.Context()
	org := biAccount(t, s, "enterprise", "", "")
	op := biReviewer(t, s)
	form := func() AuthForm {
		return AuthForm{ContactName: "李四", ContactPhone: "13900139000", InvoiceTitle: "示例有限公司", DocName: "l.pdf", Doc: strings.NewReader("%PDF-1.4")}
	}
	must(t, s.SubmitAuthentication(ctx, org.ID, org.AdminPersonID, form()))
	req, _ := s.LatestAuthentication(ctx, org.ID)
	must(t, s.Decide(ctx, ReviewAuth, req.ID, op.ID, true, ""))
	a, err := s.AccountByID(ctx, org.ID)
	must(t, err)
	toWindow := a.AuthExpiresAt.Add(-90 * 24 * time.Hour).Sub(s.NowFor(org.ID))
	must(t, s.AdvanceClock(ctx, org.ID, 0, toWindow-time.Minute))
	if err := s.SubmitAuthentication(ctx, org.ID, org.AdminPersonID, form()); !errors.Is(err, ErrConflict) {
		t.Fatalf("91 days before expiry: %v, want refused", err)
	}
	must(t, s.AdvanceClock(ctx, org.ID, 0, time.Minute))
	b, err := s.BasicInfoOf(ctx, org.ID)
	must(t, err)
	if left := b.Account.AuthExpiresAt.Sub(b.Now); left != 90*24*time.Hour {
		t.Fatalf("basic info reads %v before expiry, want 90 days", left)
	}
	must(t, s.SubmitAuthentication(ctx, org.ID, org.AdminPersonID, form()))
	must(t, s.AdvanceClock(ctx, org.ID, 0, 90*24*time.Hour))
	if a, _ := s.AccountByID(ctx, org.ID); a.Authenticated(s.NowFor(org.ID)) {
		t.Fatal("still authenticated a year after approval")
	}
}

// Every move of the clock is in the operation log, as the account's time before → after;
// a reset of a clock that is not moved changes and logs nothing.
func TestClockMovesAreLogged(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	must(t, e.st.ResetClock(ctx, e.acct.ID, e.admin.ID))
	must(t, e.st.AdvanceClock(ctx, e.acct.ID, e.admin.ID, 2*time.Hour))
	must(t, e.st.ResetClock(ctx, e.acct.ID, e.admin.ID))
	log := logOf(t, e.st, e.acct.ID)
	if log[0].Action != "clock_reset" || log[0].Summary != "2026-03-10 19:00 → 2026-03-10 17:00" || log[0].WechatID != e.admin.WechatID {
		t.Fatalf("reset logged as %+v", log[0])
	}
	if log[1].Action != "clock_moved" || log[1].Summary != "2026-03-10 17:00 → 2026-03-10 19:00" {
		t.Fatalf("advance logged as %+v", log[1])
	}
	if len(log) > 2 && strings.HasPrefix(log[2].Action, "clock_") {
		t.Fatalf("a reset of an unmoved clock was logged: %+v", log[2])
	}
}

// clear_quota works 10 times a calendar month (48006 after); the account's clock moving
// into April (China time) gives 10 more.
func TestClockRenewsMonthlyClearQuota(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	for range 10 {
		must(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID))
	}
	wantAPIError(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID), 48006)
	// 2026-03-31 16:00 UTC is 2026-04-01 00:00 in China.
	must(t, e.st.AdvanceClock(ctx, e.acct.ID, 0, time.Date(2026, 3, 31, 15, 59, 0, 0, time.UTC).Sub(e.st.Now())))
	wantAPIError(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID), 48006)
	must(t, e.st.AdvanceClock(ctx, e.acct.ID, 0, time.Minute))
	must(t, e.st.ClearQuota(ctx, e.acct.ID, e.acct.AppID))
}
