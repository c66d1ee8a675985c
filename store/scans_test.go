package store

import (
	"errors"
	"testing"
	"time"
)

// A scan is pending until decided, and expires after 5 minutes of the store's clock.
func TestScanExpires(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	id := f.atAdmin("owner@example.com", admin, "personal")
	token := f.scan(PurposeBindAdmin, id)
	sc, err := f.st.ScanByToken(f.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if sc.State(f.clock.Now()) != "pending" || sc.Purpose != PurposeBindAdmin || sc.AccountID != id {
		t.Fatalf("new scan %+v", sc)
	}
	if !sc.ExpiresAt.Equal(f.clock.Now().Add(ScanTTL)) || ScanTTL != 5*time.Minute {
		t.Fatalf("expires at %v, want 5 minutes from now", sc.ExpiresAt)
	}
	f.clock.Advance(ScanTTL - time.Second)
	if sc.State(f.clock.Now()) != "pending" {
		t.Fatal("expired early")
	}
	f.clock.Advance(time.Second)
	if got := sc.State(f.clock.Now()); got != "expired" {
		t.Fatalf("state after 5 minutes = %q", got)
	}
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); !errors.Is(err, ErrGone) {
		t.Fatalf("confirming an expired scan: %v, want ErrGone", err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); !errors.Is(err, ErrGone) {
		t.Fatalf("completing an expired scan: %v, want ErrGone", err)
	}
	if a, _ := f.st.AccountByID(f.ctx, id); a.AdminPersonID != 0 || a.Step != StepAdmin {
		t.Fatalf("an expired scan bound %d", a.AdminPersonID)
	}
}

// A confirmed scan is spent once: the second use is ErrGone, and so is deciding it again.
func TestScanSingleUse(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	id := f.atAdmin("owner@example.com", admin, "personal")
	token := f.scan(PurposeBindAdmin, id)
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); !errors.Is(err, ErrGone) {
		t.Fatalf("completing a pending scan: %v, want ErrGone", err)
	}
	sc, err := f.st.DecideScan(f.ctx, token, admin.ID, true)
	if err != nil || sc.Status != "confirmed" || sc.PersonID != admin.ID {
		t.Fatalf("confirm: %+v, %v", sc, err)
	}
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, false); !errors.Is(err, ErrGone) {
		t.Fatalf("deciding twice: %v, want ErrGone", err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); !errors.Is(err, ErrGone) {
		t.Fatalf("spending twice: %v, want ErrGone", err)
	}
	sc, _ = f.st.ScanByToken(f.ctx, token)
	if !sc.Used {
		t.Fatal("a spent scan is not marked used")
	}
	a, _ := f.st.AccountByID(f.ctx, id)
	if a.AdminPersonID != admin.ID || a.Step != StepConfirm {
		t.Fatalf("admin %d at %q", a.AdminPersonID, a.Step)
	}
}

// A rejected scan cannot be spent or decided again.
func TestScanRejected(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	id := f.atAdmin("owner@example.com", admin, "personal")
	token := f.scan(PurposeBindAdmin, id)
	sc, err := f.st.DecideScan(f.ctx, token, admin.ID, false)
	if err != nil || sc.State(f.clock.Now()) != "rejected" {
		t.Fatalf("reject: %+v, %v", sc, err)
	}
	f.clock.Advance(time.Hour)
	if sc, _ := f.st.ScanByToken(f.ctx, token); sc.State(f.clock.Now()) != "rejected" {
		t.Fatalf("a rejected scan became %q", sc.State(f.clock.Now()))
	}
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); !errors.Is(err, ErrGone) {
		t.Fatalf("confirming after rejecting: %v", err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); !errors.Is(err, ErrGone) {
		t.Fatalf("spending a rejected scan: %v", err)
	}
}

func TestScanUnknownToken(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.ScanByToken(f.ctx, NewToken()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ScanByToken: %v", err)
	}
	if _, err := f.st.DecideScan(f.ctx, NewToken(), 1, true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DecideScan: %v", err)
	}
}

// Only the person whose real name and ID number are the subject's administrator may bind;
// anyone else is refused, the refusal is recorded for the waiting page, and the scan stays
// pending for the right person.
func TestBindAdminIdentity(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	id := f.atAdmin("owner@example.com", admin, "personal")
	stranger := f.person("stranger")
	namesake, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "namesake", Nickname: "n", Password: "wx-pass", RealName: admin.RealName, IDNumber: f.idNumber()})
	if err != nil {
		t.Fatal(err)
	}
	sameID, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "same_id", Nickname: "s", Password: "wx-pass", RealName: "李四", IDNumber: admin.IDNumber})
	if err != nil {
		t.Fatal(err)
	}
	noName, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "no_name", Nickname: "n", Password: "wx-pass"})
	if err != nil {
		t.Fatal(err)
	}
	token := f.scan(PurposeBindAdmin, id)
	for _, p := range []Person{stranger, namesake, sameID, noName} {
		for _, confirm := range []bool{true, false} {
			_, err := f.st.DecideScan(f.ctx, token, p.ID, confirm)
			wantCode(t, err, "", "admin_identity_mismatch")
		}
	}
	sc, _ := f.st.ScanByToken(f.ctx, token)
	if sc.State(f.clock.Now()) != "pending" || sc.Refusal != "admin_identity_mismatch" {
		t.Fatalf("after refusals: state %q, refusal %q", sc.State(f.clock.Now()), sc.Refusal)
	}
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		t.Fatalf("the right person: %v", err)
	}
	sc, _ = f.st.ScanByToken(f.ctx, token)
	if sc.Status != "confirmed" || sc.Refusal != "" || sc.PersonID != admin.ID {
		t.Fatalf("after the right person: %+v", sc)
	}
}

