package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"mpconsole/store"
)

// A full list answers member_quota, plainly and with htmx, and stores nothing.
func TestMemberQuotaOverHTTP(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	for i := range 15 {
		id := fmt.Sprintf("member_%02d", i)
		e.person(id, "")
		if _, err := e.st.AddExperienceMember(t.Context(), a.ID, admin.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.AddProjectMember(t.Context(), a.ID, admin.ID, id, []string{"analyst"}); err != nil {
			t.Fatal(err)
		}
	}
	e.person("one_more", "")
	c := e.console(a, admin)
	for _, htmx := range []bool{false, true} {
		r := c.post("/members/experience", url.Values{"wechat_id": {"one_more"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if r.errCode("wechat_id") != "member_quota" {
			t.Fatalf("experience: error %q, want member_quota", r.errCode("wechat_id"))
		}
		r = c.post("/members/project", url.Values{"wechat_id": {"one_more"}, "roles": {"analyst"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if r.errCode("wechat_id") != "member_quota" {
			t.Fatalf("project: error %q, want member_quota", r.errCode("wechat_id"))
		}
	}
	if lists, _ := e.st.Members(t.Context(), a.ID); len(lists.Experience) != 15 || len(lists.Project) != 15 {
		t.Fatalf("lists grew past 15: %d, %d", len(lists.Experience), len(lists.Project))
	}
}

// A person already in 50 accounts' lists cannot join a 51st (person_quota).
func TestPersonQuotaOverHTTP(t *testing.T) {
	e := newEnv(t)
	popular := e.person("popular", "")
	var owner store.Person
	var last store.Account
	for i := range store.PersonQuota + 1 {
		if i%store.AccountsPerIDNumber == 0 {
			owner = e.person(fmt.Sprintf("owner_%02d", i), "某人")
		}
		last = e.account(fmt.Sprintf("a%02d@example.com", i), owner, "personal")
		if i == store.PersonQuota {
			break
		}
		if _, err := e.st.AddExperienceMember(t.Context(), last.ID, owner.ID, popular.WechatID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.AddProjectMember(t.Context(), last.ID, owner.ID, popular.WechatID, []string{"developer"}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.console(last, owner)
	for _, htmx := range []bool{false, true} {
		r := c.post("/members/experience", url.Values{"wechat_id": {"popular"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if r.errCode("wechat_id") != "person_quota" {
			t.Fatalf("experience: error %q, want person_quota", r.errCode("wechat_id"))
		}
		r = c.post("/members/project", url.Values{"wechat_id": {"popular"}, "roles": {"developer"}}, htmx)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if r.errCode("wechat_id") != "person_quota" {
			t.Fatalf("project: error %q, want person_quota", r.errCode("wechat_id"))
		}
	}
}

// Many concurrent posts at limit − 1 let exactly one through; the others see member_quota.
func TestMemberLimitRaceOverHTTP(t *testing.T) {
	e := newEnv(t)
	admin := e.person("admin_one", "张三")
	a := e.account("owner@example.com", admin, "personal")
	for i := range 14 {
		id := fmt.Sprintf("member_%02d", i)
		e.person(id, "")
		if _, err := e.st.AddExperienceMember(t.Context(), a.ID, admin.ID, id); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.AddProjectMember(t.Context(), a.ID, admin.ID, id, []string{"analyst"}); err != nil {
			t.Fatal(err)
		}
	}
	var racers []*client
	for i := range 30 {
		e.person(fmt.Sprintf("racer_%02d", i), "")
		c := e.console(a, admin)
		c.csrf()
		racers = append(racers, c)
	}
	for _, tc := range []struct {
		path  string
		extra url.Values
	}{
		{"/members/experience", nil},
		{"/members/project", url.Values{"roles": {"operator"}}},
	} {
		statuses := make([]int, len(racers))
		codes := make([]string, len(racers))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, c := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				f := url.Values{"wechat_id": {fmt.Sprintf("racer_%02d", i)}}
				for k, v := range tc.extra {
					f[k] = v
				}
				<-start
				r := c.post(tc.path, f, i%2 == 1)
				statuses[i], codes[i] = r.status, r.errCode("wechat_id")
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for i, st := range statuses {
			switch {
			case st == http.StatusSeeOther || st == http.StatusOK:
				ok++
			case st != http.StatusUnprocessableEntity || codes[i] != "member_quota":
				t.Errorf("%s racer %d: %d %q, want 422 member_quota", tc.path, i, st, codes[i])
			}
		}
		if ok != 1 {
			t.Fatalf("%s: %d of %d concurrent adds succeeded at 14/15, want exactly 1", tc.path, ok, len(racers))
		}
	}
}
