package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// mailTo lists the data-to of every mail on a mailbox page, in page order.
func mailTo(r resp) []string {
	var to []string
	r.doc.Find(`article[data-testid="mail"]`).Each(func(_ int, s *goquery.Selection) {
		to = append(to, s.AttrOr("data-to", ""))
	})
	return to
}

// /mailbox shows only the mail of the registrations started (or resumed) in this browser,
// newest first, each with its activation link; platform reviewers see every mail at
// /ops/mailbox, linked from the ops navigation; anyone else gets 403 there (SPEC §14).
func TestMailboxIsolation(t *testing.T) {
	e := newEnv(t)
	first, second := e.client(), e.client()
	e.startRegistration(first, "a1@example.com")
	e.startRegistration(second, "b1@example.com")
	e.startRegistration(first, "a2@example.com")
	e.startRegistration(second, "b2@example.com")

	for _, tc := range []struct {
		c    *client
		want []string
	}{
		{first, []string{"a2@example.com", "a1@example.com"}},
		{second, []string{"b2@example.com", "b1@example.com"}},
		{e.client(), nil},
	} {
		r := tc.c.open("/mailbox")
		wantStatus(t, r, http.StatusOK)
		if got := mailTo(r); !slices.Equal(got, tc.want) {
			t.Errorf("mailbox shows %v, want %v", got, tc.want)
		}
		for _, to := range tc.want {
			if r.doc.Find(`article[data-testid="mail"][data-to="`+to+`"] a[href*="/register/activate?token="]`).Length() != 1 {
				t.Errorf("the mail to %s has no activation link", to)
			}
		}
	}

	// Resending someone else's activation mail does not put it in this browser's mailbox;
	// logging in with the registration's password resumes it, mail included.
	stranger := e.client()
	wantRedirect(t, stranger.submit("/register/resend", url.Values{"email": {"a1@example.com"}}, false), false, "/register/activate")
	if got := mailTo(stranger.open("/mailbox")); len(got) != 0 {
		t.Fatalf("a resend shows %v to the browser that asked for it", got)
	}
	wantRedirect(t, stranger.submit("/login", url.Values{"email": {"a1@example.com"}, "password": {"Passw0rd!"}}, false), false, "/register/activate")
	if got := mailTo(stranger.open("/mailbox")); !slices.Equal(got, []string{"a1@example.com", "a1@example.com"}) {
		t.Fatalf("after logging in to a1's registration the mailbox shows %v, want its two mails", got)
	}

	reviewer := e.person("reviewer", "")
	if err := e.st.SetOperator(context.Background(), "reviewer", true); err != nil {
		t.Fatal(err)
	}
	ops := e.wx(reviewer)
	r := ops.open("/ops/mailbox")
	wantStatus(t, r, http.StatusOK)
	if got, want := mailTo(r), []string{"a1@example.com", "b2@example.com", "a2@example.com", "b1@example.com", "a1@example.com"}; !slices.Equal(got, want) {
		t.Fatalf("/ops/mailbox shows %v, want every mail newest first %v", got, want)
	}
	if r.doc.Find(`article[data-testid="mail"] a[href*="/register/activate?token="]`).Length() != 5 {
		t.Fatal("/ops/mailbox does not show the activation links of the sandbox")
	}
	if ops.open("/ops").doc.Find(`a[href="/ops/mailbox"]`).Length() != 1 {
		t.Fatal("the ops navigation does not link to /ops/mailbox")
	}

	wantStatus(t, e.wx(e.person("someone", "")).open("/ops/mailbox"), http.StatusForbidden)
	wantStatus(t, first.open("/ops/mailbox"), http.StatusSeeOther) // no simulator session: sign in first
}
