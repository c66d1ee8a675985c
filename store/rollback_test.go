package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Rollback (SPEC §12): to one of the last 5 released versions; not during a phased release
// (phase_running), not twice in a row, not with nothing to go back to, not after a cancelled
// phased release (rollback_unavailable).
func TestRollbackRules(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	rollback := func(who Person, v Version) string {
		return outcome(e.st.Rollback(e.ctx, e.acct.ID, who.ID, v.ID))
	}
	e.upload(ByPerson(e.admin.ID), "0.9.0")
	if got := rollback(e.admin, Version{ID: 1}); got != "rollback_unavailable" {
		t.Fatalf("nothing released: %s", got)
	}
	v1 := e.released("1.0.0", ModeFull, PhasePlan{})
	if got, p := rollback(e.admin, v1), e.page(); got != "rollback_unavailable" || p.RollbackRefusal != "rollback_unavailable" {
		t.Fatalf("one release: %s (page says %q)", got, p.RollbackRefusal)
	}
	v2 := e.released("1.1.0", ModeFull, PhasePlan{})
	if got := rollback(e.developer, v1); got != "forbidden" {
		t.Fatalf("a developer rolled back: %s", got)
	}
	if got := rollback(e.admin, v2); got != "rollback_unavailable" {
		t.Fatalf("rolling back to the online version itself: %s", got)
	}
	if p := e.page(); p.RollbackRefusal != "" || len(p.RollbackTargets) != 1 || p.RollbackTargets[0].ID != v1.ID {
		t.Fatalf("targets %v, refusal %q", p.RollbackTargets, p.RollbackRefusal)
	}
	if got := rollback(e.operator, v1); got != "ok" {
		t.Fatalf("rollback: %s", got)
	}
	if on := e.page().Online; on.Version.ID != v1.ID || on.Mode != ModeRollback {
		t.Fatalf("online after rollback: %s %s", on.Version.Version, on.Mode)
	}
	if l := e.lastLog(); l.Action != "version_rolled_back" || l.Detail != "1.1.0 → 1.0.0" {
		t.Fatalf("logged %+v", l)
	}
	if got := rollback(e.admin, v2); got != "rollback_unavailable" {
		t.Fatalf("twice in a row: %s", got)
	}
	v3 := e.released("1.2.0", ModeFull, PhasePlan{})
	v4 := e.released("1.3.0", ModePhased, PhasePlan{Percent: 20})
	if got := rollback(e.admin, v3); got != "phase_running" {
		t.Fatalf("during a phased release: %s", got)
	}
	must(t, e.st.ChangePhase(e.ctx, e.acct.ID, e.admin.ID, PhaseCancel))
	if got := rollback(e.admin, v2); got != "rollback_unavailable" {
		t.Fatalf("after a cancelled phased release: %s", got)
	}
	e.released("1.4.0", ModeFull, PhasePlan{})
	e.released("1.5.0", ModeFull, PhasePlan{})
	// History now: 1.5.0, 1.4.0, 1.2.0, 1.0.0 (rollback), 1.1.0 — 1.3.0 was cancelled, 1.0.0's
	// first release is the sixth back.
	p := e.page()
	var hist []string
	for _, r := range p.History {
		hist = append(hist, r.Version.Version)
	}
	if strings.Join(hist, " ") != "1.5.0 1.4.0 1.2.0 1.0.0 1.1.0" {
		t.Fatalf("history %v", hist)
	}
	if got := rollback(e.admin, v4); got != "rollback_unavailable" {
		t.Fatalf("rolling back to a cancelled version: %s", got)
	}
	e.released("1.6.0", ModeFull, PhasePlan{})
	if got := rollback(e.admin, v2); got != "rollback_unavailable" {
		t.Fatalf("rolling back six releases: %s", got)
	}
	if got := rollback(e.admin, v3); got != "ok" {
		t.Fatalf("rolling back to 1.2.0: %s", got)
	}
	if _, err := e.st.VersionsOf(e.ctx, e.acct.ID+100); !errors.Is(err, ErrNotFound) {
		t.Fatalf("versions of an unknown account: %v", err)
	}
}

// Every step from upload to rollback writes the operation log, with the actor: the person,
// the robot, or the platform for ops decisions (SPEC §12, §16).
func TestEveryVersionStepIsLogged(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	skip := len(e.actions())
	v1 := e.upload(ByRobot(2), "1.0.0")
	must(t, e.st.SetTrial(e.ctx, e.acct.ID, e.developer.ID, v1.ID))
	must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.operator.ID, v1.ID, e.group()))
	must(t, e.st.WithdrawReview(e.ctx, e.acct.ID, e.operator.ID))
	must(t, e.st.SubmitReview(e.ctx, e.acct.ID, e.operator.ID, v1.ID, e.group()))
	must(t, e.st.Decide(e.ctx, ReviewCode, e.pendingReview(), e.reviewer.ID, true, ""))
	must(t, e.st.Release(e.ctx, e.acct.ID, e.operator.ID, ModeFull, PhasePlan{}))
	e.approved("1.1.0")
	must(t, e.st.Release(e.ctx, e.acct.ID, e.admin.ID, ModePhased, PhasePlan{Percent: 10, MembersFirst: true}))
	must(t, e.st.SetPhasePercent(e.ctx, e.acct.ID, e.admin.ID, 40))
	for _, a := range []string{PhasePause, PhaseResume, PhaseFull} {
		must(t, e.st.ChangePhase(e.ctx, e.acct.ID, e.operator.ID, a))
	}
	must(t, e.st.Rollback(e.ctx, e.acct.ID, e.admin.ID, v1.ID))
	must(t, e.st.DeleteVersion(e.ctx, e.acct.ID, e.developer.ID, v1.ID))
	log, err := e.st.OpLog(e.ctx, e.acct.ID, 100, 0)
	must(t, err)
	var got []string
	for i := len(log) - 1 - skip; i >= 0; i-- {
		l := log[i]
		actor := l.WechatID
		switch {
		case l.Robot != 0:
			actor = fmt.Sprintf("robot %d", l.Robot)
		case l.PersonID == 0:
			actor = "platform"
		}
		got = append(got, actor+" "+l.Action+" "+l.Detail)
	}
	want := []string{
		"robot 2 version_uploaded 1.0.0",
		"ver_developer trial_set 1.0.0",
		"ver_operator review_submitted 1.0.0",
		"ver_operator review_withdrawn 1.0.0",
		"ver_operator review_submitted 1.0.0",
		"platform code_approved 1.0.0",
		"ver_operator version_released 1.0.0 full",
		"ver_admin version_uploaded 1.1.0",
		"ver_admin review_submitted 1.1.0",
		"platform code_approved 1.1.0",
		"ver_admin version_released 1.1.0 phased 10%",
		"ver_admin phase_percent_set 1.1.0 10% → 40%",
		"ver_operator phase_paused 1.1.0",
		"ver_operator phase_resumed 1.1.0",
		"ver_operator phase_full 1.1.0",
		"ver_admin version_rolled_back 1.1.0 → 1.0.0",
		"ver_developer version_deleted 1.0.0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
