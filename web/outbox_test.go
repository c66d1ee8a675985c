package web

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// runWorker runs the outbox worker of e's server until the test ends.
func (e *env) runWorker() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.srv.runOutbox(ctx) }()
	e.t.Cleanup(func() { cancel(); <-done })
}

// sentMail waits for the worker to record the mail to to as sent: the relay has the
// message a moment before the worker writes down the relay's answer. Fails after 10 seconds.
func (e *env) sentMail(to string) store.Mail {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := e.outboxMail(to)
		if !m.SentAt.IsZero() || time.Now().After(deadline) {
			return m
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// outboxMail is the one mail in the outbox addressed to to.
func (e *env) outboxMail(to string) store.Mail {
	e.t.Helper()
	mails, err := e.st.AllMail(context.Background(), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range mails {
		if m.To == to {
			return m
		}
	}
	e.t.Fatalf("no mail to %s in the outbox", to)
	return store.Mail{}
}

// With --smtp, a registration's mail goes through the relay as a proper MIME message: an
// RFC 2047-encoded UTF-8 Subject, Date, Message-ID, MIME-Version, a text/plain UTF-8 body
// with the activation link, from --mail-from. Requests only queue: while the relay hangs
// on one mail, another registration still answers at once.
func TestMailThroughSMTP(t *testing.T) {
	relay := startSMTP(t)
	release := relay.holdData()
	e := newEnv(t)
	e.restart(Options{SMTP: relay.addr, MailFrom: "mpconsole <noreply@mp.example>"})
	e.runWorker()
	queuedAt := e.clock.Now()
	first := e.client()
	first.open("/register?lang=zh-CN")
	e.startRegistration(first, "first@example.com")
	await(t, relay.entered, "the first mail at DATA")

	e.clock.Advance(time.Minute)
	second := e.client()
	second.open("/register?lang=zh-CN")
	e.startRegistration(second, "second@example.com") // answered while the relay hangs
	release()
	await(t, relay.accepted, "the first mail")
	await(t, relay.accepted, "the second mail")

	got := relay.messages()
	if len(got) != 2 {
		t.Fatalf("the relay got %d messages, want 2", len(got))
	}
	ids := map[string]bool{}
	for i, to := range []string{"first@example.com", "second@example.com"} {
		raw := got[i]
		if raw.from != "noreply@mp.example" || len(raw.to) != 1 || raw.to[0] != to {
			t.Fatalf("envelope from %q to %v, want noreply@mp.example to %s", raw.from, raw.to, to)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw.data))
		if err != nil {
			t.Fatalf("not a mail message: %v\n%s", err, raw.data)
		}
		h := msg.Header
		subject := h.Get("Subject")
		if !strings.HasPrefix(strings.ToUpper(subject), "=?UTF-8?") {
			t.Errorf("Subject %q is not RFC 2047-encoded", subject)
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(subject); err != nil || dec != "激活你的小程序帐号" {
			t.Errorf("Subject decodes to %q (%v), want the Chinese subject", dec, err)
		}
		if date, err := mail.ParseDate(h.Get("Date")); err != nil || !date.Equal(queuedAt.Add(time.Duration(i)*time.Minute)) {
			t.Errorf("Date %q (%v), want the time the mail was queued", h.Get("Date"), err)
		}
		id := h.Get("Message-ID")
		if !regexp.MustCompile(`^<[^<>@\s]+@mp\.example>$`).MatchString(id) || ids[id] {
			t.Errorf("Message-ID %q: want a unique <…@mp.example>", id)
		}
		ids[id] = true
		if h.Get("MIME-Version") != "1.0" {
			t.Errorf("MIME-Version %q", h.Get("MIME-Version"))
		}
		if media, params, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || media != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
			t.Errorf("Content-Type %q, want text/plain; charset=UTF-8", h.Get("Content-Type"))
		}
		if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Address != "noreply@mp.example" || from.Name != "mpconsole" {
			t.Errorf("From %q", h.Get("From"))
		}
		if rcpt, err := mail.ParseAddress(h.Get("To")); err != nil || rcpt.Address != to {
			t.Errorf("To %q, want %s", h.Get("To"), to)
		}
		body := msg.Body
		if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		text, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		link := e.outboxMail(to).Link
		if !strings.HasPrefix(link, e.http.URL+"/register/activate?token=") || !strings.Contains(string(text), link) || !strings.Contains(string(text), "你好 "+to) {
			t.Errorf("body does not hold the activation link %q:\n%s", link, text)
		}
		if m := e.sentMail(to); m.SentAt.IsZero() || m.Attempts != 1 {
			t.Errorf("outbox row of %s: %+v, want sent after one try", to, m)
		}
	}
	// The sandbox mailbox is off; reviewers see the delivery, not the links.
	wantStatus(t, first.open("/mailbox"), http.StatusNotFound)
	reviewer := e.person("reviewer", "")
	e.st.SetOperator(context.Background(), "reviewer", true)
	r := e.wx(reviewer).open("/ops/mailbox")
	wantStatus(t, r, http.StatusOK)
	if n := r.doc.Find(`article[data-testid="mail"] [data-testid="mail-delivery"][data-state="sent"]`).Length(); n != 2 {
		t.Errorf("/ops/mailbox shows %d sent mails, want 2", n)
	}
	if strings.Contains(r.body, "/register/activate?token=") {
		t.Error("/ops/mailbox shows the links of mail sent to real inboxes")
	}
}

// A refused mail is tried again after 1 minute, then 2 (on the injected clock), and then
// delivered once; the outbox row records the tries, the next one and the reason, never
// the body.
func TestMailRetriesWithBackoff(t *testing.T) {
	relay := startSMTP(t)
	relay.refuseNext(2)
	e := newEnv(t)
	e.restart(Options{SMTP: relay.addr})
	e.startRegistration(e.client(), "retry@example.com")
	ctx := t.Context()
	start := e.clock.Now()

	e.srv.deliverDue(ctx)
	m := e.outboxMail("retry@example.com")
	token := m.Link[strings.Index(m.Link, "token=")+len("token="):]
	if relay.dataTries() != 1 || m.Attempts != 1 || !m.NextAttemptAt.Equal(start.Add(time.Minute)) || !m.SentAt.IsZero() {
		t.Fatalf("after the first refusal (%d tries at the relay): %+v", relay.dataTries(), m)
	}
	if !strings.Contains(m.LastError, "451") || !strings.Contains(m.LastError, "try again later") || strings.Contains(m.LastError, token) {
		t.Fatalf("last error %q: want the relay's answer and no body", m.LastError)
	}

	e.clock.Advance(59 * time.Second)
	e.srv.deliverDue(ctx)
	if relay.dataTries() != 1 {
		t.Fatal("tried again before the minute was up")
	}
	e.clock.Advance(time.Second)
	e.srv.deliverDue(ctx)
	m = e.outboxMail("retry@example.com")
	if relay.dataTries() != 2 || m.Attempts != 2 || !m.NextAttemptAt.Equal(e.clock.Now().Add(2*time.Minute)) {
		t.Fatalf("after the second refusal (%d tries): %+v, want the next try 2 minutes on", relay.dataTries(), m)
	}
	reviewer := e.person("reviewer", "")
	e.st.SetOperator(context.Background(), "reviewer", true)
	r := e.wx(reviewer).open("/ops/mailbox")
	if state := r.doc.Find(`[data-testid="mail-delivery"]`).AttrOr("data-state", ""); state != "retrying" || !strings.Contains(r.testid("mail-delivery"), "451") {
		t.Fatalf("/ops/mailbox delivery %q: %q", state, r.testid("mail-delivery"))
	}

	e.clock.Advance(2*time.Minute - time.Second)
	e.srv.deliverDue(ctx)
	if relay.dataTries() != 2 {
		t.Fatal("tried again before the 2 minutes were up")
	}
	e.clock.Advance(time.Second)
	e.srv.deliverDue(ctx)
	e.srv.deliverDue(ctx)
	m = e.outboxMail("retry@example.com")
	if got := relay.messages(); len(got) != 1 || relay.dataTries() != 3 {
		t.Fatalf("the relay holds %d messages after %d tries, want 1 after 3", len(got), relay.dataTries())
	}
	if m.Attempts != 3 || !m.SentAt.Equal(e.clock.Now()) || m.LastError != "" || !m.NextAttemptAt.IsZero() {
		t.Fatalf("after delivery: %+v", m)
	}
}

// The worker starts with Serve and stops before it returns; it prunes mail older than 30
// days (SPEC §19) and sends what requests queue.
func TestOutboxWorkerRunsWithServe(t *testing.T) {
	relay := startSMTP(t)
	e := newEnv(t)
	e.startRegistration(e.client(), "old@example.com") // kept in the sandbox outbox
	e.clock.Advance(30*24*time.Hour + time.Second)
	e.restart(Options{SMTP: relay.addr})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- e.srv.Serve(ctx, l) }()

	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mails, err := e.st.AllMail(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(mails) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the 30-day-old mail is still there: %+v", mails)
		}
	}
	e.startRegistration(e.client(), "new@example.com")
	await(t, relay.accepted, "the new mail")
	if got := relay.messages(); len(got) != 1 || got[0].to[0] != "new@example.com" {
		t.Fatalf("the relay got %d messages, want only the new one", len(got))
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}
