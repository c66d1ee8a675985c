package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// authenticate has ops approve a WeChat authentication of the account.
func (e *verEnv) authenticate() {
	e.t.Helper()
	must(e.t, e.st.SubmitAuthentication(e.ctx, e.acct.ID, e.admin.ID, AuthForm{ContactName: "李四", ContactPhone: "13900139000",
		InvoiceTitle: "示例有限公司", DocName: "l.pdf", Doc: strings.NewReader("%PDF-1.4")}))
	req, err := e.st.LatestAuthentication(e.ctx, e.acct.ID)
	must(e.t, err)
	must(e.t, e.st.Decide(e.ctx, ReviewAuth, req.ID, e.reviewer.ID, true, ""))
}

// Every refusal of a release (SPEC §12), by state before, mode and role.
func TestReleaseRefusals(t *testing.T) {
	base := newFixture(t)
	phased := PhasePlan{Percent: 10}
	for i, tc := range []struct {
		name    string
		subject string
		before  func(e *verEnv)
		who     string
		mode    string
		plan    PhasePlan
		want    string
	}{
		{"nothing submitted", "personal", func(e *verEnv) { e.ready(); e.upload(ByPerson(e.admin.ID), "1.0.0") }, "admin", ModeFull, PhasePlan{}, "not_approved"},
		{"waiting for review", "personal", func(e *verEnv) {
			e.ready()
			v := e.upload(ByPerson(e.admin.ID), "1.0.0")
			must(e.t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, v.ID, e.group()))
		}, "admin", ModeFull, PhasePlan{}, "not_approved"},
		{"rejected", "personal", func(e *verEnv) {
			e.ready()
			v := e.upload(ByPerson(e.admin.ID), "1.0.0")
			must(e.t, e.st.SubmitReview(e.ctx, e.acct.ID, e.admin.ID, v.ID, e.group()))
			must(e.t, e.st.Decide(e.ctx, ReviewCode, e.pendingReview(), e.reviewer.ID, false, "不行"))
		}, "admin", ModeFull, PhasePlan{}, "not_approved"},
		{"not filed", "personal", func(e *verEnv) { e.complete(); e.approved("1.0.0") }, "admin", ModeFull, PhasePlan{}, "filing_required"},
		{"government, not authenticated", "government", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "admin", ModeFull, PhasePlan{}, "verification_required"},
		{"media, not authenticated", "media", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "admin", ModeFull, PhasePlan{}, "verification_required"},
		{"other, not authenticated", "other", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "admin", ModeFull, PhasePlan{}, "verification_required"},
		{"government, authenticated", "government", func(e *verEnv) { e.ready(); e.authenticate(); e.approved("1.0.0") }, "admin", ModeFull, PhasePlan{}, "ok"},
		{"enterprise, not authenticated", "enterprise", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "admin", ModeFull, PhasePlan{}, "ok"},
		{"phased release running", "personal", func(e *verEnv) {
			e.ready()
			e.released("1.0.0", ModeFull, PhasePlan{})
			e.released("1.1.0", ModePhased, phased)
			e.approved("1.2.0")
		}, "admin", ModeFull, PhasePlan{}, "phase_running"},
		{"phased release paused", "personal", func(e *verEnv) {
			e.ready()
			e.released("1.0.0", ModeFull, PhasePlan{})
			e.released("1.1.0", ModePhased, phased)
			must(e.t, e.st.ChangePhase(e.ctx, e.acct.ID, e.admin.ID, PhasePause))
			e.approved("1.2.0")
		}, "operator", ModePhased, phased, "phase_running"},
		{"first release phased", "personal", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "admin", ModePhased, phased, "first_release_full"},
		{"operator", "personal", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "operator", ModeFull, PhasePlan{}, "ok"},
		{"developer may not", "personal", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "developer", ModeFull, PhasePlan{}, "forbidden"},
		{"analyst may not", "personal", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "analyst", ModeFull, PhasePlan{}, "forbidden"},
		{"unknown mode", "personal", func(e *verEnv) { e.ready(); e.approved("1.0.0") }, "admin", "gray", PhasePlan{}, "mode_invalid"},
		{"percent 0", "personal", func(e *verEnv) { e.ready(); e.released("1.0.0", ModeFull, PhasePlan{}); e.approved("1.1.0") }, "admin", ModePhased, PhasePlan{Percent: 0}, "percent_invalid"},
		{"percent 101", "personal", func(e *verEnv) { e.ready(); e.released("1.0.0", ModeFull, PhasePlan{}); e.approved("1.1.0") }, "admin", ModePhased, PhasePlan{Percent: 101}, "percent_invalid"},
		{"phased at one percent", "personal", func(e *verEnv) { e.ready(); e.released("1.0.0", ModeFull, PhasePlan{}); e.approved("1.1.0") }, "admin", ModePhased, PhasePlan{Percent: 1}, "ok"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newVerEnvIn(base.sub(t), fmt.Sprintf("r%d", i), tc.subject)
			tc.before(e)
			releases := e.count(`SELECT count(*) FROM releases WHERE account_id = ?`, e.acct.ID)
			err := e.st.Release(e.ctx, e.acct.ID, e.people[tc.who].ID, tc.mode, tc.plan)
			if got := outcome(err); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
			after := e.count(`SELECT count(*) FROM releases WHERE account_id = ?`, e.acct.ID)
			if (tc.want == "ok") != (after == releases+1) {
				t.Fatalf("releases went from %d to %d", releases, after)
			}
		})
	}
}

