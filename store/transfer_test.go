package store

import (
	"errors"
	"testing"
)

func TestTransferRules(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a := f.account("personal", admin)
	ent := f.account("enterprise", admin)
	stranger := f.person("stranger")
	f.exec(`INSERT INTO people (wechat_id, nickname, password_hash, created_at) VALUES ('no_name', 'n', 'x', ?)`, fmtTime(f.now))
	f.exec(`INSERT INTO people (wechat_id, nickname, password_hash, real_name, id_number, created_at) VALUES ('admin_two', 'n', 'x', ?, ?, ?)`,
		admin.RealName, admin.IDNumber, fmtTime(f.now))
	for _, tc := range []struct {
		account  Account
		wechatID string
		code     string
	}{
		{a, "nobody_here", "wechat_id_not_found"},
		{a, "admin_one", "already_admin"},
		{a, "no_name", "admin_identity_missing"},
		{a, "stranger", "admin_identity_mismatch"},
		{ent, "no_name", "admin_identity_missing"},
	} {
		_, err := f.st.StartTransfer(f.ctx, tc.account.ID, tc.wechatID, Requester{})
		wantCode(t, err, "wechat_id", tc.code)
	}
	if _, err := f.st.StartTransfer(f.ctx, ent.ID, "stranger", Requester{}); err != nil {
		t.Fatalf("an enterprise account takes any real-named WeChat: %v", err)
	}

	tr, err := f.st.StartTransfer(f.ctx, a.ID, "admin_two", Requester{})
	if err != nil {
		t.Fatal(err)
	}
	// Each code is for its own person only.
	if _, err := f.st.DecideScan(f.ctx, tr.OldToken, tr.NewAdmin.ID, true); err == nil {
		t.Fatal("the new administrator confirmed the old one's code")
	} else {
		wantCode(t, err, "", "wrong_person")
	}
	if _, err := f.st.DecideScan(f.ctx, tr.NewToken, stranger.ID, true); err == nil {
		t.Fatal("a stranger confirmed the new administrator's code")
	}
	if _, err := f.st.DecideScan(f.ctx, tr.OldToken, admin.ID, true); err != nil {
		t.Fatal(err)
	}
	// One confirmation is not enough, and spends nothing.
	if _, err := f.st.CompleteTransfer(f.ctx, a.ID, tr.OldToken, tr.NewToken); !errors.Is(err, ErrGone) {
		t.Fatalf("completed with one scan: %v", err)
	}
	f.active(a, tr.NewAdmin, "developer")
	if _, err := f.st.DecideScan(f.ctx, tr.NewToken, tr.NewAdmin.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CompleteTransfer(f.ctx, ent.ID, tr.OldToken, tr.NewToken); !errors.Is(err, ErrNotFound) {
		t.Fatalf("completed another account's transfer: %v", err)
	}
	got, err := f.st.CompleteTransfer(f.ctx, a.ID, tr.OldToken, tr.NewToken)
	if err != nil || got.WechatID != "admin_two" {
		t.Fatalf("complete = %+v, %v", got, err)
	}
	if rs := f.roles(a, admin); len(rs) != 0 {
		t.Fatalf("the old administrator keeps %v", rs)
	}
	if rs := f.roles(a, tr.NewAdmin); rs.String() != "admin" {
		t.Fatalf("the new administrator has %v, want only admin (the project row goes)", rs)
	}
	if _, err := f.st.CompleteTransfer(f.ctx, a.ID, tr.OldToken, tr.NewToken); !errors.Is(err, ErrGone) {
		t.Fatalf("scans used twice: %v", err)
	}
	// The old administrator can be added back like anyone else.
	if _, err := f.st.AddProjectMember(f.ctx, a.ID, tr.NewAdmin.ID, "admin_one", []string{"operator"}); err != nil {
		t.Fatal(err)
	}
}

// Codes expire after ScanTTL: an expired code cannot be confirmed.
func TestTransferExpiry(t *testing.T) {
	f := newMemberFix(t)
	admin := f.person("admin_one")
	a := f.account("enterprise", admin)
	f.person("admin_two")
	tr, err := f.st.StartTransfer(f.ctx, a.ID, "admin_two", Requester{})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(ScanTTL)
	if _, err := f.st.DecideScan(f.ctx, tr.OldToken, admin.ID, true); !errors.Is(err, ErrGone) {
		t.Fatalf("confirmed an expired code: %v", err)
	}
	if sc, _ := f.st.ScanByToken(f.ctx, tr.NewToken); sc.State(f.now) != "expired" {
		t.Fatalf("state = %s, want expired", sc.State(f.now))
	}
}
