package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"mpconsole/views"
)

// keyMailbox is the console session's list of the registrations this browser started or
// resumed, as space-separated ids (a string, so any session store keeps it): /mailbox
// shows their mail and nobody else's, so an activation link is read only where the
// registration was made or where its password was typed.
const keyMailbox = "mailbox"

// mailboxKeep is how many registrations a browser remembers for its mailbox.
const mailboxKeep = 20

// mailPageSize is how many mails a mailbox page lists.
const mailPageSize = 100

// holdRegistration makes the unfinished registration id the one this browser continues,
// and adds it to the browser's mailbox.
func holdRegistration(sess *sessions.Session, id int64) {
	sess.Values[keyRegistration] = id
	ids := slices.DeleteFunc(mailboxIDs(sess), func(v int64) bool { return v == id })
	ids = append(ids, id)
	if len(ids) > mailboxKeep {
		ids = ids[len(ids)-mailboxKeep:]
	}
	parts := make([]string, len(ids))
	for i, v := range ids {
		parts[i] = strconv.FormatInt(v, 10)
	}
	sess.Values[keyMailbox] = strings.Join(parts, " ")
}

func mailboxIDs(sess *sessions.Session) []int64 {
	var ids []int64
	for _, f := range strings.Fields(stringValue(sess, keyMailbox)) {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// MailboxPage is the sandbox mailbox of this browser (off with --smtp): the mail of the
// registrations it started or resumed, newest first.
func (s *Server) MailboxPage(c echo.Context) error {
	if s.opts.SMTP != "" {
		return echo.ErrNotFound
	}
	ids := mailboxIDs(s.session(c, consoleSession))
	mails, err := s.store.Mailbox(c.Request().Context(), ids, mailPageSize)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "mailbox.title"), views.MailboxPage(mails))
}

// OpsMailboxPage shows platform reviewers every mail, newest first. With an SMTP relay
// the mail went to real inboxes: they see its delivery state instead of its links.
func (s *Server) OpsMailboxPage(c echo.Context) error {
	mails, err := s.store.AllMail(c.Request().Context(), mailPageSize)
	if err != nil {
		return err
	}
	return page(c, http.StatusOK, title(c, "ops.mailbox"), views.OpsMailboxPage(mails, s.opts.SMTP != "", s.store.Now()))
}
