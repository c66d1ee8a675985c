package store

import (
	"strings"
	"testing"
	"time"
)

func (f *fixture) mailOf(id int64) Mail {
	f.t.Helper()
	mails, err := f.st.AllMail(f.ctx, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, m := range mails {
		if m.ID == id {
			return m
		}
	}
	f.t.Fatalf("mail %d is not in the outbox", id)
	return Mail{}
}

func (f *fixture) due() []int64 {
	f.t.Helper()
	mails, err := f.st.DueMail(f.ctx, 100)
	if err != nil {
		f.t.Fatal(err)
	}
	var ids []int64
	for _, m := range mails {
		ids = append(ids, m.ID)
	}
	return ids
}

// A refused mail is tried again after 1 minute, then 2, 4, … up to an hour between tries;
// the row records the tries, the next one and the reason, never the body.
func TestMailRetryBackoff(t *testing.T) {
	f := newFixture(t)
	f.register("retry@example.com")
	due := f.due()
	if len(due) != 1 {
		t.Fatalf("due %v, want the new mail at once", due)
	}
	id := due[0]
	start := f.clock.Now()
	if err := f.st.MailFailed(f.ctx, id, "451 4.3.0 try again later"); err != nil {
		t.Fatal(err)
	}
	m := f.mailOf(id)
	if m.Attempts != 1 || !m.NextAttemptAt.Equal(start.Add(time.Minute)) || m.LastError != "451 4.3.0 try again later" || !m.SentAt.IsZero() {
		t.Fatalf("after one refusal: %+v", m)
	}
	f.clock.Advance(59 * time.Second)
	if len(f.due()) != 0 {
		t.Fatal("due again before its minute")
	}
	f.clock.Advance(time.Second)
	if len(f.due()) != 1 {
		t.Fatal("not due after its minute")
	}
	waits := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, wait := range waits {
		now := f.clock.Now()
		if err := f.st.MailFailed(f.ctx, id, "refused"); err != nil {
			t.Fatal(err)
		}
		if m := f.mailOf(id); m.Attempts != i+2 || !m.NextAttemptAt.Equal(now.Add(wait)) {
			t.Fatalf("after refusal %d: next try %v after the refusal, want %v", i+2, m.NextAttemptAt.Sub(now), wait)
		}
		f.clock.Advance(wait)
	}
	if err := f.st.MarkMailSent(f.ctx, id); err != nil {
		t.Fatal(err)
	}
	if m := f.mailOf(id); m.SentAt.IsZero() || !m.NextAttemptAt.IsZero() || m.Attempts != 9 || m.LastError != "" {
		t.Fatalf("after delivery: %+v", m)
	}
	if len(f.due()) != 0 {
		t.Fatal("a sent mail is due again")
	}
	long := strings.Repeat("é", 400)
	f.register("long@example.com")
	id = f.due()[0]
	f.st.MailFailed(f.ctx, id, long)
	if got := f.mailOf(id).LastError; len(got) > 300 || !strings.HasPrefix(long, got) {
		t.Fatalf("stored reason of %d bytes, want at most 300 valid bytes", len(got))
	}
}

// Mail is tried for 48 hours, the life of its activation link, and no longer.
func TestMailDeliveryWindow(t *testing.T) {
	f := newFixture(t)
	f.register("late@example.com")
	id := f.due()[0]
	f.clock.Advance(48*time.Hour - time.Second)
	if len(f.due()) != 1 {
		t.Fatal("not due within 48 hours")
	}
	f.clock.Advance(time.Second)
	if due := f.due(); len(due) != 0 {
		t.Fatalf("due %v after 48 hours", due)
	}
	if m := f.mailOf(id); !m.SentAt.IsZero() {
		t.Fatal("marked sent")
	}
}

// Mail older than 30 days is pruned (SPEC §19); younger mail stays.
func TestPruneMail(t *testing.T) {
	f := newFixture(t)
	f.register("old@example.com")
	f.clock.Advance(24 * time.Hour)
	f.register("young@example.com")
	f.clock.Advance(29*24*time.Hour - time.Second)
	if n, err := f.st.PruneMail(f.ctx); err != nil || n != 0 {
		t.Fatalf("pruned %d (%v) before 30 days", n, err)
	}
	f.clock.Advance(2 * time.Second)
	if n, err := f.st.PruneMail(f.ctx); err != nil || n != 1 {
		t.Fatalf("pruned %d (%v), want the 30-day-old mail", n, err)
	}
	mails, _ := f.st.AllMail(f.ctx, 10)
	if len(mails) != 1 || mails[0].To != "young@example.com" {
		t.Fatalf("left %+v, want the younger mail", mails)
	}
}

// Mailbox lists only the mail of the registrations asked for, newest first.
func TestMailboxOfRegistrations(t *testing.T) {
	f := newFixture(t)
	a := f.register("a@example.com")
	b := f.register("b@example.com")
	if err := f.st.ResendActivation(f.ctx, "a@example.com", f.mailer); err != nil {
		t.Fatal(err)
	}
	mails, err := f.st.Mailbox(f.ctx, []int64{a}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(mails) != 2 || mails[0].To != "a@example.com" || mails[1].To != "a@example.com" || mails[0].ID < mails[1].ID || mails[0].AccountID != a {
		t.Fatalf("mailbox of a: %+v, want its two mails, newest first", mails)
	}
	if mails, _ := f.st.Mailbox(f.ctx, nil, 10); len(mails) != 0 {
		t.Fatalf("no registration sees %d mails", len(mails))
	}
	if mails, _ := f.st.Mailbox(f.ctx, []int64{a, b}, 10); len(mails) != 3 {
		t.Fatalf("both registrations see %d mails, want 3", len(mails))
	}
	if all, _ := f.st.AllMail(f.ctx, 10); len(all) != 3 || all[0].To != "a@example.com" {
		t.Fatalf("all mail %+v", all)
	}
}
