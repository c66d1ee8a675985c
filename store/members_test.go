package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// memberFix is a store with people and finished accounts inserted directly (no bcrypt, no
// wizard), so the member rules can be tested against hundreds of rows quickly.
type memberFix struct {
	t   *testing.T
	ctx context.Context
	st  *Store
	now time.Time
	n   int
}

func newMemberFix(t *testing.T) *memberFix {
	t.Helper()
	st, err := openTestStore(t, "members.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.UseMasterKey(context.Background(), testMasterKey); err != nil {
		t.Fatal(err)
	}
	f := &memberFix{t: t, ctx: context.Background(), st: st, now: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	st.Now = func() time.Time { return f.now }
	return f
}

func (f *memberFix) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.st.write.ExecContext(f.ctx, q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

// person inserts a WeChat identity with a real name and a fresh ID number.
func (f *memberFix) person(wechatID string) Person {
	f.t.Helper()
	f.n++
	id := IDNumberWithCheck(fmt.Sprintf("11010519900101%03d", f.n%1000))
	f.exec(`INSERT INTO people (wechat_id, nickname, password_hash, real_name, id_number, created_at) VALUES (?, ?, 'x', '某人', ?, ?)`,
		wechatID, wechatID, id, fmtTime(f.now))
	p, err := f.st.PersonByWechatID(f.ctx, wechatID)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// account inserts a finished account of subjectType administered by admin.
func (f *memberFix) account(subjectType string, admin Person) Account {
	f.t.Helper()
	f.n++
	f.exec(`INSERT INTO accounts (email, password_hash, step, subject_type, admin_name, admin_id_number, admin_person_id, appid, original_id, created_at)
		VALUES (?, 'x', 'done', ?, ?, ?, ?, ?, ?, ?)`, fmt.Sprintf("a%d@example.com", f.n), subjectType, admin.RealName, admin.IDNumber, admin.ID,
		"wx"+randomHex(16), "gh_"+randomHex(12), fmtTime(f.now))
	var id int64
	if err := f.st.write.QueryRowContext(f.ctx, `SELECT max(id) FROM accounts`).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	a, err := f.st.AccountByID(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// active invites p into a's project list with roles and accepts at once.
func (f *memberFix) active(a Account, p Person, roles ...string) Member {
	f.t.Helper()
	m, err := f.st.AddProjectMember(f.ctx, a.ID, a.AdminPersonID, p.WechatID, roles)
	if err != nil {
		f.t.Fatalf("invite %s: %v", p.WechatID, err)
	}
	if err := f.st.DecideInvitation(f.ctx, p.ID, m.ID, true); err != nil {
		f.t.Fatal(err)
	}
	return m
}

func (f *memberFix) roles(a Account, p Person) Roles {
	f.t.Helper()
	rs, err := rolesOf(f.ctx, f.st.read, a.ID, p.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return rs
}

func TestMemberLimit(t *testing.T) {
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	future, past := now.AddDate(0, 6, 0), now.AddDate(0, -1, 0)
	for _, tc := range []struct {
		name     string
		subject  string
		authTill time.Time
		released time.Time
		want     int
	}{
		{"personal", "personal", time.Time{}, time.Time{}, 15},
		{"personal, released", "personal", future, past, 15},
		{"enterprise", "enterprise", time.Time{}, time.Time{}, 30},
		{"enterprise, authenticated", "enterprise", future, time.Time{}, 60},
		{"enterprise, authentication expired", "enterprise", past, time.Time{}, 30},
		{"enterprise, released", "enterprise", time.Time{}, past, 60},
		{"government, both", "government", future, past, 90},
	} {
		a := Account{Subject: Subject{Type: tc.subject}, AuthExpiresAt: tc.authTill, FirstReleasedAt: tc.released}
		if got := MemberLimit(a, now); got != tc.want {
			t.Errorf("%s: limit = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestAddProjectMemberRules(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a := f.account("personal", admin)
	bob := f.person("bob_dev")

	_, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "nobody_here", []string{"developer"})
	wantCode(t, err, "wechat_id", "wechat_id_not_found")
	_, err = f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "", []string{"developer"})
	wantCode(t, err, "wechat_id", "wechat_id_not_found")
	_, err = f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "bob_dev", nil)
	wantCode(t, err, "roles", "roles_required")
	_, err = f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "bob_dev", []string{"admin"})
	wantCode(t, err, "roles", "roles_invalid")
	_, err = f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "admin_one", []string{"developer"})
	wantCode(t, err, "wechat_id", "already_member")

	m, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "BOB_DEV", []string{"analyst", "developer", "analyst"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusInvited || m.Roles.String() != "developer analyst" {
		t.Fatalf("member = %+v, want invited developer analyst", m)
	}
	if rs := f.roles(a, bob); len(rs) != 0 {
		t.Fatalf("an invited member has roles %v before accepting", rs)
	}
	_, err = f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "bob_dev", []string{"operator"})
	wantCode(t, err, "wechat_id", "already_member")

	// Declined: shown, not counted, and may be invited again.
	if err := f.st.DecideInvitation(f.ctx, bob.ID, m.ID, false); err != nil {
		t.Fatal(err)
	}
	lists, err := f.st.Members(f.ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(lists.Project) != 1 || lists.Project[0].Status != StatusDeclined || lists.ProjectCount != 0 || lists.Limit != 15 {
		t.Fatalf("lists = %+v", lists)
	}
	if _, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "bob_dev", []string{"operator"}); err != nil {
		t.Fatalf("re-invite after decline: %v", err)
	}
	invs, _ := f.st.Invitations(f.ctx, bob.ID)
	if len(invs) != 1 || invs[0].Roles.String() != "operator" || invs[0].InvitedBy != "admin_one" || invs[0].AppID != a.AppID {
		t.Fatalf("invitations = %+v", invs)
	}
}

// The per-list limit: 15 for a personal subject, and the next add is member_quota.
func TestMemberQuota(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a := f.account("personal", admin)
	for i := range 15 {
		f.person(fmt.Sprintf("exp_%02d", i))
		if _, err := f.st.AddExperienceMember(f.ctx, a.ID, admin.ID, fmt.Sprintf("exp_%02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	f.person("exp_late")
	_, err := f.st.AddExperienceMember(f.ctx, a.ID, admin.ID, "exp_late")
	wantCode(t, err, "wechat_id", "member_quota")
	// The project list has its own 15.
	if _, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "exp_late", []string{"analyst"}); err != nil {
		t.Fatalf("project list counted the experience list: %v", err)
	}
	// A released, authenticated enterprise account holds 90.
	ent := f.account("enterprise", admin)
	f.exec(`UPDATE accounts SET auth_expires_at = ?, first_released_at = ? WHERE id = ?`, fmtTime(f.now.AddDate(1, 0, 0)), fmtTime(f.now), ent.ID)
	lists, _ := f.st.Members(f.ctx, ent.ID)
	if lists.Limit != 90 {
		t.Fatalf("limit = %d, want 90", lists.Limit)
	}
}

// A person may be in one kind of list of at most 50 accounts; pending invitations count.
func TestPersonQuota(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	p := f.person("popular")
	for i := range PersonQuota {
		a := f.account("personal", admin)
		if i%2 == 0 {
			f.active(a, p, "analyst")
		} else if _, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "popular", []string{"analyst"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.st.AddExperienceMember(f.ctx, a.ID, admin.ID, "popular"); err != nil {
			t.Fatal(err)
		}
	}
	a := f.account("personal", admin)
	_, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, "popular", []string{"analyst"})
	wantCode(t, err, "wechat_id", "person_quota")
	_, err = f.st.AddExperienceMember(f.ctx, a.ID, admin.ID, "popular")
	wantCode(t, err, "wechat_id", "person_quota")
}

// Concurrent adds at limit − 1 let exactly one through, for the account limit and for the
// person quota.
func TestMemberLimitsUnderRace(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a := f.account("personal", admin)
	for i := range 14 {
		f.person(fmt.Sprintf("dev_%02d", i))
		if _, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, fmt.Sprintf("dev_%02d", i), []string{"developer"}); err != nil {
			t.Fatal(err)
		}
	}
	var racers []string
	for i := range 12 {
		racers = append(racers, f.person(fmt.Sprintf("racer_%02d", i)).WechatID)
	}
	if ok := raceAdds(t, "member_quota", racers, func(w string) error {
		_, err := f.st.AddProjectMember(f.ctx, a.ID, admin.ID, w, []string{"developer"})
		return err
	}); ok != 1 {
		t.Fatalf("%d concurrent invitations succeeded at 14/15, want 1", ok)
	}

	p := f.person("popular")
	var accounts []Account
	for range PersonQuota - 1 {
		acc := f.account("personal", admin)
		if _, err := f.st.AddExperienceMember(f.ctx, acc.ID, admin.ID, "popular"); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		accounts = append(accounts, f.account("personal", admin))
	}
	if ok := raceAdds(t, "person_quota", accounts, func(acc Account) error {
		_, err := f.st.AddExperienceMember(f.ctx, acc.ID, admin.ID, p.WechatID)
		return err
	}); ok != 1 {
		t.Fatalf("%d concurrent adds succeeded at 49/50 accounts, want 1", ok)
	}
}

// raceAdds runs add for every item at once and counts the successes; every failure must
// be the quota code, not a busy database or anything else.
func raceAdds[T any](t *testing.T, code string, items []T, add func(T) error) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	start := make(chan struct{})
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := add(it)
			mu.Lock()
			defer mu.Unlock()
			var ve *ValidationError
			switch {
			case err == nil:
				ok++
			case !errors.As(err, &ve) || ve.Fields["wechat_id"] != code:
				t.Errorf("concurrent add: %v, want nil or %s", err, code)
			}
		}()
	}
	close(start)
	wg.Wait()
	return ok
}

// An unfinished registration has no administrator yet: nobody can be added to it.
func TestNoMembersBeforeRegistrationEnds(t *testing.T) {
	f := newFixture(t)
	id := f.activated("owner@example.com")
	p := f.person("alice01")
	if _, err := f.st.AddExperienceMember(f.ctx, id, 0, p.WechatID); !errors.Is(err, ErrConflict) {
		t.Fatalf("experience member of an unfinished account: %v, want ErrConflict", err)
	}
	if _, err := f.st.AddProjectMember(f.ctx, id, 0, p.WechatID, []string{"developer"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("project member of an unfinished account: %v, want ErrConflict", err)
	}
}
