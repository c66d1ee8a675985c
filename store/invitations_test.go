package store

import (
	"errors"
	"testing"
)

// Accepting makes the roles count at once; declining, or anyone else's answer, does not.
func TestInvitationDecisions(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a := f.account("personal", admin)
	bob, eve := f.person("bob_dev"), f.person("eve_other")
	m, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "bob_dev", []string{"developer"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.DecideInvitation(f.ctx, eve.ID, m.ID, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("someone else accepted: %v", err)
	}
	if rs := f.roles(a, bob); len(rs) != 0 {
		t.Fatalf("roles before accepting = %v", rs)
	}
	if err := f.st.DecideInvitation(f.ctx, bob.ID, m.ID, true); err != nil {
		t.Fatal(err)
	}
	if rs := f.roles(a, bob); rs.String() != "developer" {
		t.Fatalf("roles after accepting = %v", rs)
	}
	if err := f.st.DecideInvitation(f.ctx, bob.ID, m.ID, false); !errors.Is(err, ErrNotFound) {
		t.Fatalf("answered twice: %v", err)
	}
	if invs, err := f.st.Invitations(f.ctx, bob.ID); err != nil || len(invs) != 0 {
		t.Fatalf("accepted invitation still pending: %+v", invs)
	}
	accounts, err := f.st.ConsoleAccounts(f.ctx, bob.ID)
	if err != nil || len(accounts) != 1 || accounts[0].ID != a.ID {
		t.Fatalf("console accounts = %+v, %v", accounts, err)
	}

	m2, _ := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "eve_other", []string{"operator"})
	if err := f.st.DecideInvitation(f.ctx, eve.ID, m2.ID, false); err != nil {
		t.Fatal(err)
	}
	if rs := f.roles(a, eve); len(rs) != 0 {
		t.Fatalf("a declined member has roles %v", rs)
	}
	if accounts, err := f.st.ConsoleAccounts(f.ctx, eve.ID); err != nil || len(accounts) != 0 {
		t.Fatalf("a declined member may pick %+v", accounts)
	}
}

// Roles change and removal are read on the very next rolesOf; other accounts' members are
// not found.
func TestRolesChangeAndRemoval(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a, other := f.account("personal", admin), f.account("personal", admin)
	bob := f.person("bob_dev")
	m := f.active(a, bob, "developer", "operator")
	if !f.roles(a, bob).Can(ActViewDev) || !f.roles(a, bob).Can(ActEditBasic) {
		t.Fatal("developer+operator lacks a right")
	}
	wantCode(t, f.st.SetProjectRoles(f.ctx, a.ID, admin.ID, m.ID, nil), "roles", "roles_required")
	if err := f.st.SetProjectRoles(f.ctx, other.ID, admin.ID, m.ID, []string{"analyst"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("changed a member through another account: %v", err)
	}
	if err := f.st.SetProjectRoles(f.ctx, a.ID, admin.ID, m.ID, []string{"analyst"}); err != nil {
		t.Fatal(err)
	}
	if rs := f.roles(a, bob); rs.Can(ActViewDev) || !rs.Can(ActStats) {
		t.Fatalf("roles after shrinking = %v", rs)
	}
	if err := f.st.RemoveMember(f.ctx, a.ID, admin.ID, KindExperience, m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removed a project member as an experience member: %v", err)
	}
	if err := f.st.RemoveMember(f.ctx, other.ID, admin.ID, KindProject, m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removed through another account: %v", err)
	}
	if err := f.st.RemoveMember(f.ctx, a.ID, admin.ID, KindProject, m.ID); err != nil {
		t.Fatal(err)
	}
	if rs := f.roles(a, bob); len(rs) != 0 {
		t.Fatalf("a removed member has roles %v", rs)
	}
	log := logOf(f.t, f.st, a.ID)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := []string{"project_member_removed", "project_member_roles", "invitation_accepted", "project_member_added"}
	if len(actions) != len(want) {
		t.Fatalf("oplog = %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("oplog = %v, want %v", actions, want)
		}
	}
	if log[0].WechatID != "admin_one" || log[0].Target != "bob_dev" || log[1].Summary != "operator developer → analyst" || log[2].WechatID != "bob_dev" {
		t.Fatalf("oplog entries = %+v", log)
	}
}
