package store

import (
	"errors"
	"slices"
	"testing"
)

// The demo seeds every role into an empty database, and nothing into a used one.
func TestSeedDemo(t *testing.T) {
	f := newMemberFix(t)
	d, err := f.st.SeedDemo(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.st.CheckAccountPassword(f.ctx, d.Email, d.Password)
	if err != nil || a.Step != StepDone || !a.Subject.Personal() || a.Name != d.AccountName || a.AppID != d.AppID {
		t.Fatalf("demo account = %+v, %v", a, err)
	}
	if icon, err := f.st.IconByAppID(f.ctx, d.AppID); err != nil || len(icon.PNG) == 0 {
		t.Fatalf("the demo account has no icon: %v", err)
	}
	want := map[string]string{"admin": "admin", "operator": "operator", "developer": "developer", "analyst": "analyst", "experience": "", "reviewer": ""}
	for _, dp := range d.People {
		p, err := f.st.AuthenticatePerson(f.ctx, dp.WechatID, d.WxPassword)
		if err != nil {
			t.Fatalf("%s cannot sign in: %v", dp.WechatID, err)
		}
		if got := f.roles(a, p).String(); got != want[dp.Role] {
			t.Errorf("%s has roles %q, want %q", dp.WechatID, got, want[dp.Role])
		}
		if p.IsOperator != (dp.Role == "reviewer") {
			t.Errorf("%s operator flag = %v", dp.WechatID, p.IsOperator)
		}
	}
	lists, err := f.st.Members(f.ctx, a.ID)
	if err != nil || len(lists.Project) != 3 || len(lists.Experience) != 2 || !CheckNameChars(a.Name) {
		t.Fatalf("lists = %+v, %v", lists, err)
	}
	if _, err := f.st.SeedDemo(f.ctx); !errors.Is(err, ErrConflict) {
		t.Fatalf("seeded twice: %v", err)
	}
}

// The demo has a month of history written on a moved clock: visits on each of the 30 days
// up to now (release from the start, trial and develop from the day the trial appeared),
// new visitors as people arrive, token and session calls with some refusals, and an
// operation log that starts with the registration a month ago.
func TestSeedDemoHistory(t *testing.T) {
	f := newFixture(t) // 17:00 on 10 March 2026 in Beijing
	d, err := f.st.SeedDemo(f.ctx)
	must(t, err)
	a, err := f.st.AccountByAppID(f.ctx, d.AppID)
	must(t, err)
	s, err := f.st.Stats(f.ctx, a.ID, 90)
	must(t, err)
	month := s.Days[60:]
	for _, day := range s.Days[:60] {
		if day.Visits.Total != 0 || day.TotalCalls() != 0 {
			t.Fatalf("%s, before the demo's month, has traffic", day.Day)
		}
	}
	visits, fresh, arrivals := 0, 0, 0
	for i, day := range month {
		visits += day.Visits.Total
		fresh += day.NewVisitors.Total
		if day.NewVisitors.Total > 0 {
			arrivals++
		}
		if day.Visits.Total < 50 || day.Visitors.Total < 5 || day.CallsWith(OutcomeOK) < 20 || day.CallsTo(EndpointToken) < 8 {
			t.Errorf("%s: %d visits by %d people, %d calls", day.Day, day.Visits.Total, day.Visitors.Total, day.TotalCalls())
		}
		if early := i < 10; early != (day.Visits.Trial == 0) || early != (day.Visits.Develop == 0) {
			t.Errorf("%s (day %d): trial %d, develop %d visits", day.Day, i, day.Visits.Trial, day.Visits.Develop)
		}
	}
	if month[29].Day != "2026-03-10" || visits < 30*150 || fresh != 26 || arrivals < 8 {
		t.Fatalf("the month ends %s with %d visits, %d new visitors arriving on %d days", month[29].Day, visits, fresh, arrivals)
	}
	for _, outcome := range []string{"40029", "40125"} {
		if !slices.Contains(s.Outcomes, outcome) {
			t.Errorf("no call refused with %s: %v", outcome, s.Outcomes)
		}
	}
	if secret, err := f.st.AppSecretOf(f.ctx, a.ID); err != nil || secret.State != SecretActive {
		t.Fatalf("the demo's AppSecret: %+v, %v", secret, err)
	}
	log := logOf(t, f.st, a.ID)
	oldest := log[len(log)-1]
	if oldest.Action != "account_created" || oldest.Actor() != ActorLogin || PlatformDay(oldest.At) != "2026-02-07" {
		t.Fatalf("the log starts with %+v", oldest)
	}
	if log[0].Action != "version_uploaded" || PlatformDay(log[0].At) != "2026-03-09" {
		t.Fatalf("the log ends with %+v", log[0])
	}
}
