package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mpconsole/store/dbtemplate"
)

func TestMain(m *testing.M) {
	PasswordCost = bcrypt.MinCost
	code := m.Run()
	dbtemplate.Remove()
	os.Exit(code)
}

// openTestStore opens a store at a new file in a temp dir, copied from a migrated template.
func openTestStore(t *testing.T, name string) (*Store, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := dbtemplate.Copy(path, func(p string) error {
		st, err := Open(context.Background(), p)
		if err != nil {
			return err
		}
		return st.Close()
	}); err != nil {
		return nil, err
	}
	return Open(context.Background(), path)
}

// testMasterKey is the master key of every test store.
var testMasterKey = []byte("test-master-key-0123456789abcdef0123456789")

// testClock is the injected time of a test: it moves only when the test says so.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fixture is one test's store in its own temp dir, with a clock and the mails it wrote.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	st    *Store
	clock *testClock
	mu    sync.Mutex
	mails []Mail
	ids   int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	st, err := openTestStore(t, "test.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.UseMasterKey(context.Background(), testMasterKey); err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	st.Now = clk.Now
	return &fixture{t: t, ctx: context.Background(), st: st, clock: clk}
}

// mailer records every activation mail; the token travels in Body.
func (f *fixture) mailer(to, token string) Mail {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := Mail{To: to, Subject: "activate", Body: token, Link: "/register/activate?token=" + token}
	f.mails = append(f.mails, m)
	return m
}

// lastToken is the token of the newest activation mail.
func (f *fixture) lastToken() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.mails) == 0 {
		f.t.Fatal("no mail was written")
	}
	return f.mails[len(f.mails)-1].Body
}

// idNumber is a valid mainland ID number, a different one on each call.
func (f *fixture) idNumber() string {
	f.ids++
	return IDNumberWithCheck(fmt.Sprintf("11010519900101%03d", f.ids%1000))
}

func creditCode() string { return CreditCodeWithCheck("91350100M000100Y4") }

const goodPassword = "Passw0rd!"

// register runs step 1 and returns the new account's id.
func (f *fixture) register(email string) int64 {
	f.t.Helper()
	id, err := f.st.Register(f.ctx, Registration{Email: email, Password: goodPassword, PasswordConfirm: goodPassword, Agree: true}, f.mailer)
	if err != nil {
		f.t.Fatalf("register %s: %v", email, err)
	}
	return id
}

// activated registers email and spends its activation link: the account is at the subject step.
func (f *fixture) activated(email string) int64 {
	f.t.Helper()
	id := f.register(email)
	if _, err := f.st.Activate(f.ctx, f.lastToken()); err != nil {
		f.t.Fatalf("activate %s: %v", email, err)
	}
	return id
}

// person signs up a WeChat identity with real-name data (so it may become an administrator).
func (f *fixture) person(wechatID string) Person {
	f.t.Helper()
	p, err := f.st.CreatePerson(f.ctx, NewPerson{WechatID: wechatID, Nickname: wechatID, Password: "wx-pass", RealName: "张三", IDNumber: f.idNumber()})
	if err != nil {
		f.t.Fatalf("person %s: %v", wechatID, err)
	}
	return p
}

// subjectOf is the subject that admin may confirm.
func subjectOf(admin Person, typ string) Subject {
	sub := Subject{Type: typ, AdminName: admin.RealName, AdminIDNumber: admin.IDNumber, AdminPhone: "13800138000"}
	if typ != "personal" {
		sub.OrgName, sub.CreditCode = "示例科技有限公司", creditCode()
	}
	return sub
}

// atAdmin brings a new registration to the administrator step for admin.
func (f *fixture) atAdmin(email string, admin Person, typ string) int64 {
	f.t.Helper()
	id := f.activated(email)
	if err := f.st.SaveSubject(f.ctx, id, subjectOf(admin, typ)); err != nil {
		f.t.Fatalf("subject of %s: %v", email, err)
	}
	return id
}

// bound brings a registration to the confirm step with admin bound by scan.
func (f *fixture) bound(email string, admin Person, typ string) int64 {
	f.t.Helper()
	id := f.atAdmin(email, admin, typ)
	token := f.scan(PurposeBindAdmin, id)
	if _, err := f.st.DecideScan(f.ctx, token, admin.ID, true); err != nil {
		f.t.Fatalf("bind admin of %s: %v", email, err)
	}
	if err := f.st.CompleteBindAdmin(f.ctx, token, id); err != nil {
		f.t.Fatalf("complete bind of %s: %v", email, err)
	}
	return id
}

// account runs the whole wizard and returns the finished account.
func (f *fixture) account(email string, admin Person, typ string) Account {
	f.t.Helper()
	a, err := f.st.ConfirmRegistration(f.ctx, f.bound(email, admin, typ))
	if err != nil {
		f.t.Fatalf("confirm %s: %v", email, err)
	}
	return a
}

func (f *fixture) scan(purpose string, accountID int64) string {
	f.t.Helper()
	token, err := f.st.CreateScan(f.ctx, purpose, accountID, 0, Requester{})
	if err != nil {
		f.t.Fatal(err)
	}
	return token
}

// wantCode fails unless err is a *ValidationError with code on field ("" = page level).
func wantCode(t *testing.T, err error, field, code string) {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want %s on %q", err, code, field)
	}
	if got := ve.Fields[field]; got != code {
		t.Fatalf("field %q: code %q, want %q (all: %v)", field, got, code, ve.Fields)
	}
}

// count runs a count query on the read pool.
func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.st.read.QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// logOf is the account's whole operation log, newest first.
func logOf(t *testing.T, st *Store, accountID int64) []LogEntry {
	t.Helper()
	var out []LogEntry
	must(t, st.OpLogEach(context.Background(), accountID, LogFilter{}, func(e LogEntry) error {
		out = append(out, e)
		return nil
	}))
	return out
}

// statsOn is the /stats data of one day within the last 90.
func statsOn(t *testing.T, st *Store, accountID int64, day string) DayStats {
	t.Helper()
	s, err := st.Stats(context.Background(), accountID, 90)
	must(t, err)
	for _, d := range s.Days {
		if d.Day == day {
			return d
		}
	}
	t.Fatalf("%s is not among the last 90 days", day)
	return DayStats{}
}