// Two people releasing at once release once.
func TestConcurrentReleaseReleasesOnce(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	e.approved("1.0.0")
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[string]int{}
	for i := range 8 {
		who := e.admin
		if i%2 == 1 {
			who = e.operator
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := e.st.Release(e.ctx, e.acct.ID, who.ID, ModeFull, PhasePlan{})
			mu.Lock()
			results[outcome(err)]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if results["ok"] != 1 || results["not_approved"] != 7 {
		t.Fatalf("outcomes %v, want one release and 7 not_approved", results)
	}
	if n := e.count(`SELECT count(*) FROM releases`); n != 1 {
		t.Fatalf("%d releases", n)
	}
	if n := strings.Count(strings.Join(e.actions(), " "), "version_released"); n != 1 {
		t.Fatalf("%d releases logged", n)
	}
}

// The first release marks the account released, once: member limits (§9) and the name
// quota (§7) follow.
func TestReleaseMarksReleased(t *testing.T) {
	e := newVerEnv(t, "enterprise").ready()
	if a, _ := e.st.AccountByID(e.ctx, e.acct.ID); a.Released() || MemberLimit(a, e.clock.Now()) != 30 {
		t.Fatalf("before release: released %v, limit %d", a.Released(), MemberLimit(a, e.clock.Now()))
	}
	if b, _ := e.st.BasicInfoOf(e.ctx, e.acct.ID); b.NameQuota.Period != PeriodRelease {
		t.Fatalf("name quota before release: %+v", b.NameQuota)
	}
	first := e.clock.Now()
	e.released("1.0.0", ModeFull, PhasePlan{})
	e.clock.Advance(48 * time.Hour)
	e.released("1.1.0", ModeFull, PhasePlan{})
	a, err := e.st.AccountByID(e.ctx, e.acct.ID)
	must(t, err)
	if !a.Released() || !a.FirstReleasedAt.Equal(first) || MemberLimit(a, e.clock.Now()) != 60 {
		t.Fatalf("after release: first %v (want %v), limit %d", a.FirstReleasedAt, first, MemberLimit(a, e.clock.Now()))
	}
	if b, _ := e.st.BasicInfoOf(e.ctx, e.acct.ID); b.NameQuota.Period != PeriodAuthentication {
		t.Fatalf("name quota after release: %+v", b.NameQuota)
	}
	p := e.page()
	if p.Online == nil || p.Online.Version.Version != "1.1.0" || p.Online.Mode != ModeFull || p.Review != nil {
		t.Fatalf("online %+v, review %+v", p.Online, p.Review)
	}
}

// Phase changes, by state before and action (SPEC §12).
func TestPhaseTransitions(t *testing.T) {
	base := newFixture(t)
	for i, tc := range []struct {
		name   string
		before []string // actions taken first
		action string   // a phase action, or "percent N"
		want   string
		phase  string // of 1.1.0 afterwards; "" when everyone is back on 1.0.0
		pct    int
	}{
		{"pause running", nil, PhasePause, "ok", PhasePaused, 10},
		{"resume running", nil, PhaseResume, "conflict", PhaseRunning, 10},
		{"resume paused", []string{PhasePause}, PhaseResume, "ok", PhaseRunning, 10},
		{"pause paused", []string{PhasePause}, PhasePause, "conflict", PhasePaused, 10},
		{"full running", nil, PhaseFull, "ok", PhaseDone, 100},
		{"full paused", []string{PhasePause}, PhaseFull, "ok", PhaseDone, 100},
		{"cancel running", nil, PhaseCancel, "ok", "", 0},
		{"cancel paused", []string{PhasePause}, PhaseCancel, "ok", "", 0},
		{"cancel done", []string{PhaseFull}, PhaseCancel, "conflict", PhaseDone, 100},
		{"pause cancelled", []string{PhaseCancel}, PhasePause, "conflict", "", 0},
		{"unknown action", nil, "restart", "not_found", PhaseRunning, 10},
		{"raise", nil, "percent 50", "ok", PhaseRunning, 50},
		{"raise while paused", []string{PhasePause}, "percent 50", "ok", PhasePaused, 50},
		{"same percent", nil, "percent 10", "percent_must_rise", PhaseRunning, 10},
		{"lower", []string{"percent 50"}, "percent 20", "percent_must_rise", PhaseRunning, 50},
		{"to 100", nil, "percent 100", "ok", PhaseDone, 100},
		{"to 101", nil, "percent 101", "percent_invalid", PhaseRunning, 10},
		{"raise when done", []string{PhaseFull}, "percent 100", "conflict", PhaseDone, 100},
		{"raise when cancelled", []string{PhaseCancel}, "percent 50", "conflict", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newVerEnvIn(base.sub(t), fmt.Sprintf("p%d", i), "personal").ready()
			e.released("1.0.0", ModeFull, PhasePlan{})
			e.released("1.1.0", ModePhased, PhasePlan{Percent: 10})
			act := func(who Person, a string) error {
				if n, ok := strings.CutPrefix(a, "percent "); ok {
					var pct int
					for _, c := range n {
						pct = pct*10 + int(c-'0')
					}
					return e.st.SetPhasePercent(e.ctx, e.acct.ID, who.ID, pct)
				}
				return e.st.ChangePhase(e.ctx, e.acct.ID, who.ID, a)
			}
			for _, a := range tc.before {
				must(t, act(e.admin, a))
			}
			if got := outcome(act(e.developer, tc.action)); got != "forbidden" && got != tc.want {
				t.Fatalf("a developer changed the phase: %s", got)
			}
			if got := outcome(act(e.operator, tc.action)); got != tc.want {
				t.Fatalf("%s, want %s", got, tc.want)
			}
			on := e.page().Online
			if tc.phase == "" {
				if on.Version.Version != "1.0.0" || on.Mode != ModeFull || e.count(`SELECT count(*) FROM releases WHERE account_id = ? AND phase = 'cancelled'`, e.acct.ID) != 1 {
					t.Fatalf("after a cancel the online release is %s %s, want 1.0.0 full", on.Version.Version, on.Mode)
				}
				return
			}
			if on.Version.Version != "1.1.0" || on.Phase != tc.phase || on.Percent != tc.pct || on.Previous == nil || on.Previous.Version != "1.0.0" {
				t.Fatalf("online %s %s %d%% (previous %v), want 1.1.0 %s %d%%", on.Version.Version, on.Phase, on.Percent, on.Previous, tc.phase, tc.pct)
			}
		})
	}
}

// A phased release turns full 15 days after it started, on the store clock: every reader
// sees it at that instant without any write, the next write records it (logged by the
// platform at that instant), and a new release is then possible.
func TestPhaseAutoFull(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	e.released("1.0.0", ModeFull, PhasePlan{})
	start := e.clock.Now()
	e.released("1.1.0", ModePhased, PhasePlan{Percent: 1})
	must(t, e.st.ChangePhase(e.ctx, e.acct.ID, e.admin.ID, PhasePause))
	e.approved("1.2.0")
	stranger := func() string {
		o, err := e.st.ResolveOpen(e.ctx, e.acct.AppID, e.stranger.ID, EnvRelease)
		must(t, err)
		return o.Version.Version
	}
	e.clock.set(start.Add(15*24*time.Hour - time.Second))
	if on := e.page().Online; on.Phase != PhasePaused || on.AutoFullAt() != start.Add(15*24*time.Hour) {
		t.Fatalf("one second before: %s, auto-full at %v", on.Phase, on.AutoFullAt())
	}
	wantCode(t, e.st.Release(e.ctx, e.acct.ID, e.admin.ID, ModeFull, PhasePlan{}), "", "phase_running")
	e.clock.set(start.Add(15 * 24 * time.Hour))
	if on := e.page().Online; on.Phase != PhaseDone || on.Percent != 100 {
		t.Fatalf("after 15 days the page shows %s %d%%", on.Phase, on.Percent)
	}
	if v := stranger(); v != "1.1.0" {
		t.Fatalf("after 15 days a stranger opens %s", v)
	}
	if n := e.count(`SELECT count(*) FROM releases WHERE phase = 'done'`); n != 0 {
		t.Fatal("a read wrote the change")
	}
	e.clock.Advance(3 * time.Hour)
	must(t, e.st.Release(e.ctx, e.acct.ID, e.admin.ID, ModeFull, PhasePlan{}))
	log, err := e.st.OpLog(e.ctx, e.acct.ID, 2, 0)
	must(t, err)
	if l := log[1]; l.Action != "phase_auto_full" || l.PersonID != 0 || !l.At.Equal(start.Add(15*24*time.Hour)) || l.Detail != "1.1.0" {
		t.Fatalf("auto-full logged as %+v", l)
	}
	if log[0].Action != "version_released" {
		t.Fatalf("then %+v", log[0])
	}
}
