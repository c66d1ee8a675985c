package store

import (
	"errors"
	"testing"
)

// A console session ended by someone else tells its browser why, once: a password change,
// a removal from the project members, a sign-out from another browser. The emptied row
// cannot be written back to life, is not listed among the signed-in devices, and times out
// like any other.
func TestSessionEndSaysWhy(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	a := f.account("owner@example.com", admin, "personal")
	dev := f.person("dev_0001")
	m, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "dev_0001", []string{"developer"})
	must(t, err)
	must(t, f.st.DecideInvitation(f.ctx, dev.ID, m.ID, true))
	open := func(id string, person int64) {
		t.Helper()
		must(t, f.st.CreateSession(f.ctx, id, Session{Surface: SurfaceConsole, AccountID: a.ID, PersonID: person, Data: []byte("x")}, testLimits))
	}
	wantEnded := func(id, reason string) {
		t.Helper()
		_, err := f.st.LoadSession(f.ctx, id, testLimits, "", "")
		var ended SessionEnded
		if !errors.As(err, &ended) || ended.Reason != reason || !errors.Is(err, ErrNotFound) {
			t.Fatalf("session %s: %v, want ended for %q (and not found)", id, err, reason)
		}
		if _, err := f.st.LoadSession(f.ctx, id, testLimits, "", ""); !errors.Is(err, ErrNotFound) || errors.As(err, &ended) {
			t.Fatalf("session %s the second time: %v, want plain ErrNotFound", id, err)
		}
	}

	open("laptop", admin.ID)
	open("phone", admin.ID)
	must(t, f.st.ChangeAccountPassword(f.ctx, a.ID, admin.ID, "phone", PasswordChange{Current: goodPassword, New: "N3w-passw0rd", Confirm: "N3w-passw0rd"}))
	if found, err := f.st.UpdateSession(f.ctx, "laptop", Session{AccountID: a.ID, PersonID: admin.ID, Data: []byte("y")}); err != nil || found {
		t.Fatalf("writing an ended session back: found=%v err=%v", found, err)
	}
	if list, _ := f.st.MemberSessions(f.ctx, a.ID, admin.ID, "phone"); len(list) != 1 || !list[0].Current {
		t.Fatalf("signed-in devices after the change: %+v", list)
	}
	wantEnded("laptop", SessionEndPassword)

	open("dev-a", dev.ID)
	must(t, f.st.RemoveMember(f.ctx, a.ID, admin.ID, KindProject, m.ID))
	wantEnded("dev-a", SessionEndRemoved)

	open("tablet", admin.ID)
	must(t, f.st.EndOtherMemberSessions(f.ctx, a.ID, admin.ID, "phone"))
	wantEnded("tablet", SessionEndElsewhere)
	open("desk", admin.ID)
	list, err := f.st.MemberSessions(f.ctx, a.ID, admin.ID, "phone")
	must(t, err)
	for _, ss := range list {
		if !ss.Current {
			must(t, f.st.EndMemberSession(f.ctx, a.ID, admin.ID, ss.ID))
		}
	}
	f.clock.Advance(testLimits.Idle)
	if _, err := f.st.LoadSession(f.ctx, "desk", testLimits, "", ""); !errors.Is(err, ErrNotFound) || errors.As(err, new(SessionEnded)) {
		t.Fatalf("an ended session past its timeout: %v, want plain ErrNotFound", err)
	}
	if n := f.count(`SELECT count(*) FROM sessions WHERE ended <> ''`); n != 0 {
		t.Fatalf("%d ended rows kept past their timeout", n)
	}
}
