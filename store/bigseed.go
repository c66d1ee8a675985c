package store

import (
	"context"
	"fmt"
	"time"
)

// Big is the size of a database seeded for the scale goal of the performance issue:
// pages and API calls must stay fast with many other accounts around.
type Big struct {
	Accounts          int // finished accounts besides the load account
	MembersPerAccount int // active members of each, half project and half experience
	LogRows           int // operation-log rows, spread evenly over the accounts
}

// BigGoal is the big database of the performance goals: 10,000 accounts × 90 members and
// 1,000,000 operation-log rows.
var BigGoal = Big{Accounts: 10_000, MembersPerAccount: 90, LogRows: 1_000_000}

// accountsPerPerson is how many accounts each seeded member belongs to, so that the people
// table is large (a tenth of the member rows) without anyone nearing PersonQuota.
const accountsPerPerson = 9

// SeedBig adds b.Accounts finished accounts (enterprise subjects, authenticated and
// released, so 90 members fit each list) with their administrators, members drawn from a
// shared pool of people, and b.LogRows operation-log rows. It writes in transactions of
// batchRows rows with prepared statements, so a million rows take seconds, not hours.
// Nobody can sign in as the seeded people: they all share the hash of a random password.
func (s *Store) SeedBig(ctx context.Context, b Big) error {
	if b.Accounts < 1 || b.MembersPerAccount < 0 || b.LogRows < 0 {
		return fmt.Errorf("big seed: %+v is not a size", b)
	}
	hash, err := hashPassword(randomHex(16))
	if err != nil {
		return err
	}
	w, err := s.newBatch(ctx)
	if err != nil {
		return err
	}
	defer w.rollback()
	var p0, a0 int64
	if err := w.tx.QueryRowContext(ctx, `SELECT (SELECT COALESCE(max(id), 0) FROM people), (SELECT COALESCE(max(id), 0) FROM accounts)`).
		Scan(&p0, &a0); err != nil {
		return fmt.Errorf("big seed: %w", err)
	}
	now := s.now()
	at := fmtTime(now)
	pool := max(b.MembersPerAccount, b.Accounts*b.MembersPerAccount/accountsPerPerson)
	admin := func(i int) int64 { return p0 + 1 + int64(i) }
	member := func(k int) int64 { return p0 + 1 + int64(b.Accounts) + int64(k%pool) }
	for i := range b.Accounts {
		if _, err := w.exec(`INSERT INTO people (id, wechat_id, nickname, password_hash, real_name, id_number, created_at)
			VALUES (?, ?, ?, ?, '王五', ?, ?)`, admin(i), fmt.Sprintf("big_admin_%05d", i+1), fmt.Sprintf("管理员%05d", i+1),
			hash, bigIDNumber(i), at); err != nil {
			return fmt.Errorf("big administrator %d: %w", i+1, err)
		}
	}
	for k := range pool {
		if _, err := w.exec(`INSERT INTO people (id, wechat_id, nickname, password_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
			member(k), fmt.Sprintf("big_user_%06d", k+1), fmt.Sprintf("用户%06d", k+1), hash, at); err != nil {
			return fmt.Errorf("big person %d: %w", k+1, err)
		}
	}
	authUntil, released := fmtTime(now.AddDate(1, 0, 0)), fmtTime(now.AddDate(0, -1, 0))
	for i := range b.Accounts {
		if _, err := w.exec(`INSERT INTO accounts (id, email, password_hash, step, subject_type, admin_name, admin_id_number,
			admin_phone, org_name, credit_code, admin_person_id, appid, original_id, name, auth_expires_at, first_released_at,
			created_at, activated_at, registered_at)
			VALUES (?, ?, ?, ?, 'enterprise', '王五', ?, '13700137000', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a0+1+int64(i), fmt.Sprintf("big%05d@example.com", i+1), hash, StepDone, bigIDNumber(i),
			fmt.Sprintf("压测科技%05d有限公司", i+1), CreditCodeWithCheck(fmt.Sprintf("91350100%09d", i+1)), admin(i),
			"wx"+randomHex(16), "gh_"+randomHex(12), fmt.Sprintf("压测商城%05d", i+1), authUntil, released, at, at, at); err != nil {
			return fmt.Errorf("big account %d: %w", i+1, err)
		}
		for j := range b.MembersPerAccount {
			kind, roles := KindProject, string(ProjectRoles[j%len(ProjectRoles)])
			if j >= b.MembersPerAccount/2 {
				kind, roles = KindExperience, ""
			}
			if _, err := w.exec(`INSERT INTO members (account_id, person_id, kind, roles, status, added_by, added_at)
				VALUES (?, ?, ?, ?, 'active', ?, ?)`, a0+1+int64(i), member(i*b.MembersPerAccount+j), kind, roles, admin(i), at); err != nil {
				return fmt.Errorf("big member of account %d: %w", i+1, err)
			}
		}
	}
	for k := range b.LogRows {
		i := k % b.Accounts
		if _, err := w.exec(`INSERT INTO oplog (account_id, person_id, action, detail, at) VALUES (?, ?, ?, ?, ?)`,
			a0+1+int64(i), admin(i), bigActions[k%len(bigActions)], fmt.Sprintf("big_user_%06d", k%pool+1),
			fmtTime(now.Add(time.Duration(k-b.LogRows)*time.Second))); err != nil {
			return fmt.Errorf("big log row %d: %w", k+1, err)
		}
	}
	return w.commit()
}

// bigActions are the log lines of the big seed, taken from what the console logs.
var bigActions = []string{"experience_member_added", "project_member_added", "ip_whitelist_set", "intro_set"}

// bigIDNumber is a valid, distinct ID number for the i-th seeded administrator: a thousand
// per birth day from 1970-01-01 on.
func bigIDNumber(i int) string {
	born := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
	return IDNumberWithCheck(fmt.Sprintf("110105%s%03d", born.Format("20060102"), i%1000))
}
