package web

import (
	"fmt"
	"net/http"
	"net/smtp"
	"strings"

	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// MailboxPage is the sandbox's inbox of every mail the server wrote (off with --smtp).
func (s *Server) MailboxPage(c echo.Context) error {
	if s.opts.SMTP != "" {
		return echo.ErrNotFound
	}
	mails, err := s.store.Mailbox(c.Request().Context(), 100)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "mailbox.title"), views.MailboxPage(mails))
}

// sendMail hands queued mail to the SMTP relay when one is configured, one request at a
// time so nothing is sent twice; a mail the relay refuses stays queued for the next try,
// does not hold up the others, and is logged without its body (it holds links).
func (s *Server) sendMail(c echo.Context) {
	if s.opts.SMTP == "" {
		return
	}
	s.mailMu.Lock()
	defer s.mailMu.Unlock()
	ctx := c.Request().Context()
	mails, err := s.store.UnsentMail(ctx)
	if err != nil {
		s.log.Error("list unsent mail", "err", err)
		return
	}
	for _, m := range mails {
		msg := fmt.Sprintf("To: %s\r\nFrom: mpconsole@localhost\r\nSubject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n\r\n%s\r\n",
			m.To, m.Subject, strings.ReplaceAll(m.Body, "\n", "\r\n"), m.Link)
		if err := smtp.SendMail(s.opts.SMTP, nil, "mpconsole@localhost", []string{m.To}, []byte(msg)); err != nil {
			s.log.Error("send mail", "to", m.To, "err", err)
			continue
		}
		if err := s.store.MarkMailSent(ctx, m.ID); err != nil {
			s.log.Error("mark mail sent", "err", err)
			return
		}
	}
}
