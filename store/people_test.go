package store

import (
	"errors"
	"strings"
	"testing"
)

func TestCreatePersonRules(t *testing.T) {
	f := newFixture(t)
	f.register("account@example.com")
	taken := f.person("Taken_One")
	if _, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "bound_one", Nickname: "b", Password: "wx-pass", BoundEmail: "Bound@Example.com"}); err != nil {
		t.Fatal(err)
	}
	good := NewPerson{WechatID: "new_person", Nickname: "新人", Password: "wx-pass", RealName: "王五", IDNumber: f.idNumber()}
	for _, tc := range []struct {
		name        string
		edit        func(n *NewPerson)
		field, code string
	}{
		{"too short", func(n *NewPerson) { n.WechatID = "abc12" }, "wechat_id", "wechat_id_invalid"},
		{"too long", func(n *NewPerson) { n.WechatID = "a" + strings.Repeat("b", 20) }, "wechat_id", "wechat_id_invalid"},
		{"digit first", func(n *NewPerson) { n.WechatID = "1abcdef" }, "wechat_id", "wechat_id_invalid"},
		{"dot inside", func(n *NewPerson) { n.WechatID = "abc.def" }, "wechat_id", "wechat_id_invalid"},
		{"han", func(n *NewPerson) { n.WechatID = "abc微信号" }, "wechat_id", "wechat_id_invalid"},
		{"taken", func(n *NewPerson) { n.WechatID = taken.WechatID }, "wechat_id", "wechat_id_taken"},
		{"taken, other case", func(n *NewPerson) { n.WechatID = "TAKEN_one" }, "wechat_id", "wechat_id_taken"},
		{"taken, spaces", func(n *NewPerson) { n.WechatID = " taken_one " }, "wechat_id", "wechat_id_taken"},
		{"no nickname", func(n *NewPerson) { n.Nickname = "  " }, "nickname", "nickname_invalid"},
		{"long nickname", func(n *NewPerson) { n.Nickname = strings.Repeat("长", 33) }, "nickname", "nickname_invalid"},
		{"short password", func(n *NewPerson) { n.Password = "12345" }, "password", "wx_password_invalid"},
		{"bad id", func(n *NewPerson) { n.IDNumber = wrongCheck(n.IDNumber) }, "id_number", "id_number_invalid"},
		{"name without id", func(n *NewPerson) { n.IDNumber = "" }, "id_number", "id_number_invalid"},
		{"id without name", func(n *NewPerson) { n.RealName = "" }, "real_name", "real_name_required"},
		{"bad email", func(n *NewPerson) { n.BoundEmail = "not-an-email" }, "bound_email", "email_invalid"},
		{"email bound", func(n *NewPerson) { n.BoundEmail = "BOUND@example.com" }, "bound_email", "email_taken"},
		{"email of an account", func(n *NewPerson) { n.BoundEmail = "Account@Example.com" }, "bound_email", "email_taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := good
			tc.edit(&n)
			_, err := f.st.CreatePerson(f.ctx, n)
			wantCode(t, err, tc.field, tc.code)
		})
	}
	if n := f.count(`SELECT count(*) FROM people`); n != 2 {
		t.Fatalf("%d people stored, want the two made before", n)
	}
	p, err := f.st.CreatePerson(f.ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	if p.RealName != "王五" || p.IDNumber != good.IDNumber || p.IsOperator {
		t.Fatalf("created %+v", p)
	}
}

// The optional parts are optional, and what is stored is normalized.
func TestCreatePersonMinimal(t *testing.T) {
	f := newFixture(t)
	id := f.idNumber()
	lower := id
	if id[17] == 'X' {
		lower = id[:17] + "x"
	}
	p, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: " Plain-One ", Nickname: " 普通 ", Password: "wx-pass",
		RealName: " 赵六 ", IDNumber: " " + lower + " ", BoundEmail: " Me@Example.COM "})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.st.PersonByWechatID(f.ctx, "plain-one")
	if err != nil {
		t.Fatalf("lookup in another case: %v", err)
	}
	if got.ID != p.ID || got.WechatID != "Plain-One" || got.Nickname != "普通" || got.RealName != "赵六" || got.IDNumber != id || got.BoundEmail != "me@example.com" {
		t.Fatalf("stored %+v", got)
	}
	if _, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "bare_one", Nickname: "b", Password: "wx-pass"}); err != nil {
		t.Fatalf("no real name, no email: %v", err)
	}
	if _, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "bare_two", Nickname: "b", Password: "wx-pass"}); err != nil {
		t.Fatalf("two people without an email: %v", err)
	}
	// An email bound to a WeChat cannot register an account, whatever its case.
	_, err = f.st.Register(f.ctx, Registration{Email: "ME@example.com", Password: goodPassword, PasswordConfirm: goodPassword, Agree: true}, f.mailer)
	wantCode(t, err, "email", "email_bound_wechat")
}

func TestAuthenticatePerson(t *testing.T) {
	f := newFixture(t)
	p := f.person("Alice_01")
	got, err := f.st.AuthenticatePerson(f.ctx, " alice_01 ", "wx-pass")
	if err != nil || got.ID != p.ID {
		t.Fatalf("right password: %+v, %v", got, err)
	}
	_, err = f.st.AuthenticatePerson(f.ctx, "alice_01", "wrong-pass")
	wantCode(t, err, "", "login_failed")
	_, err = f.st.AuthenticatePerson(f.ctx, "nobody_01", "wx-pass")
	wantCode(t, err, "", "login_failed")
	if _, err := f.st.PersonByID(f.ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("PersonByID: %v", err)
	}
	if _, err := f.st.PersonByWechatID(f.ctx, "nobody_01"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("PersonByWechatID: %v", err)
	}
}

func TestSetOperator(t *testing.T) {
	f := newFixture(t)
	f.person("reviewer")
	if err := f.st.SetOperator(f.ctx, "REVIEWER", true); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.st.PersonByWechatID(f.ctx, "reviewer"); !p.IsOperator {
		t.Fatal("grant did not stick")
	}
	if err := f.st.SetOperator(f.ctx, "reviewer", false); err != nil {
		t.Fatal(err)
	}
	if p, err := f.st.PersonByWechatID(f.ctx, "reviewer"); err != nil || p.IsOperator {
		t.Fatal("revoke did not stick")
	}
	if err := f.st.SetOperator(f.ctx, "nobody_01", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown WeChat ID: %v", err)
	}
}
