package store

import (
	"errors"
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
