package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// Step 1 of the wizard: every rule answers its own code on its own field, and a refused
// registration stores nothing (no account, no mail).
func TestRegisterRules(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	if err := f.st.AddRegistryEmail(f.ctx, "open@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "bound_one", Nickname: "b", Password: "wx-pass", BoundEmail: "Bound@Example.com"}); err != nil {
		t.Fatal(err)
	}
	ok := Registration{Email: "new@example.com", Password: goodPassword, PasswordConfirm: goodPassword, Agree: true}
	for _, tc := range []struct {
		name        string
		edit        func(r *Registration)
		field, code string
	}{
		{"no at sign", func(r *Registration) { r.Email = "owner.example.com" }, "email", "email_invalid"},
		{"empty email", func(r *Registration) { r.Email = "" }, "email", "email_invalid"},
		{"display name", func(r *Registration) { r.Email = "Owner <o@example.com>" }, "email", "email_invalid"},
		{"no dot in domain", func(r *Registration) { r.Email = "o@localhost" }, "email", "email_invalid"},
		{"used here", func(r *Registration) { r.Email = "owner@example.com" }, "email", "email_registered_platform"},
		{"used here, other case", func(r *Registration) { r.Email = "Owner@Example.com" }, "email", "email_registered_platform"},
		{"used here, spaces", func(r *Registration) { r.Email = "  OWNER@example.COM " }, "email", "email_registered_platform"},
		{"open platform", func(r *Registration) { r.Email = "Open@Example.com" }, "email", "email_registered_open"},
		{"bound to a wechat", func(r *Registration) { r.Email = "bound@example.com" }, "email", "email_bound_wechat"},
		{"short password", func(r *Registration) { r.Password, r.PasswordConfirm = "Pa5s!", "Pa5s!" }, "password", "password_weak"},
		{"password with space", func(r *Registration) { r.Password, r.PasswordConfirm = "Passw 0rd!", "Passw 0rd!" }, "password", "password_weak"},
		{"password not ascii", func(r *Registration) {
			r.Password, r.PasswordConfirm = "密码密码密码密码", "密码密码密码密码"
		}, "password", "password_weak"},
		{"mismatch", func(r *Registration) { r.PasswordConfirm = "Passw0rd?" }, "password_confirm", "password_mismatch"},
		{"no agreement", func(r *Registration) { r.Agree = false }, "agree", "agree_required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ok
			tc.edit(&r)
			before := len(f.mails)
			_, err := f.st.Register(f.ctx, r, f.mailer)
			wantCode(t, err, tc.field, tc.code)
			if len(f.mails) != before {
				t.Errorf("a refused registration wrote a mail")
			}
		})
	}
	if n := f.count(`SELECT count(*) FROM accounts`); n != 1 {
		t.Fatalf("%d accounts stored, want only the first one", n)
	}
	if n := f.count(`SELECT count(*) FROM outbox`); n != 1 {
		t.Fatalf("%d mails queued, want 1", n)
	}
}

// Several problems are reported together, one per field.
func TestRegisterReportsEveryField(t *testing.T) {
	f := newFixture(t)
	_, err := f.st.Register(f.ctx, Registration{Email: "x@example.com", Password: "short", PasswordConfirm: "", Agree: false}, f.mailer)
	wantCode(t, err, "password", "password_weak")
	wantCode(t, err, "agree", "agree_required")
}

