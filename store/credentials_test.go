package store

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// credEnv is a store with a clock that moves only when told, one finished account and its
// AppSecret.
type credEnv struct {
	f      *fixture
	t      *testing.T
	st     *Store
	clock  *testClock
	admin  Person
	acct   Account
	secret string
}

func (e *credEnv) advance(d time.Duration) { e.clock.Advance(d) }

var credSerial int

func newCredEnv(t *testing.T) *credEnv {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t)
	st := f.st
	e := &credEnv{f: f, t: t, st: st, clock: f.clock}
	e.admin = e.person("admin_cred", "张三")
	var mail Mail
	id, err := st.Register(ctx, Registration{Email: "cred@example.com", Password: "Passw0rd!", PasswordConfirm: "Passw0rd!", Agree: true},
		func(to, token string) Mail { mail = Mail{To: to, Body: token}; return mail })
	must(t, err)
	_, err = st.Activate(ctx, mail.Body)
	must(t, err)
	must(t, st.SaveSubject(ctx, id, Subject{Type: "personal", AdminName: e.admin.RealName, AdminIDNumber: e.admin.IDNumber, AdminPhone: "13800138000"}))
	scan, err := st.CreateScan(ctx, PurposeBindAdmin, id, 0, Requester{})
	must(t, err)
	_, err = st.DecideScan(ctx, scan, e.admin.ID, true)
	must(t, err)
	must(t, st.CompleteBindAdmin(ctx, scan, id))
	e.acct, err = st.ConfirmRegistration(ctx, id)
	must(t, err)
	e.secret = e.resetSecret()
	return e
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *credEnv) person(wechatID, realName string) Person {
	e.t.Helper()
	credSerial++
	n := NewPerson{WechatID: wechatID, Nickname: wechatID, Password: "Wx-pass-123"}
	if realName != "" {
		n.RealName, n.IDNumber = realName, IDNumberWithCheck("11010519900101"+string(rune('0'+credSerial/100%10))+string(rune('0'+credSerial/10%10))+string(rune('0'+credSerial%10)))
	}
	p, err := e.st.CreatePerson(context.Background(), n)
	must(e.t, err)
	return p
}

// resetSecret walks the reset_secret scan as the administrator and returns the secret.
func (e *credEnv) resetSecret() string {
	e.t.Helper()
	ctx := context.Background()
	token, err := e.st.StartSecretReset(ctx, e.acct.ID, Requester{})
	must(e.t, err)
	_, err = e.st.DecideScan(ctx, token, e.admin.ID, true)
	must(e.t, err)
	must(e.t, e.st.CompleteSecretReset(ctx, token, e.acct.ID))
	secret, err := e.st.TakeOneTime(ctx, OneTimeAppSecret, token, e.acct.ID)
	must(e.t, err)
	return secret
}

// setFrozen freezes or unfreezes the AppSecret through the administrator's freeze_secret
// scan, the only way there is.
func (e *credEnv) setFrozen(freeze bool, delay time.Duration) {
	e.t.Helper()
	ctx := context.Background()
	token, err := e.st.StartSecretFreeze(ctx, e.acct.ID, freeze, Requester{})
	must(e.t, err)
	_, err = e.st.DecideScan(ctx, token, e.admin.ID, true)
	must(e.t, err)
	must(e.t, e.st.CompleteSecretFreeze(ctx, token, e.acct.ID, freeze, delay))
}

func (e *credEnv) call() APICall {
	return APICall{AppID: e.acct.AppID, Secret: e.secret, IP: netip.MustParseAddr("127.0.0.1")}
}

func wantAPIError(t *testing.T, err error, want APIError) {
	t.Helper()
	var got APIError
	if !errors.As(err, &got) || got != want {
		t.Fatalf("err = %v, want errcode %d", err, want)
	}
}

