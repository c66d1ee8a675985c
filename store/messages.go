package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// One-time subscriptions and their delivery (SPEC §17; real: wx.requestSubscribeMessage and
// subscribe/send). Each time a person accepts a template in the opened mini program the
// account may send that person one message of it; a send spends one acceptance, and only
// when it is delivered. Delivered messages are the person's service notifications.

// Message states and languages of subscribe/send (real; "" means the default).
const (
	StateDeveloper = "developer"
	StateTrial     = "trial"
	StateFormal    = "formal" // the default
	// MagicRefuse as touser answers 43101 without touching state (SPEC §18).
	MagicRefuse = "magic-43101"
	// NoticeLimit is how many service notifications Notices returns.
	NoticeLimit = 100
)

// MessageLangs are subscribe/send's lang values, the default first.
var MessageLangs = []string{"zh_CN", "en_US", "zh_HK", "zh_TW"}

// MessageOffer is one of the account's templates as the opened mini program offers it to a
// person, with how many sends the person's acceptances allow now.
type MessageOffer struct {
	Template  MessageTemplate
	Remaining int
}

// MessageOffers lists what person may subscribe to in the opened mini program appid
// (ErrNotFound for an unknown AppID, ErrForbidden when never opened), oldest template first.
func (s *Store) MessageOffers(ctx context.Context, personID int64, appid string) ([]MessageOffer, error) {
	var out []MessageOffer
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		accountID, err := openedByTx(ctx, tx, appid, personID)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+templateColumns+`, COALESCE(g.remaining, 0) FROM message_templates t
			LEFT JOIN message_grants g ON g.template_id = t.id AND g.person_id = ? WHERE t.account_id = ? ORDER BY t.id`, personID, accountID)
		if err != nil {
			return fmt.Errorf("offers of %s: %w", appid, err)
		}
		defer rows.Close()
		for rows.Next() {
			var o MessageOffer
			if o.Template, err = scanTemplate(rows, &o.Remaining); err != nil {
				return err
			}
			out = append(out, o)
		}
		return rows.Err()
	})
	return out, err
}

// AcceptSubscription is person accepting template priTmplID once in the opened mini program
// appid: the account may send one more message of it to the person. ErrNotFound for an
// unknown AppID or template, ErrForbidden when the person never opened the mini program.
func (s *Store) AcceptSubscription(ctx context.Context, personID int64, appid, priTmplID string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		accountID, err := openedByTx(ctx, tx, appid, personID)
		if err != nil {
			return err
		}
		t, err := templateTx(ctx, tx, accountID, priTmplID)
		if errors.Is(err, APIInvalidTemplateID) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO message_grants (template_id, person_id, remaining, updated_at) VALUES (?, ?, 1, ?3)
			ON CONFLICT (template_id, person_id) DO UPDATE SET remaining = remaining + 1, updated_at = ?3`, t.ID, personID, fmtTime(s.nowFor(accountID)))
		if err != nil {
			return fmt.Errorf("accept template %d: %w", t.ID, err)
		}
		return nil
	})
}

// SendSubscribeMessage answers POST /cgi-bin/message/subscribe/send and returns the msgid.
// data maps each template key ("thing1") to its value as text (numbers as written). It
// checks, in this order: MagicRefuse (43101, nothing touched); state and lang ("" = formal,
// zh_CN; anything else 40097); touser (40003); templateID (40037); a subscription left
// (43101); each of the template's keywords, in its order, for a value (47003 "is empty")
// that passes its type's rule (47003 "invalid"), both as *ArgumentError; for the formal
// state, page's path among the released package's pages (41030). Only a delivered message
// spends the subscription; it becomes the person's service notification.
func (s *Store) SendSubscribeMessage(ctx context.Context, accountID int64, touser, templateID, page string, data map[string]string, state, lang string) (int64, error) {
	if state == "" {
		state = StateFormal
	}
	if lang == "" {
		lang = MessageLangs[0]
	}
	var msgid int64
	err := s.tokenAPITx(ctx, accountID, EndpointSubscribeSend, func(tx *sql.Tx) error {
		if touser == MagicRefuse {
			return magicRefusal(APIUserRefused, touser)
		}
		if !slices.Contains([]string{StateDeveloper, StateTrial, StateFormal}, state) || !slices.Contains(MessageLangs, lang) {
			return APIInvalidArgs
		}
		personID, _, err := appUserTx(ctx, tx, accountID, touser)
		if err != nil {
			return err
		}
		t, err := templateTx(ctx, tx, accountID, templateID)
		if err != nil {
			return err
		}
		var remaining int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT remaining FROM message_grants WHERE template_id = ? AND person_id = ?), 0)`,
			t.ID, personID).Scan(&remaining); err != nil {
			return fmt.Errorf("subscription to %d: %w", t.ID, err)
		}
		if remaining == 0 {
			return APIUserRefused
		}
		lines := make([]NoticeLine, 0, len(t.Keywords))
		for _, k := range t.Keywords {
			v := data[k.Key()]
			if v == "" {
				return &ArgumentError{Key: k.Key(), Empty: true}
			}
			if !CheckKeyword(k.Rule, v) {
				return &ArgumentError{Key: k.Key()}
			}
			lines = append(lines, NoticeLine{Key: k.Key(), KID: k.KID, Name: k.Name, Value: v})
		}
		if state == StateFormal && page != "" {
			if err := checkReleasedPage(ctx, tx, accountID, pagePath(page), s.nowFor(accountID)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE message_grants SET remaining = remaining - 1, updated_at = ? WHERE template_id = ? AND person_id = ?`,
			fmtTime(s.nowFor(accountID)), t.ID, personID); err != nil {
			return fmt.Errorf("spend subscription to %d: %w", t.ID, err)
		}
		encoded, _ := json.Marshal(lines)
		res, err := tx.ExecContext(ctx, `INSERT INTO notices (person_id, account_id, tid, title, lines, page, state, lang, sent_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, personID, accountID, t.TID, t.Title, string(encoded), page, state, lang, fmtTime(s.nowFor(accountID)))
		if err != nil {
			return fmt.Errorf("deliver notice: %w", err)
		}
		msgid, _ = res.LastInsertId()
		return nil
	})
	return msgid, err
}