// Editing the subject after the scan was confirmed retires the scan: the person who
// confirmed it no longer has to be the administrator the subject names.
func TestSubjectEditRetiresBindScan(t *testing.T) {
	f := newFixture(t)
	admin, other := f.person("admin_one"), f.person("admin_two")
	id := f.atAdmin("owner@example.com", admin, "personal")
	token := f.scan(PurposeBindAdmin, id)
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SaveSubject(f.ctx, id, subjectOf(other, "personal")); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); !errors.Is(err, ErrGone) {
		t.Fatalf("spending a scan confirmed for the old subject: %v, want ErrGone", err)
	}
	if a, _ := f.st.AccountByID(f.ctx, id); a.AdminPersonID != 0 || a.Step != StepAdmin {
		t.Fatalf("bound %d at %q", a.AdminPersonID, a.Step)
	}
}

// A scan is spent only for its own purpose and account.
func TestScanPurposeAndAccount(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	id := f.atAdmin("owner@example.com", admin, "personal")
	otherID := f.atAdmin("other@example.com", admin, "personal")
	token := f.scan(PurposeBindAdmin, id)
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, otherID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account: %v, want ErrNotFound", err)
	}
	if _, err := f.st.CompleteLogin(f.ctx, token, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another purpose: %v, want ErrNotFound", err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); err != nil {
		t.Fatalf("the scan was spent by a wrong use: %v", err)
	}
}

// Login scans: the administrator and active project members may confirm, others get
// not_a_member; scan login (no account) needs at least one account of one's own.
func TestLoginScans(t *testing.T) {
	f := newFixture(t)
	admin, stranger := f.person("admin_one"), f.person("stranger")
	a := f.account("owner@example.com", admin, "personal")
	token := f.scan(PurposeLogin, a.ID)
	_, err := f.st.DecideScan(f.ctx, token, stranger.ID, true)
	wantCode(t, err, "", "not_a_member")
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	who, err := f.st.CompleteLogin(f.ctx, token, a.ID)
	if err != nil || who != admin.ID {
		t.Fatalf("CompleteLogin = %d, %v", who, err)
	}
	if _, err := f.st.CompleteLogin(f.ctx, token, a.ID); !errors.Is(err, ErrGone) {
		t.Fatalf("second use: %v", err)
	}

	anyone := f.scan(PurposeLogin, 0)
	_, err = f.st.DecideScan(f.ctx, anyone, stranger.ID, true)
	wantCode(t, err, "", "not_a_member")
	if _, err := f.st.DecideScan(f.ctx, anyone, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if who, err := f.st.CompleteLogin(f.ctx, anyone, 0); err != nil || who != admin.ID {
		t.Fatalf("scan login = %d, %v", who, err)
	}
	accounts, err := f.st.ConsoleAccounts(f.ctx, admin.ID)
	if err != nil || len(accounts) != 1 || accounts[0].ID != a.ID {
		t.Fatalf("ConsoleAccounts = %v, %v", accounts, err)
	}
	if none, err := f.st.ConsoleAccounts(f.ctx, stranger.ID); err != nil || len(none) != 0 {
		t.Fatalf("a stranger may pick %v", none)
	}
}

// An administrator who stops being one between the scan and its use is not signed in.
func TestLoginScanRechecksRoles(t *testing.T) {
	f := newFixture(t)
	admin, next := f.person("admin_one"), f.person("admin_two")
	a := f.account("owner@example.com", admin, "personal")
	token := f.scan(PurposeLogin, a.ID)
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.write.ExecContext(f.ctx, `UPDATE accounts SET admin_person_id = ? WHERE id = ?`, next.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	_, err := f.st.CompleteLogin(f.ctx, token, a.ID)
	wantCode(t, err, "", "not_a_member")
}

// The other purposes have their own rule of who may confirm.
func TestSecretAndTransferScans(t *testing.T) {
	f := newFixture(t)
	admin, stranger, heir := f.person("admin_one"), f.person("stranger"), f.person("heir_one")
	a := f.account("owner@example.com", admin, "personal")
	reset := f.scan(PurposeResetSecret, a.ID)
	_, err := f.st.DecideScan(f.ctx, reset, stranger.ID, true)
	wantCode(t, err, "", "not_admin")
	if _, err := f.st.DecideScan(f.ctx, reset, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	transfer, err := f.st.CreateScan(f.ctx, PurposeTransferAdmin, a.ID, heir.ID, Requester{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.st.DecideScan(f.ctx, transfer, admin.ID, true)
	wantCode(t, err, "", "wrong_person")
	if _, err := f.st.DecideScan(f.ctx, transfer, heir.ID, true); err != nil {
		t.Fatal(err)
	}
}

// A confirmed scan must be completed soon: once the code has been expired for ScanTTL, the
// confirmation is spent nowhere and the waiting page shows the code as expired.
func TestConfirmedScanGoesStale(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	a := f.account("owner@example.com", admin, "personal")
	token := f.scan(PurposeLogin, a.ID)
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2*ScanTTL - time.Second)
	sc, _ := f.st.ScanByToken(f.ctx, token)
	if got := sc.State(f.st.Now()); got != "confirmed" {
		t.Fatalf("state just inside the window = %q, want confirmed", got)
	}
	f.clock.Advance(time.Second)
	sc, _ = f.st.ScanByToken(f.ctx, token)
	if got := sc.State(f.st.Now()); got != "expired" {
		t.Fatalf("state after the window = %q, want expired", got)
	}
	if _, err := f.st.CompleteLogin(f.ctx, token, a.ID); !errors.Is(err, ErrGone) {
		t.Fatalf("completing a stale confirmation: %v, want ErrGone", err)
	}
}
