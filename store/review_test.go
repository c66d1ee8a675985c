package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func biReviewer(t *testing.T, s *Store) Person {
	t.Helper()
	ctx := context.Background()
	op, err := s.CreatePerson(ctx, NewPerson{WechatID: "reviewer9", Nickname: "R", Password: "secret1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetOperator(ctx, op.WechatID, true); err != nil {
		t.Fatal(err)
	}
	return op
}

// A name asked for through authentication is checked again when ops approve: if another
// subject took it meanwhile, the approval fails and the request stays pending.
func TestAuthRenameTakenMeanwhile(t *testing.T) {
	s, _ := biStore(t)
	ctx := context.Background()
	org := biAccount(t, s, "enterprise", "", "")
	other := biAccount(t, s, "personal", "", "")
	op := biReviewer(t, s)
	err := s.SubmitAuthentication(ctx, org.ID, org.AdminPersonID, AuthForm{ContactName: "李四", ContactPhone: "13900139000",
		InvoiceTitle: "示例有限公司", NewName: "抢手名字", DocName: "l.pdf", Doc: strings.NewReader("%PDF-1.4")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetName(ctx, other.ID, other.AdminPersonID, "抢手名字"); err != nil {
		t.Fatal(err)
	}
	req, _ := s.LatestAuthentication(ctx, org.ID)
	if got := biCode(s.Decide(ctx, ReviewAuth, req.ID, op.ID, true, ""), ""); got != "name_taken" {
		t.Fatalf("approval with a taken name: %q", got)
	}
	if req, _ := s.LatestAuthentication(ctx, org.ID); req.Status != AuthPending {
		t.Fatalf("request is %s, want still pending", req.Status)
	}
	if a, err := s.AccountByID(ctx, org.ID); err != nil || a.Authenticated(s.now()) {
		t.Fatal("authenticated although the approval failed")
	}
	// A person who is not an operator cannot decide, even through the store.
	if err := s.Decide(ctx, ReviewAuth, req.ID, org.AdminPersonID, false, "no"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a non-operator decided: %v", err)
	}
}

// Uploading the very same picture again changes nothing and costs no quota.
func TestSameIconIsNoChange(t *testing.T) {
	s, _ := biStore(t)
	ctx := context.Background()
	a := biAccount(t, s, "personal", "", "")
	for range 3 {
		if err := s.SetIcon(ctx, a.ID, a.AdminPersonID, bytes.NewReader(biPNG(40, 30))); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := s.BasicInfoOf(ctx, a.ID); b.IconQuota.Remaining != IconChangesPerYear {
		t.Fatalf("%d changes left after re-uploading one picture, want %d", b.IconQuota.Remaining, IconChangesPerYear)
	}
}
