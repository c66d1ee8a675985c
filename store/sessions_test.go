package store

import (
	"database/sql"
	"errors"
	"testing"
	"time"
)

var testLimits = SessionLimits{Idle: 12 * time.Hour, Max: 7 * 24 * time.Hour}

// A session ends 12 hours after its last request and 7 days after it began, whatever the
// browser still holds; last_seen is written at most once a minute.
func TestSessionTimeouts(t *testing.T) {
	f := newFixture(t)
	p := f.person("alice_01")
	if err := f.st.CreateSession(f.ctx, "idle", Session{Surface: SurfaceWx, PersonID: p.ID, Data: []byte("x")}, testLimits); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(12*time.Hour - time.Second)
	if _, err := f.st.LoadSession(f.ctx, "idle", testLimits, "ua", "127.0.0.1"); err != nil {
		t.Fatalf("1 s before the idle timeout: %v", err)
	}
	f.clock.Advance(30 * time.Second)
	ss, err := f.st.LoadSession(f.ctx, "idle", testLimits, "ua2", "127.0.0.2")
	if err != nil || ss.UserAgent != "ua" {
		t.Fatalf("30 s after a touch: %v; agent %q, want the touch's (no write within a minute)", err, ss.UserAgent)
	}
	f.clock.Advance(12 * time.Hour)
	if _, err := f.st.LoadSession(f.ctx, "idle", testLimits, "ua", "127.0.0.1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("12 h idle: %v, want ErrNotFound", err)
	}
	if n := f.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("the timed-out row is kept (%d rows)", n)
	}

	if err := f.st.CreateSession(f.ctx, "busy", Session{Surface: SurfaceWx, PersonID: p.ID, Data: []byte("x")}, testLimits); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 7*4-1; i++ {
		f.clock.Advance(6 * time.Hour)
		if _, err := f.st.LoadSession(f.ctx, "busy", testLimits, "ua", "127.0.0.1"); err != nil {
			t.Fatalf("after %d h of use: %v", (i+1)*6, err)
		}
	}
	f.clock.Advance(6 * time.Hour)
	if _, err := f.st.LoadSession(f.ctx, "busy", testLimits, "ua", "127.0.0.1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("7 days after sign-in: %v, want ErrNotFound", err)
	}
}

// Writing back a session that was ended meanwhile does not bring it back.
func TestUpdateSessionDoesNotResurrect(t *testing.T) {
	f := newFixture(t)
	p := f.person("alice_01")
	f.st.CreateSession(f.ctx, "s1", Session{Surface: SurfaceWx, PersonID: p.ID, Data: []byte("x")}, testLimits)
	if err := f.st.DeleteSession(f.ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if found, err := f.st.UpdateSession(f.ctx, "s1", Session{PersonID: p.ID, Data: []byte("y")}); err != nil || found {
		t.Fatalf("update after delete: found=%v err=%v", found, err)
	}
	if n := f.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("%d rows, want 0", n)
	}
}

// A person sees and ends only their own console sessions of the account; the password
// change ends every other console session of the account, and removing a project member
// ends theirs there (and nowhere else).
func TestSessionsEndWithTheAccess(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	a := f.account("owner@example.com", admin, "personal")
	b := f.account("other@example.com", admin, "personal")
	dev := f.person("dev_0001")
	m, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "dev_0001", []string{"developer"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.DecideInvitation(f.ctx, dev.ID, m.ID, true); err != nil {
		t.Fatal(err)
	}
	sess := func(id string, acct, person int64) {
		t.Helper()
		if err := f.st.CreateSession(f.ctx, id, Session{Surface: SurfaceConsole, AccountID: acct, PersonID: person, Data: []byte("x")}, testLimits); err != nil {
			t.Fatal(err)
		}
	}
	sess("admin-a1", a.ID, admin.ID)
	sess("admin-a2", a.ID, admin.ID)
	sess("admin-b", b.ID, admin.ID)
	sess("dev-a", a.ID, dev.ID)
	list, err := f.st.MemberSessions(f.ctx, a.ID, admin.ID, "admin-a2")
	if err != nil || len(list) != 2 || list[0].Current == list[1].Current {
		t.Fatalf("the administrator's sessions in a: %+v, %v", list, err)
	}
	devList, _ := f.st.MemberSessions(f.ctx, a.ID, dev.ID, "dev-a")
	if err := f.st.EndMemberSession(f.ctx, a.ID, admin.ID, devList[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ending someone else's session: %v, want ErrNotFound", err)
	}

	if err := f.st.ChangeAccountPassword(f.ctx, a.ID, admin.ID, "admin-a2", PasswordChange{Current: goodPassword, New: "N3w-passw0rd", Confirm: "N3w-passw0rd"}); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"admin-a1": false, "admin-a2": true, "admin-b": true, "dev-a": false} {
		_, err := f.st.LoadSession(f.ctx, id, testLimits, "", "")
		if got := err == nil; got != want {
			t.Errorf("after the password change, session %s alive = %v, want %v", id, got, want)
		}
	}

	sess("dev-a", a.ID, dev.ID)
	sess("dev-wx", 0, dev.ID)
	if err := f.st.RemoveMember(f.ctx, a.ID, admin.ID, KindProject, m.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.LoadSession(f.ctx, "dev-a", testLimits, "", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the removed member's console session: %v, want ErrNotFound", err)
	}
	if _, err := f.st.LoadSession(f.ctx, "dev-wx", testLimits, "", ""); err != nil {
		t.Fatalf("the removed member's other session: %v", err)
	}
}

// A one-time value is shown once: the read deletes it; it expires after an hour and is
// bound to its account.
func TestOneTimeValues(t *testing.T) {
	e := newCredEnv(t)
	f := &fixture{t: t, ctx: t.Context(), st: e.st}
	err := e.st.withTx(f.ctx, func(tx *sql.Tx) error {
		if err := e.st.putOneTime(f.ctx, tx, OneTimeAppSecret, "tok1", e.acct.ID, "s3cret"); err != nil {
			return err
		}
		return e.st.putOneTime(f.ctx, tx, OneTimeAppSecret, "tok2", e.acct.ID, "later")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.TakeOneTime(f.ctx, OneTimeAppSecret, "tok1", e.acct.ID+1); !errors.Is(err, ErrGone) {
		t.Fatalf("another account: %v, want ErrGone", err)
	}
	if v, err := e.st.TakeOneTime(f.ctx, OneTimeAppSecret, "tok1", e.acct.ID); err != nil || v != "s3cret" {
		t.Fatalf("first view: %q, %v", v, err)
	}
	if _, err := e.st.TakeOneTime(f.ctx, OneTimeAppSecret, "tok1", e.acct.ID); !errors.Is(err, ErrGone) {
		t.Fatalf("second view: %v, want ErrGone", err)
	}
	var sealed []byte
	e.st.read.QueryRowContext(f.ctx, `SELECT sealed FROM one_time_values WHERE token_hash = ?`, HashToken("tok2")).Scan(&sealed)
	if len(sealed) == 0 || containsBytes(sealed, []byte("later")) {
		t.Fatalf("the kept value is not sealed: %q", sealed)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.st.TakeOneTime(f.ctx, OneTimeAppSecret, "tok2", e.acct.ID); !errors.Is(err, ErrGone) {
		t.Fatalf("after an hour: %v, want ErrGone", err)
	}
}
