package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"
)

// biStore is a fixture's store and clock, for the basic-info tests.
func biStore(t *testing.T) (*Store, *testClock) {
	t.Helper()
	f := newFixture(t)
	return f.st, f.clock
}

var biSerial int

// biAccount runs the wizard for a fresh administrator. idNumber and creditCode name the
// subject ("" picks fresh ones), so tests can make two accounts of one subject.
func biAccount(t *testing.T, s *Store, subjectType, idNumber, creditCode string) Account {
	t.Helper()
	ctx := context.Background()
	biSerial++
	if idNumber == "" {
		idNumber = IDNumberWithCheck(fmt.Sprintf("11010519800101%03d", biSerial))
	}
	p, err := s.CreatePerson(ctx, NewPerson{WechatID: fmt.Sprintf("admin_%d", biSerial), Nickname: "A", Password: "secret1",
		RealName: "张三", IDNumber: idNumber})
	if err != nil {
		t.Fatal(err)
	}
	var token string
	id, err := s.Register(ctx, Registration{Email: fmt.Sprintf("a%d@example.com", biSerial), Password: "Passw0rd!", PasswordConfirm: "Passw0rd!", Agree: true},
		func(to, tok string) Mail { token = tok; return Mail{To: to, Subject: "x", Body: "x"} })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Activate(ctx, token); err != nil {
		t.Fatal(err)
	}
	sub := Subject{Type: subjectType, AdminName: "张三", AdminIDNumber: idNumber, AdminPhone: "13800138000"}
	if subjectType != "personal" {
		if creditCode == "" {
			creditCode = CreditCodeWithCheck(fmt.Sprintf("91350100M0001%04d", biSerial))
		}
		sub.OrgName, sub.CreditCode = "示例有限公司", creditCode
	}
	if err := s.SaveSubject(ctx, id, sub); err != nil {
		t.Fatal(err)
	}
	scan, err := s.CreateScan(ctx, PurposeBindAdmin, id, 0, Requester{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideScan(ctx, scan, p.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteBindAdmin(ctx, scan, id); err != nil {
		t.Fatal(err)
	}
	a, err := s.ConfirmRegistration(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// biRelease marks the account released, as the versions feature will.
func biRelease(t *testing.T, s *Store, accountID int64) {
	t.Helper()
	if _, err := s.write.Exec(`UPDATE accounts SET first_released_at = ? WHERE id = ?`, fmtTime(s.now()), accountID); err != nil {
		t.Fatal(err)
	}
}

func biCode(err error, field string) string {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Fields[field]
	}
	return ""
}

// After the first release a personal subject renames twice per calendar year (China
// time); the allowance renews when the clock crosses into the next year.
func TestNameQuotaAfterReleasePersonal(t *testing.T) {
	s, clk := biStore(t)
	ctx := context.Background()
	a := biAccount(t, s, "personal", "", "")
	if err := s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手"); err != nil {
		t.Fatal(err)
	}
	biRelease(t, s, a.ID)
	for i, n := range []string{"天气助手二", "天气助手三"} {
		if err := s.SetName(ctx, a.ID, a.AdminPersonID, n); err != nil {
			t.Fatalf("change %d: %v", i+1, err)
		}
	}
	if got := biCode(s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手四"), "name"); got != "name_change_quota" {
		t.Fatalf("third change this year: %q, want name_change_quota", got)
	}
	// 2026-12-31 16:00 UTC is already 2027 in China.
	clk.Advance(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC).Sub(clk.Now()))
	if err := s.SetName(ctx, a.ID, a.AdminPersonID, "天气助手四"); err != nil {
		t.Fatalf("a new calendar year renews the quota: %v", err)
	}
	b, _ := s.BasicInfoOf(ctx, a.ID)
	if b.NameQuota.Remaining != 1 || b.NameQuota.Period != PeriodYear {
		t.Fatalf("quota = %+v, want 1 left this year", b.NameQuota)
	}
}

// Organisations cannot rename after release except through WeChat authentication, and
// the approved authentication applies the requested name.
func TestNameAfterReleaseOrganisationViaAuthentication(t *testing.T) {
	s, _ := biStore(t)
	ctx := context.Background()
	a := biAccount(t, s, "enterprise", "", "")
	if err := s.SetName(ctx, a.ID, a.AdminPersonID, "示例商城"); err != nil {
		t.Fatal(err)
	}
	biRelease(t, s, a.ID)
	if got := biCode(s.SetName(ctx, a.ID, a.AdminPersonID, "示例商城二"), "name"); got != "name_change_quota" {
		t.Fatalf("rename after release: %q, want name_change_quota", got)
	}
	op, err := s.CreatePerson(ctx, NewPerson{WechatID: "reviewer1", Nickname: "R", Password: "secret1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetOperator(ctx, op.WechatID, true); err != nil {
		t.Fatal(err)
	}
	err = s.SubmitAuthentication(ctx, a.ID, a.AdminPersonID, AuthForm{ContactName: "李四", ContactPhone: "13900139000",
		InvoiceTitle: "示例有限公司", NewName: "示例商城二", DocName: "licence.pdf", Doc: strings.NewReader("%PDF-1.4 test")})
	if err != nil {
		t.Fatal(err)
	}
	latest, _ := s.LatestAuthentication(ctx, a.ID)
	if err := s.Decide(ctx, ReviewAuth, latest.ID, op.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	got, _ := s.AccountByID(ctx, a.ID)
	if got.Name != "示例商城二" || !got.Authenticated(s.now()) || !got.AuthExpiresAt.Equal(AuthValidUntil(s.now())) {
		t.Fatalf("after approval: name %q, auth until %v", got.Name, got.AuthExpiresAt)
	}
}

// Concurrent renames at the last allowed change let exactly one through.
func TestNameQuotaUnderRace(t *testing.T) {
	s, _ := biStore(t)
	ctx := context.Background()
	a := biAccount(t, s, "personal", "", "")
	for _, n := range []string{"名字一一", "名字二二"} {
		if err := s.SetName(ctx, a.ID, a.AdminPersonID, n); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 6 {
		wg.Add(1)
		go func(n string) {
			defer wg.Done()
			err := s.SetName(ctx, a.ID, a.AdminPersonID, n)
			mu.Lock()
			defer mu.Unlock()
			switch code := biCode(err, "name"); {
			case err == nil:
				ok++
			case code != "name_change_quota":
				t.Errorf("a refused rename answered %v, want name_change_quota", err)
			}
		}(fmt.Sprintf("并发名字%d", i))
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d concurrent renames succeeded with 1 change left, want 1", ok)
	}
}

// biPNG encodes a w×h picture with a red dot at its centre.
func biPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(w/2, h/2, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func TestReadIconLimits(t *testing.T) {
	wide := biPNG
	out, err := ReadIcon(bytes.NewReader(wide(300, 100)))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(out))
	if err != nil || cfg.Width != 100 || cfg.Height != 100 {
		t.Fatalf("stored %dx%d (%v), want the 100x100 centre", cfg.Width, cfg.Height, err)
	}
	img, _ := png.Decode(bytes.NewReader(out))
	if r, _, _, _ := img.At(50, 50).RGBA(); r == 0 {
		t.Fatal("the crop is not centred: the red centre pixel is missing")
	}
	big := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, IconMaxBytes)...)
	if got := biCode(func() error { _, err := ReadIcon(bytes.NewReader(big)); return err }(), "icon"); got != "icon_too_large" {
		t.Fatalf("2 MB and 8 bytes: %q, want icon_too_large", got)
	}
	if got := biCode(func() error { _, err := ReadIcon(bytes.NewReader(wide(5000, 1))); return err }(), "icon"); got != "icon_format" {
		t.Fatalf("a 5000-pixel-wide image: %q, want icon_format", got)
	}
	if out, err := ReadIcon(bytes.NewReader(wide(2000, 2000))); err != nil {
		t.Fatal(err)
	} else if cfg, _ := png.DecodeConfig(bytes.NewReader(out)); cfg.Width != iconMaxSideKept {
		t.Fatalf("a 2000-pixel icon is stored %d wide, want %d", cfg.Width, iconMaxSideKept)
	}
}

// Every category of the tree has names in both catalogs is checked by the views; here the
// tree itself must be well formed: unique keys, each under its own first level.
func TestCategoryTreeWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range CategoryTree {
		if len(g.Children) == 0 {
			t.Errorf("%s has no second level", g.Key)
		}
		for _, c := range g.Children {
			if seen[c.Key] || !strings.HasPrefix(c.Key, g.Key+".") || c.First != g.Key {
				t.Errorf("bad entry %+v under %s", c, g.Key)
			}
			seen[c.Key] = true
		}
	}
	if len(seen) < 30 {
		t.Errorf("only %d categories", len(seen))
	}
}

// A personal subject's authentication ignores the rename field (personal subjects rename
// through the name quota), so a bad value there is no error.
func TestPersonalAuthenticationIgnoresName(t *testing.T) {
	s, _ := biStore(t)
	a := biAccount(t, s, "personal", "", "")
	err := s.SubmitAuthentication(context.Background(), a.ID, a.AdminPersonID, AuthForm{ContactName: "李四", ContactPhone: "13900139000",
		InvoiceTitle: "李四", NewName: "小程序!!"})
	if err != nil {
		t.Fatalf("personal authentication with an ignored bad name: %v", err)
	}
}