// The stable token is returned again with its remaining lifetime, renewed in its last 5
// minutes; force_refresh ends it at once, at most 20 times a day and not within 30 s.
func TestStableAccessToken(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	first, err := e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	if first.ExpiresIn != 7200 || len(first.Token) < 64 {
		t.Fatalf("first stable token = %+v", first)
	}
	e.advance(100 * time.Second)
	again, err := e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	if again.Token != first.Token || again.ExpiresIn != 7100 {
		t.Fatalf("normal mode should return the same token with 7100 s left, got %+v", again)
	}
	e.advance(6800 * time.Second) // 300 s left: renewed
	renewed, err := e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	if renewed.Token == first.Token || renewed.ExpiresIn != 7200 {
		t.Fatalf("in its last 5 minutes the token should be renewed, got %+v", renewed)
	}
	if _, err := e.st.CheckAccessToken(ctx, first.Token); err != nil {
		t.Fatalf("the renewed-away token should run out normally, got %v", err)
	}

	forced, err := e.st.StableAccessToken(ctx, e.call(), true)
	must(t, err)
	if forced.Token == renewed.Token || forced.ExpiresIn != 7200 {
		t.Fatalf("force_refresh should issue a new token, got %+v", forced)
	}
	_, err = e.st.CheckAccessToken(ctx, renewed.Token)
	wantAPIError(t, err, APIInvalidCredential)
	e.advance(10 * time.Second)
	soon, err := e.st.StableAccessToken(ctx, e.call(), true)
	must(t, err)
	if soon.Token != forced.Token || soon.ExpiresIn != 7190 {
		t.Fatalf("within 30 s force_refresh should not refresh, got %+v", soon)
	}
	for i := 1; i < StableForceDaily; i++ {
		e.advance(31 * time.Second)
		if _, err := e.st.StableAccessToken(ctx, e.call(), true); err != nil {
			t.Fatalf("forced refresh %d: %v", i+1, err)
		}
	}
	e.advance(31 * time.Second)
	_, err = e.st.StableAccessToken(ctx, e.call(), true)
	wantAPIError(t, err, APIDailyQuota)
	if _, err := e.st.StableAccessToken(ctx, e.call(), false); err != nil {
		t.Fatalf("normal mode is not limited by the forced quota: %v", err)
	}
	e.advance(24 * time.Hour)
	if _, err := e.st.StableAccessToken(ctx, e.call(), true); err != nil {
		t.Fatalf("the next day force_refresh works again: %v", err)
	}
}

// A plain token runs 7200 s (42001 after), and a newer one cuts it to 5 minutes (40001).
func TestAccessTokenLifetime(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	a, err := e.st.IssueAccessToken(ctx, e.call(), 10)
	must(t, err)
	if id, err := e.st.CheckAccessToken(ctx, a.Token); err != nil || id != e.acct.ID {
		t.Fatalf("fresh token: %d %v", id, err)
	}
	e.advance(AccessTokenTTL)
	_, err = e.st.CheckAccessToken(ctx, a.Token)
	wantAPIError(t, err, APITokenExpired)

	b, err := e.st.IssueAccessToken(ctx, e.call(), 10)
	must(t, err)
	if _, err := e.st.IssueAccessToken(ctx, e.call(), 10); err != nil {
		t.Fatal(err)
	}
	e.advance(TokenOverlap - time.Second)
	if _, err := e.st.CheckAccessToken(ctx, b.Token); err != nil {
		t.Fatalf("the previous token works during the overlap: %v", err)
	}
	e.advance(time.Second)
	_, err = e.st.CheckAccessToken(ctx, b.Token)
	wantAPIError(t, err, APIInvalidCredential)
	_, err = e.st.CheckAccessToken(ctx, "no-such-token")
	wantAPIError(t, err, APIInvalidCredential)
}

// With a delay, a freeze takes effect later, and undoing it before then cancels it.
func TestFreezeDelay(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	e.setFrozen(true, 10*time.Minute)
	sec, err := e.st.AppSecretOf(ctx, e.acct.ID)
	must(t, err)
	if sec.State != SecretActive || sec.Pending != SecretFrozen {
		t.Fatalf("pending freeze: %+v", sec)
	}
	if _, err := e.st.IssueAccessToken(ctx, e.call(), 10); err != nil {
		t.Fatalf("before the freeze takes effect the secret works: %v", err)
	}
	e.advance(10 * time.Minute)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 10)
	wantAPIError(t, err, APISecretFrozen)
	e.setFrozen(false, 10*time.Minute)
	e.advance(time.Minute)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 10)
	wantAPIError(t, err, APISecretFrozen)
	e.setFrozen(true, 10*time.Minute)
	if sec, _ := e.st.AppSecretOf(ctx, e.acct.ID); sec.State != SecretFrozen || sec.Pending != "" {
		t.Fatalf("freezing again before the unfreeze took effect should cancel it: %+v", sec)
	}
}

