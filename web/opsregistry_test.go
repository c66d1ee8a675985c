package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// /ops belongs to platform reviewers: signed out → the simulator's sign-in, anyone else
// 403, and the flag is read from the database on every request.
func TestOpsGuard(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/ops", "/ops/registry"} {
		wantRedirect(t, e.client().open(p), false, "/wx/login?next="+url.QueryEscape(p))
	}
	wantRedirect(t, e.client().submit("/ops/registry", url.Values{"email": {"a@example.com"}}, false), false, "/wx/login?next=%2Fwx")
	person := e.person("plain_one", "")
	c := e.wx(person)
	for _, p := range []string{"/ops", "/ops/registry"} {
		r := c.open(p)
		wantAlert(t, r, http.StatusForbidden, false, "not_operator")
	}
	wantStatus(t, c.submit("/ops/registry", url.Values{"email": {"a@example.com"}}, false), http.StatusForbidden)
	if entries, _ := e.st.Registry(context.Background()); len(entries) != 0 {
		t.Fatalf("a non-operator added %v", entries)
	}
	if c.open("/wx").doc.Find(`a[href="/ops"]`).Length() != 0 {
		t.Fatal("a non-operator is offered the ops link")
	}
	if err := e.st.SetOperator(context.Background(), "plain_one", true); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.open("/ops"), http.StatusOK)
	if c.open("/wx").doc.Find(`a[href="/ops"]`).Length() != 1 {
		t.Fatal("an operator is not offered the ops link")
	}
	if err := e.st.SetOperator(context.Background(), "plain_one", false); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.open("/ops/registry"), http.StatusForbidden)
}

// An operator adds emails (with the rules' errors next to the field) and deletes them; a
// registry email cannot register an account.
func TestOpsRegistry(t *testing.T) {
	e := newEnv(t)
	_, ops := newReviewer(e, "reviewer")
	modes(t, func(t *testing.T, htmx bool) {
		email := fmt.Sprintf("open-%v@example.com", htmx)
		wantRedirect(t, ops.submit("/ops/registry", url.Values{"email": {" " + email + " "}}, htmx), htmx, "/ops/registry")
		for _, tc := range []struct{ typed, code string }{
			{"not an email", "email_invalid"},
			{"", "email_invalid"},
			{"OPEN-" + fmt.Sprint(htmx) + "@Example.com", "email_in_registry"},
		} {
			r := ops.submit("/ops/registry", url.Values{"email": {tc.typed}}, htmx)
			wantFieldError(t, r, htmx, "email", tc.code)
			wantValue(t, r, "email", tc.typed)
		}
	})
	page := ops.open("/ops/registry")
	wantStatus(t, page, http.StatusOK)
	rows := page.doc.Find(`tr[data-testid="registry-row"]`)
	if rows.Length() != 2 || rows.Eq(0).AttrOr("data-email", "") != "open-true@example.com" {
		t.Fatalf("registry rows: %d, first %q", rows.Length(), rows.Eq(0).AttrOr("data-email", ""))
	}
	r := e.client().submit("/register", registrationForm("Open-True@example.com"), false)
	wantFieldError(t, r, false, "email", "email_registered_open")

	entries, _ := e.st.Registry(context.Background())
	del := fmt.Sprintf("/ops/registry/%d/delete", entries[0].ID)
	if rows.Eq(0).Find(`form[action="`+del+`"]`).Length() != 1 {
		t.Fatalf("the row offers no delete form to %s", del)
	}
	wantRedirect(t, ops.submit(del, nil, false), false, "/ops/registry")
	after := ops.open("/ops/registry")
	if after.doc.Find(`tr[data-testid="registry-row"]`).Length() != 1 || after.testid("flash") == "" {
		t.Fatalf("the entry was not deleted, or the page does not say so: %s", after.body)
	}
	wantStatus(t, ops.submit(del, nil, false), http.StatusNotFound)
	wantStatus(t, ops.submit("/ops/registry/abc/delete", nil, false), http.StatusNotFound)
	wantRedirect(t, ops.submit(fmt.Sprintf("/ops/registry/%d/delete", entries[1].ID), nil, true), true, "/ops/registry")
	e.startRegistration(e.client(), "open-true@example.com")
}
