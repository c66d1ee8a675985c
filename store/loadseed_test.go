package store

import (
	"errors"
	"net/netip"
	"testing"
)

// The load account has the 30 members of the performance goals, its people can sign in
// with the printed details, and seeding a database twice changes nothing.
func TestSeedLoad(t *testing.T) {
	f := newFixture(t)
	l, err := f.st.SeedLoad(f.ctx)
	must(t, err)
	lists, err := f.st.Members(f.ctx, l.AccountID)
	must(t, err)
	if len(lists.Project) != 15 || len(lists.Experience) != 15 || lists.Admin.WechatID != "load_admin" {
		t.Fatalf("members: %d project, %d experience, admin %q; want 15, 15, load_admin", len(lists.Project), len(lists.Experience), lists.Admin.WechatID)
	}
	for _, m := range append(lists.Project, lists.Experience...) {
		if m.Status != StatusActive {
			t.Errorf("member %s is %s, want active", m.WechatID, m.Status)
		}
	}
	if _, err := f.st.CheckAccountPassword(f.ctx, l.Email, l.Password); err != nil {
		t.Fatalf("console password: %v", err)
	}
	if _, err := f.st.AuthenticatePerson(f.ctx, l.AdminWechatID, l.WxPassword); err != nil {
		t.Fatalf("simulator password: %v", err)
	}
	again, err := f.st.SeedLoad(f.ctx)
	must(t, err)
	if again.AccountID != l.AccountID || again.AppID != l.AppID {
		t.Fatalf("second seed = %d %s, want the first account %d %s", again.AccountID, again.AppID, l.AccountID, l.AppID)
	}
	if n := f.count(`SELECT count(*) FROM people`); n != 31 {
		t.Fatalf("%d people after seeding twice, want 31", n)
	}
}

// 120 minted codes all work within one minute: more than the 100 calls a minute one
// person may make, so they must belong to several visitors.
func TestMintJSCodes(t *testing.T) {
	f := newFixture(t)
	l, err := f.st.SeedLoad(f.ctx)
	must(t, err)
	admin, err := f.st.PersonByWechatID(f.ctx, l.AdminWechatID)
	must(t, err)
	token, err := f.st.StartSecretReset(f.ctx, l.AccountID, Requester{})
	must(t, err)
	_, err = f.st.DecideScan(f.ctx, token, admin.ID, true)
	must(t, err)
	must(t, f.st.CompleteSecretReset(f.ctx, token, l.AccountID))
	secret, err := f.st.TakeOneTime(f.ctx, OneTimeAppSecret, token, l.AccountID)
	must(t, err)

	codes, err := f.st.MintJSCodes(f.ctx, l.AccountID, 120)
	must(t, err)
	call := APICall{AppID: l.AppID, Secret: secret, IP: netip.MustParseAddr("127.0.0.1")}
	openids := map[string]bool{}
	for i, code := range codes {
		s, err := f.st.CodeToSession(f.ctx, call, code)
		if err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
		openids[s.OpenID] = true
	}
	if len(openids) != 3 {
		t.Fatalf("%d distinct openids, want 3 visitors of 50 codes", len(openids))
	}
	if _, err := f.st.CodeToSession(f.ctx, call, codes[0]); !errors.Is(err, APIInvalidCode) {
		t.Fatalf("spent code again: %v, want 40029", err)
	}
}

// A small big database: every account is finished with its members and log rows, and its
// lists may hold 90 (enterprise, authenticated and released).
func TestSeedBig(t *testing.T) {
	f := newFixture(t)
	must(t, f.st.SeedBig(f.ctx, Big{Accounts: 3, MembersPerAccount: 6, LogRows: 10}))
	if n := f.count(`SELECT count(*) FROM accounts WHERE step = 'done'`); n != 3 {
		t.Fatalf("%d finished accounts, want 3", n)
	}
	if n := f.count(`SELECT count(*) FROM oplog`); n != 10 {
		t.Fatalf("%d log rows, want 10", n)
	}
	ids, err := f.st.read.QueryContext(f.ctx, `SELECT id FROM accounts`)
	must(t, err)
	var accounts []int64
	for ids.Next() {
		var id int64
		must(t, ids.Scan(&id))
		accounts = append(accounts, id)
	}
	ids.Close()
	for _, id := range accounts {
		lists, err := f.st.Members(f.ctx, id)
		must(t, err)
		if len(lists.Project) != 3 || len(lists.Experience) != 3 || lists.Limit != 90 {
			t.Errorf("account %d: %d project, %d experience, limit %d; want 3, 3, 90", id, len(lists.Project), len(lists.Experience), lists.Limit)
		}
		if !CheckIDNumber(lists.Admin.IDNumber) {
			t.Errorf("account %d: administrator's ID number %q is not valid", id, lists.Admin.IDNumber)
		}
	}
	if err := f.st.SeedBig(f.ctx, Big{}); err == nil {
		t.Fatal("a big seed of no accounts was accepted")
	}
}