// pagePath is a page without its query and leading slash: what app.json lists.
func pagePath(page string) string {
	path, _, _ := strings.Cut(page, "?")
	return strings.TrimPrefix(path, "/")
}

// checkReleasedPage answers 41030 unless path ("" = the home page) is a page of the online
// version's package, or when nothing is released. A version uploaded without a package
// has no known pages and accepts any.
func checkReleasedPage(ctx context.Context, tx *sql.Tx, accountID int64, path string, now time.Time) error {
	cur, ok, err := onlineTx(ctx, tx, accountID, now)
	if err != nil {
		return err
	}
	if !ok {
		return APIInvalidPage
	}
	if path == "" || cur.Version.Package == nil || slices.Contains(cur.Version.Package.Pages, path) {
		return nil
	}
	return APIInvalidPage
}

// Notice is a delivered subscribe message: the person's service notification.
type Notice struct {
	ID          int64
	AppID, Name string // the mini program that sent it
	TID         int
	Title       string
	Lines       []NoticeLine
	Page        string // may carry a query; "" opens the home page
	State       string // developer, trial or formal
	Lang        string // what subscribe/send asked for, e.g. en_US
	SentAt      time.Time
}

// Env is the environment the notice's link opens: formal is the release, developer the
// develop version.
func (n Notice) Env() string {
	switch n.State {
	case StateDeveloper:
		return EnvDevelop
	case StateTrial:
		return EnvTrial
	}
	return EnvRelease
}

// NoticeLine is one rendered keyword: "name: value".
type NoticeLine struct {
	Key   string `json:"key"`
	KID   int    `json:"kid"`
	Name  string `json:"name"` // the platform's Chinese name; pages translate by tid and kid
	Value string `json:"value"`
}

// Notices lists person's service notifications for /wx/notices, newest first, at most
// NoticeLimit.
func (s *Store) Notices(ctx context.Context, personID int64) ([]Notice, error) {
	return s.notices(ctx, personID, 0)
}

// notices is Notices from every mini program (accountID 0) or from one.
func (s *Store) notices(ctx context.Context, personID, accountID int64) ([]Notice, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT n.id, a.appid, a.name, n.tid, n.title, n.lines, n.page, n.state, n.lang, n.sent_at
		FROM notices n JOIN accounts a ON a.id = n.account_id WHERE n.person_id = ?1 AND (?2 = 0 OR n.account_id = ?2)
		ORDER BY n.id DESC LIMIT ?3`, personID, accountID, NoticeLimit)
	if err != nil {
		return nil, fmt.Errorf("notices of %d: %w", personID, err)
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var lines, at string
		if err := rows.Scan(&n.ID, &n.AppID, &n.Name, &n.TID, &n.Title, &lines, &n.Page, &n.State, &n.Lang, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(lines), &n.Lines); err != nil {
			return nil, fmt.Errorf("lines of notice %d: %w", n.ID, err)
		}
		n.SentAt = parseTime(at)
		out = append(out, n)
	}
	return out, rows.Err()
}
