package store

import (
	"errors"
	"testing"
	"time"
)

// A phone number is a mainland mobile (optionally +86) or "+CC NUMBER"; it is stored as
// "+CC DIGITS".
func TestCanonicalPhone(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"13800138000":            "+86 13800138000",
		" 138 0013 8000 ":        "+86 13800138000",
		"+8613800138000":         "+86 13800138000",
		"+86 138-0013-8000":      "+86 13800138000",
		"+852 6123 4567":         "+852 61234567",
		"+1-202-555-0123":        "+1 2025550123",
		"+44 7911 123456":        "+44 7911123456",
		"+1 1234":                "+1 1234",
		"+852 " + "612345678901": "+852 612345678901",
	} {
		if got, ok := CanonicalPhone(in); !ok || got != want {
			t.Errorf("CanonicalPhone(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"12800138000", "1380013800", "138001380001", "+86 12345678", "+8612800138000", "+85261234567",
		"+0 1234", "+1 123", "+852 6123456789012", "+1234 5678", "phone", "+852 6123 456a", "++852 61234567"} {
		if got, ok := CanonicalPhone(in); ok {
			t.Errorf("CanonicalPhone(%q) = %q, want a refusal", in, got)
		}
	}
}

// The phone is set at sign-up and on the profile; a bad one is wx_phone_invalid on "phone".
func TestPhoneOnIdentity(t *testing.T) {
	f := newFixture(t)
	_, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "phone_bad", Nickname: "n", Password: "wx-pass", Phone: "12345"})
	wantCode(t, err, "phone", "wx_phone_invalid")
	p, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: "phone_ok", Nickname: "n", Password: "wx-pass", Phone: "13800138000"})
	must(t, err)
	if p.Phone != "+86 13800138000" {
		t.Fatalf("phone at sign-up = %q", p.Phone)
	}
	_, err = f.st.UpdateProfile(f.ctx, p.ID, Profile{Nickname: "新昵称", Phone: "+86 123"})
	wantCode(t, err, "phone", "wx_phone_invalid")
	_, err = f.st.UpdateProfile(f.ctx, p.ID, Profile{Nickname: "", Phone: ""})
	wantCode(t, err, "nickname", "nickname_invalid")
	got, err := f.st.UpdateProfile(f.ctx, p.ID, Profile{Nickname: "新昵称", Phone: "+852 6123 4567"})
	must(t, err)
	again, err := f.st.PersonByID(f.ctx, p.ID)
	must(t, err)
	if got.Phone != "+852 61234567" || again.Phone != got.Phone || again.Nickname != "新昵称" {
		t.Fatalf("after the update: %+v, stored %+v", got, again)
	}
	got, err = f.st.UpdateProfile(f.ctx, p.ID, Profile{Nickname: "新昵称"})
	must(t, err)
	if got.Phone != "" {
		t.Fatalf("an empty phone removes it, got %q", got.Phone)
	}
	_, err = f.st.UpdateProfile(f.ctx, 999999, Profile{Nickname: "x"})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown person: %v", err)
	}
}

// Sharing needs an opened mini program and a number; the code is stored only as a hash.
func TestSharePhone(t *testing.T) {
	e := newAPIEnv(t)
	_, err := e.st.SharePhone(e.ctx, e.user.ID, e.acct.AppID)
	wantCode(t, err, "phone", "phone_missing")
	_, err = e.st.UpdateProfile(e.ctx, e.stranger.ID, Profile{Nickname: "s", Phone: "13900139000"})
	must(t, err)
	if _, err := e.st.SharePhone(e.ctx, e.stranger.ID, e.acct.AppID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a person who never opened the app: %v, want ErrForbidden", err)
	}
	if _, err := e.st.SharePhone(e.ctx, e.stranger.ID, "wx0000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an unknown AppID: %v, want ErrNotFound", err)
	}
	_, err = e.st.UpdateProfile(e.ctx, e.user.ID, Profile{Nickname: "u", Phone: "13800138000"})
	must(t, err)
	code, err := e.st.SharePhone(e.ctx, e.user.ID, e.acct.AppID)
	must(t, err)
	if len(code.Code) != 64 || !code.ExpiresAt.Equal(e.st.Now().Add(5*time.Minute)) {
		t.Fatalf("code %+v: want 64 characters valid 5 minutes", code)
	}
	if e.count(`SELECT count(*) FROM phone_codes WHERE code_hash = ?`, code.Code) != 0 ||
		e.count(`SELECT count(*) FROM phone_codes WHERE code_hash = ?`, HashToken(code.Code)) != 1 {
		t.Fatal("the code must be stored as a hash only")
	}
}