// The email is stored normalized: one mailbox, one account, however it is spelled.
func TestRegisterNormalizesEmail(t *testing.T) {
	f := newFixture(t)
	id := f.register("  Owner@Example.COM ")
	a, err := f.st.AccountByID(f.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if a.Email != "owner@example.com" || a.Step != StepActivate {
		t.Fatalf("stored %q at step %q, want owner@example.com at %q", a.Email, a.Step, StepActivate)
	}
	if f.mails[0].To != "owner@example.com" {
		t.Fatalf("mail went to %q", f.mails[0].To)
	}
	if _, err := f.st.CheckAccountPassword(f.ctx, "OWNER@example.com", goodPassword); err != nil {
		t.Fatalf("login with another spelling: %v", err)
	}
}

// An activation link works once and moves the account to the subject step.
func TestActivateOnce(t *testing.T) {
	f := newFixture(t)
	id := f.register("owner@example.com")
	token := f.lastToken()
	if got, err := f.st.ActivationEmail(f.ctx, token); err != nil || got != "owner@example.com" {
		t.Fatalf("ActivationEmail = %q", got)
	}
	a, err := f.st.Activate(f.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != id || a.Step != StepSubject {
		t.Fatalf("activated %d at %q, want %d at %q", a.ID, a.Step, id, StepSubject)
	}
	_, err = f.st.Activate(f.ctx, token)
	wantCode(t, err, "", "activation_used")
	if got, err := f.st.ActivationEmail(f.ctx, token); err != nil || got != "owner@example.com" {
		t.Fatalf("a spent link should still tell its address, got %q", got)
	}
	if n := f.count(`SELECT count(*) FROM activations WHERE token_hash = ?`, token); n != 0 {
		t.Fatal("the token is stored in clear")
	}
}

// A link is valid for 48 hours of the store's clock, and not a moment longer.
func TestActivationExpiresAfter48Hours(t *testing.T) {
	f := newFixture(t)
	lateID := f.register("late@example.com")
	late := f.lastToken()
	f.register("timely@example.com")
	timely := f.lastToken()
	f.clock.Advance(ActivationTTL - time.Second)
	if _, err := f.st.Activate(f.ctx, timely); err != nil {
		t.Fatalf("one second before 48 h: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err := f.st.Activate(f.ctx, late)
	wantCode(t, err, "", "activation_expired")
	if a, _ := f.st.AccountByID(f.ctx, lateID); a.Step != StepActivate {
		t.Fatalf("an expired link moved the account to %q", a.Step)
	}
}

func TestActivateUnknownToken(t *testing.T) {
	f := newFixture(t)
	_, err := f.st.Activate(f.ctx, NewToken())
	wantCode(t, err, "", "activation_invalid")
	if got, err := f.st.ActivationEmail(f.ctx, "nope"); err != nil || got != "" {
		t.Fatalf("ActivationEmail of an unknown token = %q", got)
	}
}

// Resending mails a new link and retires the older ones; it is refused for unknown or
// already activated addresses.
func TestResendActivation(t *testing.T) {
	f := newFixture(t)
	f.register("owner@example.com")
	old := f.lastToken()
	f.clock.Advance(ActivationTTL + time.Hour)
	if err := f.st.ResendActivation(f.ctx, "OWNER@example.com", f.mailer); err != nil {
		t.Fatal(err)
	}
	fresh := f.lastToken()
	if fresh == old || f.mails[1].To != "owner@example.com" {
		t.Fatalf("resend wrote %v", f.mails)
	}
	_, err := f.st.Activate(f.ctx, old)
	wantCode(t, err, "", "activation_used")
	if _, err := f.st.Activate(f.ctx, fresh); err != nil {
		t.Fatalf("the resent link: %v", err)
	}
	wantCode(t, f.st.ResendActivation(f.ctx, "owner@example.com", f.mailer), "email", "already_activated")
	wantCode(t, f.st.ResendActivation(f.ctx, "nobody@example.com", f.mailer), "email", "email_not_registered")
	if len(f.mails) != 2 {
		t.Fatalf("%d mails, want 2", len(f.mails))
	}
}

// Tokens are 64 hex characters from crypto/rand, and never repeat.
func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 200; i++ {
		tok := NewToken()
		if len(tok) != 64 || strings.Trim(tok, "0123456789abcdef") != "" || seen[tok] {
			t.Fatalf("token %q", tok)
		}
		seen[tok] = true
	}
}

// Looking up what does not exist is ErrNotFound, never a zero value.
func TestAccountNotFound(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.AccountByID(f.ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Fatalf("AccountByID: %v", err)
	}
	if _, err := f.st.AccountByAppID(f.ctx, "wx0000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("AccountByAppID: %v", err)
	}
}
