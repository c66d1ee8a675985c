package store

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"testing"
)

// Which version each person opens in each environment, or why not (SPEC §12).
func TestResolveOpen(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	open := func(who, env string) string {
		o, err := e.st.ResolveOpen(e.ctx, e.acct.AppID, e.people[who].ID, env)
		if err != nil {
			return outcome(err)
		}
		if o.Env != env || o.AppID != e.acct.AppID || o.AccountID != e.acct.ID {
			t.Fatalf("opened %+v", o)
		}
		return o.Version.Version
	}
	check := func(stage string, want map[string][3]string) {
		t.Helper()
		for who, envs := range want {
			for i, env := range []string{EnvRelease, EnvTrial, EnvDevelop} {
				if got := open(who, env); got != envs[i] {
					t.Errorf("%s: %s opening %s got %s, want %s", stage, who, env, got, envs[i])
				}
			}
		}
	}
	check("nothing uploaded", map[string][3]string{
		"admin":     {"not_released", "no_trial_version", "no_develop_version"},
		"operator":  {"not_released", "no_trial_version", "env_not_allowed"},
		"developer": {"not_released", "no_trial_version", "no_develop_version"},
		"analyst":   {"not_released", "no_trial_version", "env_not_allowed"},
		"tester":    {"not_released", "no_trial_version", "env_not_allowed"},
		"stranger":  {"not_released", "env_not_allowed", "env_not_allowed"},
	})
	e.released("1.0.0", ModeFull, PhasePlan{}) // the administrator's upload
	dev := e.upload(ByPerson(e.developer.ID), "1.1.0-dev")
	must(t, e.st.SetTrial(e.ctx, e.acct.ID, e.developer.ID, dev.ID))
	e.upload(ByPerson(e.admin.ID), "1.2.0-admin")
	e.upload(ByRobot(1), "1.3.0-ci")
	check("released, with a trial", map[string][3]string{
		"admin":     {"1.0.0", "1.1.0-dev", "1.2.0-admin"},
		"operator":  {"1.0.0", "1.1.0-dev", "env_not_allowed"},
		"developer": {"1.0.0", "1.1.0-dev", "1.1.0-dev"},
		"analyst":   {"1.0.0", "1.1.0-dev", "env_not_allowed"},
		"tester":    {"1.0.0", "1.1.0-dev", "env_not_allowed"},
		"stranger":  {"1.0.0", "env_not_allowed", "env_not_allowed"},
	})
	if got := open("admin", "online"); got != "env_invalid" {
		t.Fatalf("env online: %s", got)
	}
	if _, err := e.st.ResolveOpen(e.ctx, "wx0000000000000000", e.admin.ID, EnvRelease); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown appid: %v", err)
	}
}

// The phased rule on 1,000 synthetic openids: the share that gets the new version is within
// 3 points of the percent, and raising the percent never takes it from anyone.
func TestPhaseBucketShare(t *testing.T) {
	appid := "wx0123456789abcdef"
	// The rule itself, spelled out: the first two bytes of SHA-256(appid + openid),
	// big-endian, mod 100.
	sum := sha256.Sum256([]byte(appid + "o_example"))
	if got, want := PhaseBucket(appid, "o_example"), (int(sum[0])*256+int(sum[1]))%100; got != want {
		t.Fatalf("bucket %d, want %d", got, want)
	}
	for _, percent := range []int{1, 10, 30, 50, 90} {
		in := 0
		for i := range 1000 {
			if PhaseBucket(appid, fmt.Sprintf("o%027d", i)) < percent {
				in++
			}
		}
		if share := float64(in) / 10; math.Abs(share-float64(percent)) > 3 {
			t.Errorf("%d%%: %.1f%% of 1000 openids get the new version", percent, share)
		}
	}
}

// During a phased release the hash of each person's real openid decides; members_first gives
// the administrator and project members the new version, testers_first experience members.
func TestPhasedOpen(t *testing.T) {
	base := newFixture(t)
	for i, plan := range []PhasePlan{{Percent: 30}, {Percent: 30, MembersFirst: true}, {Percent: 30, TestersFirst: true},
		{Percent: 1, MembersFirst: true, TestersFirst: true}} {
		t.Run(fmt.Sprintf("%+v", plan), func(t *testing.T) {
			e := newVerEnvIn(base.sub(t), fmt.Sprintf("o%d", i), "personal").ready()
			e.released("1.0.0", ModeFull, PhasePlan{})
			e.released("1.1.0", ModePhased, plan)
			key, err := e.st.serverKey(keyOpenID)
			must(t, err)
			people := []Person{e.admin, e.operator, e.developer, e.analyst, e.tester, e.stranger}
			for i := range 40 {
				people = append(people, e.person(fmt.Sprintf("crowd_%02d%s", i, e.tag)))
			}
			got := 0
			for _, p := range people {
				o, err := e.st.ResolveOpen(e.ctx, e.acct.AppID, p.ID, EnvRelease)
				must(t, err)
				member := p.ID == e.admin.ID || p.ID == e.operator.ID || p.ID == e.developer.ID || p.ID == e.analyst.ID
				want := "1.0.0"
				if PhaseBucket(e.acct.AppID, openID(key, e.acct.AppID, p.ID)) < plan.Percent || plan.MembersFirst && member ||
					plan.TestersFirst && p.ID == e.tester.ID {
					want = "1.1.0"
				}
				if o.Version.Version != want {
					t.Errorf("%s opens %s, want %s", p.WechatID, o.Version.Version, want)
				}
				if want == "1.1.0" {
					got++
				}
			}
			if got == 0 || got == len(people) {
				t.Fatalf("%d of %d people get the new version: the test shows nothing", got, len(people))
			}
			// Cancelling returns everyone to the previous version.
			must(t, e.st.ChangePhase(e.ctx, e.acct.ID, e.admin.ID, PhaseCancel))
			for _, p := range people[:6] {
				if o, _ := e.st.ResolveOpen(e.ctx, e.acct.AppID, p.ID, EnvRelease); o.Version.Version != "1.0.0" {
					t.Fatalf("after cancel %s opens %s", p.WechatID, o.Version.Version)
				}
			}
		})
	}
}

