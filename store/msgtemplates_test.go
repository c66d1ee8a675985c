package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// addtemplate's refusals, each with its real errcode, and gettemplate's content.
func TestAddMessageTemplate(t *testing.T) {
	e := newAPIEnv(t)
	for _, tc := range []struct {
		name, tid string
		kids      []int
		scene     string
		want      APIError
	}{
		{"unknown tid", "99999999", []int{1, 2}, "", 200014},
		{"tid not a number", "abc", []int{1, 2}, "", 200014},
		{"one keyword", "1927", []int{1}, "", 200020},
		{"six keywords", "335", []int{2, 3, 4, 5, 6, 7}, "", 200020},
		{"a keyword twice", "1927", []int{1, 1}, "", 200020},
		{"a kid the template lacks", "1927", []int{1, 4}, "", 200020},
		{"sceneDesc of 16 characters", "1927", []int{1, 2}, strings.Repeat("景", 16), 200021},
	} {
		_, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, tc.tid, tc.kids, tc.scene)
		var got APIError
		if !errors.As(err, &got) || got != tc.want {
			t.Errorf("%s: err = %v, want %d", tc.name, err, tc.want)
		}
	}
	if n := e.count(`SELECT count(*) FROM message_templates`); n != 0 {
		t.Fatalf("refusals stored %d templates", n)
	}
	id, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, " 1927 ", []int{3, 1}, strings.Repeat("景", 15))
	must(t, err)
	if len(id) != 43 {
		t.Fatalf("priTmplId %q is not 43 characters", id)
	}
	again, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, "1927", []int{3, 1}, "")
	wantAPIError(t, err, 200022)
	if again != id {
		t.Fatalf("200022 answers the existing id %q, got %q", id, again)
	}
	if _, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, "1927", []int{1, 3}, ""); err != nil {
		t.Fatalf("the same keywords in another order are another template: %v", err)
	}
	list, err := e.st.MessageTemplates(e.ctx, e.acct.ID)
	must(t, err)
	if len(list) != 2 || list[0].PriTmplID != id || list[0].Title != "付款成功通知" || list[0].SceneDesc != strings.Repeat("景", 15) {
		t.Fatalf("templates = %+v", list)
	}
	if got, want := list[0].Content(), "付款时间:{{date3.DATA}}\n付款单号:{{character_string1.DATA}}\n"; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
	if got, want := list[0].Example(), "付款时间:2019年10月1日 15:01\n付款单号:P20191001150100\n"; got != want {
		t.Errorf("example = %q, want %q", got, want)
	}
	if log := e.count(`SELECT count(*) FROM oplog WHERE account_id = ? AND action = 'message_template_added'`, e.acct.ID); log != 2 {
		t.Errorf("%d template additions logged, want 2", log)
	}
}

// An account holds at most 50 templates (SPEC §17): the 51st is 200012, and on the console
// template_quota.
func TestMessageTemplateLimit(t *testing.T) {
	e := newAPIEnv(t)
	// Distinct templates: every ordered pair of keywords of every library template.
	type combo struct {
		tid  int
		kids []int
	}
	var all []combo
	for _, tpl := range MessageLibrary {
		for _, a := range tpl.Keywords {
			for _, b := range tpl.Keywords {
				if a.KID != b.KID {
					all = append(all, combo{tpl.TID, []int{a.KID, b.KID}})
				}
			}
		}
	}
	for i := range 50 {
		if _, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, fmt.Sprint(all[i].tid), all[i].kids, ""); err != nil {
			t.Fatalf("template %d: %v", i+1, err)
		}
	}
	_, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, fmt.Sprint(all[50].tid), all[50].kids, "")
	wantAPIError(t, err, 200012)
	_, err = e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, e.admin.ID, all[50].tid, all[50].kids, "")
	wantCode(t, err, "tid", "template_quota")
	// A duplicate still answers its id at the limit.
	if id, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, fmt.Sprint(all[0].tid), all[0].kids, ""); !errors.Is(err, APITemplateExists) || id == "" {
		t.Fatalf("duplicate at the limit: %q %v", id, err)
	}
}

// The console adds and removes templates for the administrator and operators only, with
// the rules as form errors.
func TestMessageTemplatesOnConsole(t *testing.T) {
	e := newVerEnv(t, "personal")
	for role, p := range map[string]Person{"developer": e.developer, "analyst": e.analyst, "stranger": e.stranger} {
		if _, err := e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, p.ID, 1927, []int{1, 2}, ""); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s adds a template: %v, want ErrForbidden", role, err)
		}
	}
	_, err := e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, e.operator.ID, 42, []int{1, 2}, "")
	wantCode(t, err, "tid", "template_invalid")
	_, err = e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, e.operator.ID, 1927, []int{1}, "")
	wantCode(t, err, "kids", "keywords_invalid")
	_, err = e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, e.operator.ID, 1927, []int{1, 2}, strings.Repeat("x", 16))
	wantCode(t, err, "scene_desc", "scene_desc_invalid")
	id, err := e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, e.operator.ID, 1927, []int{1, 2}, " 支付后通知 ")
	must(t, err)
	_, err = e.st.AddMessageTemplateAs(e.ctx, e.acct.ID, e.admin.ID, 1927, []int{1, 2}, "")
	wantCode(t, err, "tid", "template_duplicate")
	if entry := e.lastLog(); entry.Action != "message_template_added" || entry.PersonID != e.operator.ID || entry.Detail != "付款成功通知" {
		t.Fatalf("log entry %+v", entry)
	}
	if err := e.st.DeleteMessageTemplateAs(e.ctx, e.acct.ID, e.developer.ID, id); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a developer deletes: %v", err)
	}
	if err := e.st.DeleteMessageTemplateAs(e.ctx, e.acct.ID, e.admin.ID, "no-such-id"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	must(t, e.st.DeleteMessageTemplateAs(e.ctx, e.acct.ID, e.admin.ID, id))
	if list, _ := e.st.MessageTemplates(e.ctx, e.acct.ID); len(list) != 0 {
		t.Fatalf("after deleting: %+v", list)
	}
	if entry := e.lastLog(); entry.Action != "message_template_deleted" || entry.PersonID != e.admin.ID {
		t.Fatalf("log entry %+v", entry)
	}
}

// deltemplate: 20002 without an id, 20001 for one the account does not have (another
// account's included), then the template and its subscriptions are gone.
func TestDeleteMessageTemplate(t *testing.T) {
	f := newFixture(t)
	e := newAPIEnvIn(f, "")
	other := newAPIEnvIn(f.sub(t), "2")
	id, err := e.st.AddMessageTemplate(e.ctx, e.acct.ID, "1927", []int{1, 2}, "")
	must(t, err)
	must(t, e.st.AcceptSubscription(e.ctx, e.user.ID, e.acct.AppID, id))
	wantAPIError(t, e.st.DeleteMessageTemplate(e.ctx, e.acct.ID, ""), 20002)
	wantAPIError(t, e.st.DeleteMessageTemplate(e.ctx, other.acct.ID, id), 20001)
	must(t, e.st.DeleteMessageTemplate(e.ctx, e.acct.ID, id))
	wantAPIError(t, e.st.DeleteMessageTemplate(e.ctx, e.acct.ID, id), 20001)
	if n := e.count(`SELECT count(*) FROM message_grants`); n != 0 {
		t.Fatalf("%d subscriptions outlived their template", n)
	}
}
