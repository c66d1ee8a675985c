package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// dumpSandbox is the account's rows of every snapshot table, SELECT * in rowid order, as
// text: what a restore must give back byte for byte.
func dumpSandbox(t *testing.T, st *Store, accountID int64) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, tb := range snapTables {
		table := tb.name
		rows, err := st.read.QueryContext(t.Context(), `SELECT * FROM `+table+` WHERE `+tb.where+` ORDER BY rowid`, accountID)
		must(t, err)
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			fmt.Fprintf(&b, "%#v\n", vals)
		}
		must(t, rows.Err())
		rows.Close()
		out[table] = b.String()
	}
	return out
}

// A snapshot restored puts back every restored table's rows for the account exactly, in
// one transaction, and the clock and fault rules the API reads from memory with them;
// people the API made since are gone. Another account's snapshot is not found.
func TestSnapshotRoundTrip(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	ctx := e.ctx
	alice, err := e.st.CreateSandboxPerson(ctx, e.acct.ID, NewPerson{WechatID: "sb_alice", Nickname: "Alice", Phone: "13800138001"})
	must(t, err)
	m, err := e.st.AddMemberAtOnce(ctx, e.acct.ID, "sb_alice", KindProject, []string{"developer"})
	must(t, err)
	if m.Status != StatusActive {
		t.Fatalf("member added through the API is %s, want active at once", m.Status)
	}
	e.upload(ByPerson(e.admin.ID), "1.0.0")
	tmpl, err := e.st.AddMessageTemplate(ctx, e.acct.ID, "1927", []int{1, 2, 3}, "")
	must(t, err)
	_, err = e.st.SandboxLoginCode(ctx, e.acct.ID, "sb_alice", "")
	must(t, err)
	must(t, e.st.SandboxSubscribe(ctx, e.acct.ID, "sb_alice", tmpl))
	must(t, e.st.AdvanceClock(ctx, e.acct.ID, 0, time.Hour))
	rule, err := e.st.AddFaultRule(ctx, e.acct.ID, FaultForm{Endpoint: "/cgi-bin/token", Kind: FaultErrcode, ErrCode: "45009", Count: "2"})
	must(t, err)

	before := dumpSandbox(t, e.st, e.acct.ID)
	snap, err := e.st.CreateSnapshot(ctx, e.acct.ID)
	must(t, err)

	_, err = e.st.CreateSandboxPerson(ctx, e.acct.ID, NewPerson{WechatID: "sb_bob", Nickname: "Bob"})
	must(t, err)
	_, err = e.st.AddMemberAtOnce(ctx, e.acct.ID, "sb_bob", KindExperience, nil)
	must(t, err)
	_, err = e.st.UpdateProfile(ctx, alice.ID, Profile{Nickname: "Alice 2", Phone: "13900139000"})
	must(t, err)
	e.released("1.0.1", ModeFull, PhasePlan{})
	_, err = e.st.AddMessageTemplate(ctx, e.acct.ID, "1927", []int{1, 2}, "")
	must(t, err)
	must(t, e.st.SandboxSubscribe(ctx, e.acct.ID, "sb_alice", tmpl))
	must(t, e.st.ClockToNextMidnight(ctx, e.acct.ID, 0))
	must(t, e.st.DeleteFaultRule(ctx, e.acct.ID, rule.ID))
	changed := dumpSandbox(t, e.st, e.acct.ID)
	for table, rows := range before {
		if changed[table] == rows {
			t.Errorf("the test did not change %s", table)
		}
	}

	must(t, e.st.RestoreSnapshot(ctx, e.acct.ID, snap.ID))
	after := dumpSandbox(t, e.st, e.acct.ID)
	for table, rows := range before {
		if after[table] != rows {
			t.Errorf("%s after restore:\n%s\nwant:\n%s", table, after[table], rows)
		}
	}
	if got := e.st.ClockOffset(e.acct.ID); got != time.Hour {
		t.Errorf("clock offset after restore = %v, want 1h", got)
	}
	if !e.st.FaultsActive() {
		t.Error("the restored fault rule is not active")
	}
	if _, err := e.st.PersonByWechatID(ctx, "sb_bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("person made after the snapshot: %v, want gone", err)
	}

	other := newVerEnvIn(e.fixture.sub(t), "_o", "personal")
	if err := e.st.RestoreSnapshot(ctx, other.acct.ID, snap.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("restore of another account's snapshot: %v, want ErrNotFound", err)
	}
}

