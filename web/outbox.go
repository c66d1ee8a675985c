package web

import (
	"context"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"mpconsole/store"
)

const (
	// mailTimeout bounds one SMTP conversation, from dialling to QUIT: a relay that hangs
	// delays the next mail, never a request (requests only queue).
	mailTimeout = 15 * time.Second
	// outboxTick is how often the worker looks at the outbox without being nudged, for
	// retries that fell due and for pruning.
	outboxTick = 30 * time.Second
	// outboxBatch is how many due mails one pass sends.
	outboxBatch = 50
)

// DefaultMailFrom is the sender when --mail-from is not given.
const DefaultMailFrom = "mpconsole@localhost"

// nudgeOutbox tells the worker that mail was queued. It never blocks: one pending nudge
// is enough for the worker to look again.
func (s *Server) nudgeOutbox() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// runOutbox is the outbox worker: it sends due mail through the SMTP relay (when one is
// set) and prunes old mail, until ctx ends. It is the only sender, so no mail goes twice.
func (s *Server) runOutbox(ctx context.Context) {
	tick := time.NewTicker(outboxTick)
	defer tick.Stop()
	s.pruneMail(ctx)
	for {
		s.deliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-s.nudge:
		case <-tick.C:
			s.pruneMail(ctx)
		}
	}
}

func (s *Server) pruneMail(ctx context.Context) {
	if _, err := s.store.PruneMail(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("prune mail", "err", err)
	}
}

// deliverDue makes one pass over the due mail: each is sent or, refused, scheduled again
// with backoff (the store's rule). A refused mail does not hold up the others.
func (s *Server) deliverDue(ctx context.Context) {
	if s.opts.SMTP == "" {
		return
	}
	mails, err := s.store.DueMail(ctx, outboxBatch)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("list due mail", "err", err)
		}
		return
	}
	// An outcome is recorded even if shutdown begins meanwhile, so an accepted mail is not
	// sent again on the next start.
	record := context.WithoutCancel(ctx)
	for _, m := range mails {
		if ctx.Err() != nil {
			return
		}
		if err := s.sendMail(ctx, m); err != nil {
			if ctx.Err() != nil {
				return // cut short by shutdown: not the relay's fault, tried again on start
			}
			// The error names the relay's answer or the network failure, never the body.
			s.log.Warn("send mail", "id", m.ID, "attempt", m.Attempts+1, "err", err)
			if err := s.store.MailFailed(record, m.ID, err.Error()); err != nil {
				s.log.Error("record mail failure", "id", m.ID, "err", err)
			}
			continue
		}
		if err := s.store.MarkMailSent(record, m.ID); err != nil {
			s.log.Error("mark mail sent", "id", m.ID, "err", err)
		}
	}
}

// sendMail hands one mail to the relay in its own conversation.
func (s *Server) sendMail(ctx context.Context, m store.Mail) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	host, port, err := ParseSMTP(s.opts.SMTP)
	if err != nil {
		return err
	}
	client, err := mail.NewClient(host, mail.WithPort(port), mail.WithTimeout(mailTimeout), mail.WithTLSPolicy(mail.TLSOpportunistic))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, mailTimeout)
	defer cancel()
	return client.DialAndSendWithContext(ctx, msg)
}

// message builds the MIME message: From, To, an RFC 2047-encoded Subject, Date (when it
// was queued), a Message-ID that stays the same on every try, MIME-Version and a UTF-8
// text body.
func (s *Server) message(m store.Mail) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(s.opts.MailFrom); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("to address: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(m.CreatedAt)
	msg.SetMessageIDWithValue(fmt.Sprintf("outbox.%d.%d@%s", m.ID, m.CreatedAt.UnixNano(), s.mailDomain()))
	body := m.Body
	if m.Link != "" {
		body += "\n\n" + m.Link
	}
	msg.SetBodyString(mail.TypeTextPlain, body+"\n")
	return msg, nil
}

// mailDomain is the domain of the From address, for the Message-ID.
func (s *Server) mailDomain() string {
	if a, err := netmail.ParseAddress(s.opts.MailFrom); err == nil {
		if _, domain, ok := strings.Cut(a.Address, "@"); ok && domain != "" {
			return domain
		}
	}
	return "localhost"
}

// ParseSMTP reads the --smtp address: host:port.
func ParseSMTP(addr string) (host string, port int, err error) {
	host, p, err := net.SplitHostPort(addr)
	if err == nil {
		port, err = strconv.Atoi(p)
	}
	if err != nil || port < 1 || port > 65535 || host == "" {
		return "", 0, fmt.Errorf("smtp: %q is not host:port", addr)
	}
	return host, port, nil
}
