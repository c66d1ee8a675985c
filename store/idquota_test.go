package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// At most 5 accounts per administrator ID number (SPEC §5), counted among the accounts
// whose administrator proved the identity by the bind_admin scan; the x of the check digit
// is not a way around the limit.
func TestIDQuota(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	for i := 0; i < 4; i++ {
		f.account(fmt.Sprintf("a%d@example.com", i), admin, "personal")
	}
	f.bound("fifth@example.com", admin, "personal") // bound, not yet confirmed: counts
	id := f.activated("sixth@example.com")
	sub := subjectOf(admin, "personal")
	wantCode(t, f.st.SaveSubject(f.ctx, id, sub), "admin_id_number", "id_quota_exceeded")
	sub.AdminIDNumber = toLower(sub.AdminIDNumber)
	wantCode(t, f.st.SaveSubject(f.ctx, id, sub), "admin_id_number", "id_quota_exceeded")
	other := f.person("admin_two")
	if err := f.st.SaveSubject(f.ctx, id, subjectOf(other, "personal")); err != nil {
		t.Fatalf("another ID number: %v", err)
	}
}

// Five throwaway registrations that typed someone's ID number (never bound by their scan)
// do not block that person: their own registration goes through to the end, and the quota
// still refuses the sixth real account.
func TestIDQuotaIgnoresUnprovenRegistrations(t *testing.T) {
	f := newFixture(t)
	victim := f.person("victim_01")
	for i := 0; i < 5; i++ {
		f.atAdmin(fmt.Sprintf("squat%d@example.com", i), victim, "personal")
	}
	for i := 0; i < 5; i++ {
		f.account(fmt.Sprintf("real%d@example.com", i), victim, "personal")
	}
	id := f.activated("sixth@example.com")
	wantCode(t, f.st.SaveSubject(f.ctx, id, subjectOf(victim, "personal")), "admin_id_number", "id_quota_exceeded")
}

// The quota is counted again when the scan binds the administrator: two registrations that
// both passed the subject step at 4 of 5 cannot both be bound.
func TestIDQuotaCheckedAtBind(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	for i := 0; i < 4; i++ {
		f.account(fmt.Sprintf("a%d@example.com", i), admin, "personal")
	}
	var ids []int64
	var tokens []string
	for i := 0; i < 2; i++ {
		id := f.atAdmin(fmt.Sprintf("late%d@example.com", i), admin, "personal")
		token := f.scan(PurposeBindAdmin, id)
		if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
			t.Fatal(err)
		}
		ids, tokens = append(ids, id), append(tokens, token)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, tokens[0], ids[0]); err != nil {
		t.Fatalf("the fifth: %v", err)
	}
	wantCode(t, f.st.CompleteBindAdmin(f.ctx, tokens[1], ids[1]), "admin_id_number", "id_quota_exceeded")
	if n := f.count(`SELECT count(*) FROM accounts WHERE admin_id_number = ? AND step IN ('confirm', 'done')`, admin.IDNumber); n != 5 {
		t.Fatalf("%d proven accounts with the ID number, want 5", n)
	}
}

// Concurrent bindings with one ID number at 4 of 5: exactly one gets through.
func TestIDQuotaUnderRace(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	for i := 0; i < AccountsPerIDNumber-1; i++ {
		f.account(fmt.Sprintf("a%d@example.com", i), admin, "personal")
	}
	type pending struct {
		id    int64
		token string
	}
	var waiting []pending
	for i := 0; i < 10; i++ {
		id := f.atAdmin(fmt.Sprintf("race%d@example.com", i), admin, "personal")
		token := f.scan(PurposeBindAdmin, id)
		if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
			t.Fatal(err)
		}
		waiting = append(waiting, pending{id, token})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for _, w := range waiting {
		wg.Add(1)
		go func(w pending) {
			defer wg.Done()
			err := f.st.CompleteBindAdmin(f.ctx, w.token, w.id)
			var ve *ValidationError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.As(err, &ve) && ve.Fields["admin_id_number"] == "id_quota_exceeded":
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}(w)
	}
	wg.Wait()
	if ok != 1 || refused != 9 {
		t.Fatalf("%d bound, %d refused; want 1 and 9", ok, refused)
	}
}

// Unfinished registrations expire after 7 days: they stop counting, cannot be resumed by
// logging in, and the next registration deletes them (their email is free again).
func TestAbandonedRegistrations(t *testing.T) {
	f := newFixture(t)
	admin := f.person("admin_one")
	for i := 0; i < 5; i++ {
		f.bound(fmt.Sprintf("old%d@example.com", i), admin, "personal")
	}
	f.clock.Advance(7 * 24 * time.Hour)
	id := f.activated("fresh@example.com")
	if err := f.st.SaveSubject(f.ctx, id, subjectOf(admin, "personal")); err != nil {
		t.Fatalf("five bound registrations 7 days old still count: %v", err)
	}
	if n := f.count(`SELECT count(*) FROM accounts WHERE email LIKE 'old%'`); n != 0 {
		t.Fatalf("%d abandoned registrations left after a new one, want 0", n)
	}
	f.register("late@example.com")
	f.clock.Advance(7*24*time.Hour - time.Second)
	if _, err := f.st.CheckAccountPassword(f.ctx, "late@example.com", goodPassword); err != nil {
		t.Fatalf("a registration 1 s short of 7 days cannot be resumed: %v", err)
	}
	f.clock.Advance(time.Second)
	wantCode(t, second(f.st.CheckAccountPassword(f.ctx, "late@example.com", goodPassword)), "", "login_failed")
	f.register("late@example.com")
}

func second[T any](_ T, err error) error { return err }