// getuserphonenumber: the real phone_info once; 40029 for a used, expired, other app's,
// unknown or magic code, the magic one touching nothing.
func TestPhoneNumberForCode(t *testing.T) {
	f := newFixture(t)
	e := newAPIEnvIn(f, "")
	other := newAPIEnvIn(f.sub(t), "2")
	_, err := e.st.UpdateProfile(e.ctx, e.user.ID, Profile{Nickname: "u", Phone: "13800138000"})
	must(t, err)
	share := func() string {
		t.Helper()
		c, err := e.st.SharePhone(e.ctx, e.user.ID, e.acct.AppID)
		must(t, err)
		return c.Code
	}
	code := share()
	sharedAt := e.st.Now()
	e.clock.Advance(4*time.Minute + 59*time.Second)
	calls := e.apiCalls()
	info, err := e.st.PhoneNumberForCode(e.ctx, e.acct.ID, code)
	must(t, err)
	want := PhoneInfo{PhoneNumber: "13800138000", PurePhoneNumber: "13800138000", CountryCode: "86",
		Watermark: PhoneWatermark{Timestamp: sharedAt.Unix(), AppID: e.acct.AppID}}
	if info != want {
		t.Fatalf("phone_info = %+v, want %+v", info, want)
	}
	if e.apiCalls() != calls+1 {
		t.Fatal("the call was not counted")
	}
	_, err = e.st.PhoneNumberForCode(e.ctx, e.acct.ID, code)
	wantAPIError(t, err, 40029) // used

	code = share()
	e.clock.Advance(5 * time.Minute)
	_, err = e.st.PhoneNumberForCode(e.ctx, e.acct.ID, code)
	wantAPIError(t, err, 40029) // expired

	code = share()
	_, err = other.st.PhoneNumberForCode(e.ctx, other.acct.ID, code)
	wantAPIError(t, err, 40029) // another app's
	if _, err := e.st.PhoneNumberForCode(e.ctx, e.acct.ID, code); err != nil {
		t.Fatalf("another app's attempt must not spend the code: %v", err)
	}
	_, err = e.st.PhoneNumberForCode(e.ctx, e.acct.ID, "no-such-code")
	wantAPIError(t, err, 40029)

	rows, calls := e.count(`SELECT count(*) FROM phone_codes`), e.apiCalls()
	_, err = e.st.PhoneNumberForCode(e.ctx, e.acct.ID, "magic-40029")
	wantAPIError(t, err, 40029)
	if e.count(`SELECT count(*) FROM phone_codes`) != rows || e.apiCalls() != calls {
		t.Fatal("the magic code touched state")
	}

	// A number outside the mainland carries its country code in phoneNumber.
	_, err = e.st.UpdateProfile(e.ctx, e.user.ID, Profile{Nickname: "u", Phone: "+852 6123 4567"})
	must(t, err)
	info, err = e.st.PhoneNumberForCode(e.ctx, e.acct.ID, share())
	must(t, err)
	if info.PhoneNumber != "+85261234567" || info.PurePhoneNumber != "61234567" || info.CountryCode != "852" {
		t.Fatalf("phone_info of a Hong Kong number = %+v", info)
	}
}