// openids are stable per (AppID, person), and visits feed unique and new visitors.
func TestCodeToSessionAndCounts(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	open := func() string {
		c, err := e.st.OpenApp(ctx, e.admin.ID, e.acct.AppID, "")
		must(t, err)
		if c.Version != VersionOnline {
			t.Fatalf("the administrator opens the online version by default, got %q", c.Version)
		}
		return c.Code
	}
	one, err := e.st.CodeToSession(ctx, e.call(), open())
	must(t, err)
	two, err := e.st.CodeToSession(ctx, e.call(), open())
	must(t, err)
	if one.OpenID != two.OpenID || len(one.OpenID) != 28 || one.OpenID[0] != 'o' {
		t.Fatalf("openids %q and %q: want the same 28 characters starting with o", one.OpenID, two.OpenID)
	}
	if one.SessionKey == two.SessionKey || len(one.SessionKey) != 24 {
		t.Fatalf("session keys %q %q: want fresh 24-character keys", one.SessionKey, two.SessionKey)
	}
	e.advance(24 * time.Hour)
	open()
	day1, day2 := PlatformDay(e.clock.Now().Add(-24*time.Hour)), PlatformDay(e.clock.Now())
	one1, two2 := statsOn(t, e.st, e.acct.ID, day1), statsOn(t, e.st, e.acct.ID, day2)
	if one1.CallsTo(EndpointCode2Session) != 2 || one1.Visits.Total != 2 || one1.Visitors.Total != 1 || one1.NewVisitors.Total != 1 {
		t.Fatalf("day 1 = %+v, want 2 sessions, 2 visits by 1 new visitor", one1)
	}
	if two2.TotalCalls() != 0 || two2.Visits.Total != 1 || two2.Visitors.Total != 1 || two2.NewVisitors.Total != 0 {
		t.Fatalf("day 2 = %+v, want 1 visit by 1 returning visitor", two2)
	}
}

func TestSplitLines(t *testing.T) {
	got := SplitLines(" 1.2.3.4 \r\n\n10.0.0.0/8\n1.2.3.4\nABC::1\nabc::1\n")
	want := []string{"1.2.3.4", "10.0.0.0/8", "ABC::1"}
	if len(got) != len(want) {
		t.Fatalf("SplitLines = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("SplitLines = %q, want %q", got, want)
		}
	}
}

// Concurrent token calls at the daily quota let exactly the remaining ones through: the
// quota is counted in the write transaction that issues the token.
func TestTokenQuotaUnderRace(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	const quota = 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, limited := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.st.IssueAccessToken(ctx, e.call(), quota)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, APIDailyQuota):
				limited++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok != quota || limited != 12-quota {
		t.Fatalf("%d issued and %d limited, want %d and %d", ok, limited, quota, 12-quota)
	}
}

// Resetting follows the state in force, not the one asked for: during a delayed unfreeze the
// secret is still frozen (no reset), during a delayed freeze it still works (reset allowed).
func TestSecretResetFollowsTheStateInForce(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	e.setFrozen(true, 10*time.Minute)
	if _, err := e.st.StartSecretReset(ctx, e.acct.ID, Requester{}); err != nil {
		t.Fatalf("reset while a freeze is only pending: %v", err)
	}
	e.advance(10 * time.Minute)
	e.setFrozen(false, 10*time.Minute)
	_, err := e.st.StartSecretReset(ctx, e.acct.ID, Requester{})
	if ve := (*ValidationError)(nil); !errors.As(err, &ve) || ve.Fields[""] != "secret_frozen" {
		t.Fatalf("reset while an unfreeze is only pending: %v, want secret_frozen", err)
	}
}
