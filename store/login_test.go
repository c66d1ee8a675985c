package store

import (
	"database/sql"
	"errors"
	"testing"
	"time"
)

// A wrong password and an unknown email are the same answer, with no hint which.
func TestLoginFailedIsOneCode(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	for _, tc := range []struct{ email, password string }{
		{"owner@example.com", "Wrong-pass1"},
		{"owner@example.com", ""},
		{"nobody@example.com", goodPassword},
		{"", ""},
	} {
		_, err := f.st.CheckAccountPassword(f.ctx, tc.email, tc.password)
		wantCode(t, err, "", "login_failed")
		var ve *ValidationError
		if errors.As(err, &ve) && len(ve.Fields) != 1 {
			t.Fatalf("%v: more than one hint: %v", tc, ve.Fields)
		}
	}
	a, err := f.st.CheckAccountPassword(f.ctx, " Owner@Example.com ", goodPassword)
	if err != nil || a.Email != "owner@example.com" {
		t.Fatalf("right password: %+v, %v", a, err)
	}
}

// Five failures within 15 minutes lock the email for 15 minutes, even for the right
// password; then it opens again.
func TestLoginLockout(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	for i := 0; i < LockoutFailures; i++ {
		_, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", "Wrong-pass1")
		wantCode(t, err, "", "login_failed")
		f.clock.Advance(time.Minute)
	}
	_, err := f.st.CheckAccountPassword(f.ctx, "OWNER@example.com", goodPassword)
	wantCode(t, err, "", "login_locked")
	// The fifth failure was 1 minute ago: locked for 14 more minutes, then open.
	f.clock.Advance(LockoutWindow - time.Minute - time.Second)
	_, err = f.st.CheckAccountPassword(f.ctx, "owner@example.com", goodPassword)
	wantCode(t, err, "", "login_locked")
	f.clock.Advance(time.Second)
	if _, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", goodPassword); err != nil {
		t.Fatalf("15 minutes after the lock: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM login_failures WHERE login = 'owner@example.com'`); n != 0 {
		t.Fatalf("success left %d failures counted", n)
	}
}

// Attempts while locked are not counted: the lock does not extend itself.
func TestLoginLockedAttemptsDoNotExtend(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	for i := 0; i < LockoutFailures; i++ {
		f.st.CheckAccountPassword(f.ctx, "owner@example.com", "Wrong-pass1")
	}
	for i := 0; i < 14; i++ {
		f.clock.Advance(time.Minute)
		_, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", "Wrong-pass1")
		wantCode(t, err, "", "login_locked")
	}
	f.clock.Advance(time.Minute)
	if _, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", goodPassword); err != nil {
		t.Fatalf("after 15 minutes: %v", err)
	}
}

// Failures spread over more than 15 minutes do not lock; a success starts the count again.
func TestLoginFailuresOutsideWindow(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	for i := 0; i < 2*LockoutFailures; i++ {
		_, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", "Wrong-pass1")
		wantCode(t, err, "", "login_failed")
		f.clock.Advance(4 * time.Minute)
	}
	f.clock.Advance(LockoutWindow)
	for i := 0; i < LockoutFailures-1; i++ {
		f.st.CheckAccountPassword(f.ctx, "owner@example.com", "Wrong-pass1")
	}
	if _, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", goodPassword); err != nil {
		t.Fatalf("four quick failures then the right password: %v", err)
	}
	for i := 0; i < LockoutFailures-1; i++ {
		f.st.CheckAccountPassword(f.ctx, "owner@example.com", "Wrong-pass1")
	}
	if _, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", goodPassword); err != nil {
		t.Fatalf("the success should have reset the count: %v", err)
	}
}

// Unknown emails are locked too (no hint that they do not exist), and one email's lock
// leaves others alone.
func TestLoginLockoutPerEmail(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	for i := 0; i < LockoutFailures; i++ {
		f.st.CheckAccountPassword(f.ctx, "ghost@example.com", "whatever1")
	}
	_, err := f.st.CheckAccountPassword(f.ctx, "ghost@example.com", "whatever1")
	wantCode(t, err, "", "login_locked")
	if _, err := f.st.CheckAccountPassword(f.ctx, "owner@example.com", goodPassword); err != nil {
		t.Fatalf("another email: %v", err)
	}
}

// The simulator's sign-in has the same lockout, per WeChat ID (case-insensitive): 5
// failures within 15 minutes, then refused even with the right password until 15 minutes
// after the fifth; the console's lock of an email is not the simulator's.
func TestWxLoginLockout(t *testing.T) {
	f := newFixture(t)
	p := f.person("alice_01")
	for i := 0; i < 5; i++ {
		wantCode(t, second(f.st.AuthenticatePerson(f.ctx, "alice_01", "wrong-pass")), "", "login_failed")
		f.clock.Advance(time.Minute)
	}
	wantCode(t, second(f.st.AuthenticatePerson(f.ctx, "ALICE_01", "wx-pass")), "", "login_locked")
	if _, err := f.st.AuthenticatePerson(f.ctx, "bob_0001", "wx-pass"); err == nil {
		t.Fatal("an unknown WeChat ID signed in")
	}
	f.clock.Advance(14*time.Minute - time.Second) // the fifth failure was 1 minute ago
	wantCode(t, second(f.st.AuthenticatePerson(f.ctx, "alice_01", "wx-pass")), "", "login_locked")
	f.clock.Advance(time.Second)
	got, err := f.st.AuthenticatePerson(f.ctx, "alice_01", "wx-pass")
	if err != nil || got.ID != p.ID {
		t.Fatalf("15 minutes after the fifth failure: %v, %v", got, err)
	}
	if n := f.count(`SELECT count(*) FROM login_failures WHERE surface = 'wx' AND login = 'alice_01'`); n != 0 {
		t.Fatalf("%d failures left after a success, want 0", n)
	}
}

// A login whose password was checked against a hash that changed before its transaction
// (the password was changed meanwhile) is refused: the write re-checks what it relies on.
func TestLoginRechecksTheHash(t *testing.T) {
	f := newFixture(t)
	id := f.register("owner@example.com")
	err := f.st.checkLogin(f.ctx, SurfaceConsole, "owner@example.com", goodPassword, func(q querier) (string, error) {
		if _, ok := q.(*sql.Tx); ok {
			return "$2a$04$changedchangedchangedcu7Kj1Xk9sBX8rVQZ4oHfRzjJ9w8GJW2", nil
		}
		return passwordHash(q, f.ctx, `SELECT password_hash FROM accounts WHERE id = ?`, id)
	})
	wantCode(t, err, "", "login_failed")
}