// Opening records the environment with the js_code and the visit; the code works with
// jscode2session. The member shortcut of /wx/apps keeps working and records its environment.
func TestOpenVersionRecordsEnv(t *testing.T) {
	e := newVerEnv(t, "personal").ready()
	e.released("1.0.0", ModeFull, PhasePlan{})
	trial := e.upload(ByPerson(e.developer.ID), "1.1.0")
	must(t, e.st.SetTrial(e.ctx, e.acct.ID, e.admin.ID, trial.ID))
	o, code, err := e.st.OpenVersion(e.ctx, e.tester.ID, e.acct.AppID, EnvTrial)
	must(t, err)
	if o.Version.ID != trial.ID || code.Env != EnvTrial || code.Version != VersionTrial || len(code.Code) != 32 {
		t.Fatalf("opened %+v with %+v", o, code)
	}
	_, _, err = e.st.OpenVersion(e.ctx, e.tester.ID, e.acct.AppID, EnvDevelop)
	wantCode(t, err, "env", "env_not_allowed")
	_, dcode, err := e.st.OpenVersion(e.ctx, e.developer.ID, e.acct.AppID, EnvDevelop)
	must(t, err)
	if _, _, err := e.st.OpenVersion(e.ctx, e.stranger.ID, e.acct.AppID, EnvRelease); err != nil {
		t.Fatal(err)
	}
	legacy, err := e.st.OpenApp(e.ctx, e.admin.ID, e.acct.AppID, "")
	must(t, err)
	if legacy.Version != VersionOnline || legacy.Env != EnvRelease {
		t.Fatalf("the member shortcut opened %+v", legacy)
	}
	for env, want := range map[string]int{EnvTrial: 1, EnvDevelop: 1, EnvRelease: 2} {
		if n := e.count(`SELECT count(*) FROM js_codes WHERE env = ?`, env); n != want {
			t.Errorf("%d js_codes for %s, want %d", n, env, want)
		}
		if n := e.count(`SELECT COALESCE(sum(visits), 0) FROM daily_visitors WHERE env = ?`, env); n != want {
			t.Errorf("%d visits of %s, want %d", n, env, want)
		}
	}
	if n := e.count(`SELECT count(*) FROM js_codes WHERE env = 'trial' AND person_id = ?`, e.tester.ID); n != 1 {
		t.Fatalf("refused opening wrote a code: %d trial codes of the tester", n)
	}
	day := PlatformDay(e.clock.Now())
	counts, err := e.st.DailyCounts(e.ctx, e.acct.ID, day, day)
	must(t, err)
	if len(counts) != 1 || counts[0].Visits != 4 || counts[0].Visitors != 4 || counts[0].NewVisitors != 4 {
		t.Fatalf("daily counts %+v, want 4 visits by 4 new visitors", counts)
	}
	secret := e.resetSecret()
	s, err := e.st.CodeToSession(e.ctx, APICall{AppID: e.acct.AppID, Secret: secret}, dcode.Code)
	must(t, err)
	key, _ := e.st.serverKey(keyOpenID)
	if s.OpenID != openID(key, e.acct.AppID, e.developer.ID) {
		t.Fatal("the develop code gave another openid")
	}
}

// resetSecret generates the account's AppSecret through the administrator's scan.
func (e *verEnv) resetSecret() string {
	e.t.Helper()
	token, err := e.st.StartSecretReset(e.ctx, e.acct.ID, Requester{})
	must(e.t, err)
	_, err = e.st.DecideScan(e.ctx, token, e.admin.ID, true)
	must(e.t, err)
	must(e.t, e.st.CompleteSecretReset(e.ctx, token, e.acct.ID))
	secret, err := e.st.TakeOneTime(e.ctx, OneTimeAppSecret, token, e.acct.ID)
	must(e.t, err)
	return secret
}

// /wx/apps?q= finds released mini programs by name, and nothing else.
func TestSearchReleased(t *testing.T) {
	e := newVerEnv(t, "personal").ready() // named 版本测试
	other := e.account("other@example.com", e.person("other_admin"), "personal")
	must(t, e.st.SetName(e.ctx, other.ID, other.AdminPersonID, "版本测试Beta"))
	search := func(q string) string {
		apps, err := e.st.SearchReleased(e.ctx, q)
		must(t, err)
		return fmt.Sprint(apps)
	}
	if got := search("版本"); got != "[]" {
		t.Fatalf("before any release: %s", got)
	}
	e.released("1.0.0", ModeFull, PhasePlan{})
	want := fmt.Sprint([]ReleasedApp{{AppID: e.acct.AppID, Name: "版本测试"}})
	for _, q := range []string{"版本", " 测试 ", "版本测试"} {
		if got := search(q); got != want {
			t.Errorf("search %q: %s, want %s", q, got, want)
		}
	}
	for _, q := range []string{"", "Beta", "%", "_", "天气"} {
		if got := search(q); got != "[]" {
			t.Errorf("search %q: %s, want nothing", q, got)
		}
	}
}
