package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// templateForm is /messages' add form for tid with kids in the order ticked.
func templateForm(tid string, sceneDesc string, kids ...string) url.Values {
	return url.Values{"tid": {tid}, "kids": kids, "scene_desc": {sceneDesc}}
}

// The library lists at least 12 templates with their keywords; search by title (either
// language), keyword or tid narrows it; picking one opens its form with its keywords.
func TestMessagesLibrary(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.operator)
	r := c.open("/messages")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`[data-testid="library-row"]`).Length(); n < 12 {
		t.Fatalf("library shows %d templates", n)
	}
	if r.doc.Find(`[data-testid="template-row"]`).Length() != 0 || r.testid("template-count") != "0 / 50" {
		t.Errorf("a new account has templates: %q", r.testid("template-count"))
	}
	for q, want := range map[string]string{"1927": "[1927]", "退款": "[1451 1468]", "refund": "[1451 1468]", "快递单号": "[1458 3637 855]", "nothing-like-it": "[]"} {
		var got []string
		c.open("/messages?q=" + url.QueryEscape(q)).doc.Find(`[data-testid="library-row"]`).Each(func(_ int, s *goquery.Selection) {
			got = append(got, s.AttrOr("data-tid", ""))
		})
		if "["+strings.Join(got, " ")+"]" != want {
			t.Errorf("search %q finds %v, want %s", q, got, want)
		}
	}
	r = c.open("/messages/new?tid=1458")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`input[type="checkbox"][name="kids"]`).Length(); n != 4 {
		t.Errorf("tid 1458 offers %d keywords, want 4", n)
	}
	wantStatus(t, c.get("/messages/new?tid=424242"), http.StatusNotFound)
}

// Adding a template stores it with the keywords in the order ticked; the page lists it with
// its priTmplId.
func TestMessageCreate(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	c := e.console(tm.a, tm.admin)
	modes(t, func(t *testing.T, htmx bool) {
		kid := map[bool]string{false: "5", true: "2"}[htmx]
		wantRedirect(t, c.submit("/messages", templateForm("1458", "发货后提醒", "3", "1", kid), htmx), htmx, "/messages")
	})
	ts, err := e.st.MessageTemplates(context.Background(), tm.a.ID)
	if err != nil || len(ts) != 2 {
		t.Fatalf("templates %v, %v", ts, err)
	}
	if k := ts[0].Keywords; ts[0].TID != 1458 || ts[0].SceneDesc != "发货后提醒" || len(k) != 3 || k[0].Key() != "time3" || k[1].Key() != "thing1" || k[2].Key() != "thing5" {
		t.Fatalf("stored %+v", ts[0])
	}
	r := c.open("/messages")
	if r.testid("template-count") != "2 / 50" || r.doc.Find(`[data-testid="template-row"][data-template-id="`+ts[0].PriTmplID+`"]`).Length() != 1 {
		t.Fatalf("page lists %q", r.testid("template-count"))
	}
}

// Each rule of SPEC §17's addtemplate is a field error on the form, plainly and with htmx;
// nothing is stored.
func TestMessageCreateErrors(t *testing.T) {
	e := newEnv(t)
	tm := newTeam(e)
	ctx := context.Background()
	c := e.console(tm.a, tm.operator)
	if _, err := e.st.AddMessageTemplateAs(ctx, tm.a.ID, tm.admin.ID, 1458, []int{1, 2}, ""); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, field, code string
		form              url.Values
	}{
		{"unknown tid", "tid", "template_invalid", templateForm("424242", "", "1", "2")},
		{"not a number", "tid", "template_invalid", templateForm("abc", "", "1", "2")},
		{"one keyword", "kids", "keywords_invalid", templateForm("1458", "", "1")},
		{"six keywords", "kids", "keywords_invalid", templateForm("1468", "", "2", "4", "5", "7", "8", "9")},
		{"a keyword twice", "kids", "keywords_invalid", templateForm("1458", "", "1", "1")},
		{"another template's keyword", "kids", "keywords_invalid", templateForm("1458", "", "1", "4")},
		{"scene over 15", "scene_desc", "scene_desc_invalid", templateForm("1458", strings.Repeat("场", 16), "1", "3")},
		{"already added", "tid", "template_duplicate", templateForm("1458", "", "1", "2")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			modes(t, func(t *testing.T, htmx bool) {
				r := c.submit("/messages", tc.form, htmx)
				wantFieldError(t, r, htmx, tc.field, tc.code)
				if tc.field == "scene_desc" {
					wantValue(t, r, "scene_desc", tc.form.Get("scene_desc"))
				}
				if n := e.query(`SELECT count(*) FROM message_templates`); n != 1 {
					t.Fatalf("%d templates after a refused form", n)
				}
			})
		})
	}
	// The 50th template fills the account; the 51st is template_quota.
	n := 1
	for _, tid := range []int{1458, 1468, 1476} {
		for a := 1; a <= 9; a++ {
			for b := 1; b <= 9; b++ {
				if n == 50 || a == b {
					continue
				}
				if _, err := e.st.AddMessageTemplateAs(ctx, tm.a.ID, tm.admin.ID, tid, []int{a, b}, ""); err == nil {
					n++
				}
			}
		}
	}
	if got := e.query(`SELECT count(*) FROM message_templates`); got != 50 {
		t.Fatalf("%d templates, want 50", got)
	}
	modes(t, func(t *testing.T, htmx bool) {
		wantFieldError(t, c.submit("/messages", templateForm("855", "", "1", "2"), htmx), htmx, "tid", "template_quota")
	})
}

// Removing a template asks first (a dialog, or a page of its own without JavaScript), then
// deletes it with the subscriptions people gave it; an id the account lacks is 404.
func TestMessageDelete(t *testing.T) {
	e := newAPIEnv(t)
	tm := team{a: e.acct, admin: e.admin}
	ctx := context.Background()
	c := e.console(tm.a, tm.admin)
	modes(t, func(t *testing.T, htmx bool) {
		id, err := e.st.AddMessageTemplateAs(ctx, tm.a.ID, tm.admin.ID, 1458, []int{1, 2}, "")
		if err != nil {
			t.Fatal(err)
		}
		e.code(e.admin)
		if err := e.st.AcceptSubscription(ctx, e.admin.ID, e.acct.AppID, id); err != nil {
			t.Fatal(err)
		}
		r := c.open("/messages")
		row := r.doc.Find(`[data-testid="template-row"][data-template-id="` + id + `"]`)
		if row.Find(`a[data-testid="template-remove-link"]`).AttrOr("href", "") != "/messages/"+id+"/delete" || row.Find(`dialog form[action="/messages/`+id+`/delete"]`).Length() != 1 {
			t.Fatal("no removal dialog on the row")
		}
		r = c.open("/messages/" + id + "/delete")
		wantStatus(t, r, http.StatusOK)
		if r.doc.Find(`[data-testid="confirm-page"] button[data-testid="template-delete"]`).Length() != 1 {
			t.Fatal("no confirm page")
		}
		wantRedirect(t, c.submit("/messages/"+id+"/delete", url.Values{}, htmx), htmx, "/messages")
		if n := e.query(`SELECT count(*) FROM message_templates`); n != 0 {
			t.Fatalf("%d templates after removal", n)
		}
		if n := e.query(`SELECT count(*) FROM message_grants`); n != 0 {
			t.Fatalf("%d subscriptions outlive their template", n)
		}
		wantStatus(t, c.post("/messages/"+id+"/delete", url.Values{}, htmx), http.StatusNotFound)
		wantStatus(t, c.get("/messages/"+id+"/delete"), http.StatusNotFound)
	})
}