// A member added through the automation API skips the invitation but not the limits; a
// person is recorded as the account's sandbox person.
func TestAddMemberAtOnceRules(t *testing.T) {
	e := newAPIEnv(t)
	_, err := e.st.CreateSandboxPerson(e.ctx, e.acct.ID, NewPerson{WechatID: "sb_carol", Nickname: "Carol"})
	must(t, err)
	if n := e.count(`SELECT count(*) FROM sandbox_people WHERE account_id = ?`, e.acct.ID); n != 1 {
		t.Errorf("sandbox people = %d, want 1", n)
	}
	_, err = e.st.AddMemberAtOnce(e.ctx, e.acct.ID, "sb_carol", KindProject, nil)
	wantCode(t, err, "roles", "roles_required")
	_, err = e.st.AddMemberAtOnce(e.ctx, e.acct.ID, "sb_carol", "boss", nil)
	wantCode(t, err, "kind", "member_kind_invalid")
	_, err = e.st.AddMemberAtOnce(e.ctx, e.acct.ID, "nobody_here", KindExperience, nil)
	wantCode(t, err, "wechat_id", "wechat_id_not_found")
	_, err = e.st.AddMemberAtOnce(e.ctx, e.acct.ID, e.user.WechatID, KindExperience, nil)
	wantCode(t, err, "wechat_id", "already_member")
}

// A person the API made after the snapshot who has since acted in the console (here: added
// a member, which the operation log keeps under their name) cannot be deleted: the restore
// is refused as a whole and changes nothing.
func TestRestoreRefusedWhilePeopleInUse(t *testing.T) {
	e := newAPIEnv(t)
	snap, err := e.st.CreateSnapshot(e.ctx, e.acct.ID)
	must(t, err)
	bob, err := e.st.CreateSandboxPerson(e.ctx, e.acct.ID, NewPerson{WechatID: "sb_bob", Nickname: "Bob"})
	must(t, err)
	_, err = e.st.AddMemberAtOnce(e.ctx, e.acct.ID, "sb_bob", KindProject, []string{"operator"})
	must(t, err)
	_, err = e.st.AddExperienceMember(e.ctx, e.acct.ID, bob.ID, e.stranger.WechatID)
	must(t, err)
	before := dumpSandbox(t, e.st, e.acct.ID)
	wantCode(t, e.st.RestoreSnapshot(e.ctx, e.acct.ID, snap.ID), "id", "snapshot_people_in_use")
	if after := dumpSandbox(t, e.st, e.acct.ID); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a refused restore changed the state:\n%v\nwas:\n%v", after, before)
	}
}

// An account keeps its newest 50 snapshots: the 51st deletes the first, whose restore is
// then not found, and another account's snapshots are not touched.
func TestSnapshotsKeepTheNewest50(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	ctx := e.ctx
	res, err := e.st.write.Exec(`INSERT INTO accounts (email, password_hash, step, admin_person_id, appid, name, created_at)
		VALUES ('other@example.com', 'x', 'done', ?, 'wx00000000000000ff', 'other', ?)`, e.admin.ID, fmtTime(e.clock.Now()))
	must(t, err)
	otherID, _ := res.LastInsertId()
	kept, err := e.st.CreateSnapshot(ctx, otherID)
	must(t, err)
	var ids []int64
	for range 51 {
		sn, err := e.st.CreateSnapshot(ctx, e.acct.ID)
		must(t, err)
		ids = append(ids, sn.ID)
	}
	var n int
	must(t, e.st.read.QueryRow(`SELECT count(*) FROM sandbox_snapshots WHERE account_id = ?`, e.acct.ID).Scan(&n))
	if n != 50 {
		t.Errorf("%d snapshots kept after 51, want 50", n)
	}
	if err := e.st.RestoreSnapshot(ctx, e.acct.ID, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("restoring the first of 51 snapshots: %v, want ErrNotFound", err)
	}
	for _, id := range []int64{ids[1], ids[50]} {
		if err := e.st.RestoreSnapshot(ctx, e.acct.ID, id); err != nil {
			t.Errorf("restoring kept snapshot %d: %v", id, err)
		}
	}
	if err := e.st.RestoreSnapshot(ctx, otherID, kept.ID); err != nil {
		t.Errorf("another account's snapshot: %v", err)
	}
}
