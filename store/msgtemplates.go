package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// An account's subscribe-message templates (SPEC §17; real: newtmpl addtemplate,
// deltemplate, gettemplate): picked from MessageLibrary by tid with 2–5 of its keywords.
// The API calls answer the real errcodes; the console's /messages gets the same rules as
// form errors (the ...As methods).

// Template rules.
const (
	// MaxMessageTemplates is SPEC §17's limit per account (the real docs say 25; the
	// contract keeps 50), refused with the real 200012.
	MaxMessageTemplates = 50
	MinTemplateKeywords = 2
	MaxTemplateKeywords = 5
	MaxSceneDesc        = 15 // characters (real: "15个字以内")
)

// MessageTemplate is one of the account's templates.
type MessageTemplate struct {
	ID        int64
	PriTmplID string // 43 characters, as the real ids
	TID       int
	Title     string
	Keywords  []TemplateKeyword // in the order of the kidList it was added with
	SceneDesc string
	AddedAt   time.Time
}

// Content is gettemplate's content: one "name:{{key.DATA}}" line per keyword.
func (t MessageTemplate) Content() string {
	var b strings.Builder
	for _, k := range t.Keywords {
		fmt.Fprintf(&b, "%s:{{%s.DATA}}\n", k.Name, k.Key())
	}
	return b.String()
}

// Example is gettemplate's example: one "name:example" line per keyword.
func (t MessageTemplate) Example() string {
	var b strings.Builder
	for _, k := range t.Keywords {
		fmt.Fprintf(&b, "%s:%s\n", k.Name, k.Example)
	}
	return b.String()
}

// newPriTmplID is 32 random bytes, base64url: 43 characters like 9Aw5ZV1j9xdWTFEk….
func newPriTmplID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// addTemplateTx checks and adds a template; on 200022 it returns the id already added.
func (s *Store) addTemplateTx(ctx context.Context, tx *sql.Tx, accountID int64, a Actor, tid int, kids []int, sceneDesc string) (string, error) {
	lib, ok := libraryTemplate(tid)
	if !ok {
		return "", APITemplateTID
	}
	if len(kids) < MinTemplateKeywords || len(kids) > MaxTemplateKeywords {
		return "", APITemplateKids
	}
	for i, kid := range kids {
		if _, ok := lib.Keyword(kid); !ok || slices.Contains(kids[:i], kid) {
			return "", APITemplateKids
		}
	}
	if utf8.RuneCountInString(sceneDesc) > MaxSceneDesc {
		return "", APITemplateScene
	}
	list, _ := json.Marshal(kids)
	var existing string
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT pri_tmpl_id FROM message_templates WHERE account_id = ?1 AND tid = ?2 AND kids = ?3), ''),
		(SELECT count(*) FROM message_templates WHERE account_id = ?1)`, accountID, tid, string(list)).Scan(&existing, &count); err != nil {
		return "", fmt.Errorf("templates of %d: %w", accountID, err)
	}
	if existing != "" {
		return existing, APITemplateExists
	}
	if count >= MaxMessageTemplates {
		return "", APITemplateQuota
	}
	id := newPriTmplID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO message_templates (account_id, pri_tmpl_id, tid, kids, scene_desc, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		accountID, id, tid, string(list), sceneDesc, fmtTime(s.nowFor(accountID))); err != nil {
		return "", fmt.Errorf("add template %d to %d: %w", tid, accountID, err)
	}
	return id, s.logActor(ctx, tx, accountID, a, opMessageTemplateAdded, lib.Title, id, s.nowFor(accountID))
}

// AddMessageTemplate answers POST /wxaapi/newtmpl/addtemplate and returns the priTmplId.
// tid is the library's (a string, as the API sends it). Refusals: 200014 unknown tid,
// 200020 kidList not 2–5 distinct kids of the template, 200021 sceneDesc over 15
// characters, 200022 the same tid and kidList already added (the existing priTmplId is
// returned with it, as the real API does), 200012 the account has 50 templates.
func (s *Store) AddMessageTemplate(ctx context.Context, accountID int64, tid string, kids []int, sceneDesc string) (string, error) {
	var id string
	err := s.tokenAPITx(ctx, accountID, EndpointAddTemplate, func(tx *sql.Tx) error {
		n, err := strconv.Atoi(strings.TrimSpace(tid))
		if err != nil {
			return APITemplateTID
		}
		id, err = s.addTemplateTx(ctx, tx, accountID, Actor{}, n, kids, sceneDesc)
		return err
	})
	return id, err
}

// AddMessageTemplateAs is the console's /messages adding a template for person (ActMessages,
// else ErrForbidden). Refusals are form errors: template_invalid and template_quota on
// "tid", keywords_invalid on "kids", scene_desc_invalid on "scene_desc", template_duplicate
// on "tid".
func (s *Store) AddMessageTemplateAs(ctx context.Context, accountID, personID int64, tid int, kids []int, sceneDesc string) (string, error) {
	var id string
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActMessages); err != nil {
			return err
		}
		var err error
		id, err = s.addTemplateTx(ctx, tx, accountID, ByPerson(personID), tid, kids, strings.TrimSpace(sceneDesc))
		switch {
		case errors.Is(err, APITemplateTID):
			return invalid("tid", "template_invalid")
		case errors.Is(err, APITemplateKids):
			return invalid("kids", "keywords_invalid")
		case errors.Is(err, APITemplateScene):
			return invalid("scene_desc", "scene_desc_invalid")
		case errors.Is(err, APITemplateExists):
			return invalid("tid", "template_duplicate")
		case errors.Is(err, APITemplateQuota):
			return invalid("tid", "template_quota")
		}
		return err
	})
	return id, err
}

// deleteTemplateTx removes a template (and the subscriptions to it); false if none.
func (s *Store) deleteTemplateTx(ctx context.Context, tx *sql.Tx, accountID int64, a Actor, priTmplID string) (bool, error) {
	var id int64
	var tid int
	err := tx.QueryRowContext(ctx, `SELECT id, tid FROM message_templates WHERE account_id = ? AND pri_tmpl_id = ?`, accountID, priTmplID).Scan(&id, &tid)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("find template of %d: %w", accountID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM message_templates WHERE id = ?`, id); err != nil {
		return false, fmt.Errorf("delete template %d: %w", id, err)
	}
	lib, _ := libraryTemplate(tid)
	return true, s.logActor(ctx, tx, accountID, a, opMessageTemplateDeleted, lib.Title, priTmplID, s.nowFor(accountID))
}

// DeleteMessageTemplate answers POST /wxaapi/newtmpl/deltemplate: 20002 for an empty
// priTmplId, 20001 for one the account does not have (real: "系统错误（包含该账号下无该模板等）").
func (s *Store) DeleteMessageTemplate(ctx context.Context, accountID int64, priTmplID string) error {
	return s.tokenAPITx(ctx, accountID, EndpointDeleteTemplate, func(tx *sql.Tx) error {
		if priTmplID == "" {
			return APITemplateDelArgs
		}
		ok, err := s.deleteTemplateTx(ctx, tx, accountID, Actor{}, priTmplID)
		if err != nil {
			return err
		}
		if !ok {
			return APITemplateDelete
		}
		return nil
	})
}

// DeleteMessageTemplateAs is the console removing a template for person (ActMessages, else
// ErrForbidden; ErrNotFound for an id the account does not have).
func (s *Store) DeleteMessageTemplateAs(ctx context.Context, accountID, personID int64, priTmplID string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActMessages); err != nil {
			return err
		}
		ok, err := s.deleteTemplateTx(ctx, tx, accountID, ByPerson(personID), priTmplID)
		if err == nil && !ok {
			err = ErrNotFound
		}
		return err
	})
}

const templateColumns = `t.id, t.pri_tmpl_id, t.tid, t.kids, t.scene_desc, t.created_at`

// scanTemplate reads templateColumns, then any extra columns into extra.
func scanTemplate(row interface{ Scan(...any) error }, extra ...any) (MessageTemplate, error) {
	var t MessageTemplate
	var kids, at string
	if err := row.Scan(append([]any{&t.ID, &t.PriTmplID, &t.TID, &kids, &t.SceneDesc, &at}, extra...)...); err != nil {
		return MessageTemplate{}, err
	}
	t.AddedAt = parseTime(at)
	var ids []int
	if err := json.Unmarshal([]byte(kids), &ids); err != nil {
		return MessageTemplate{}, fmt.Errorf("kids of template %d: %w", t.ID, err)
	}
	lib, _ := libraryTemplate(t.TID)
	t.Title = lib.Title
	for _, kid := range ids {
		if k, ok := lib.Keyword(kid); ok {
			t.Keywords = append(t.Keywords, k)
		}
	}
	return t, nil
}

// MessageTemplates lists the account's templates, oldest first, as gettemplate answers them
// (each with Content, Example and type TemplateTypeOneTime) and /messages shows them.
func (s *Store) MessageTemplates(ctx context.Context, accountID int64) ([]MessageTemplate, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+templateColumns+` FROM message_templates t WHERE t.account_id = ? ORDER BY t.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("templates of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []MessageTemplate
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// templateTx finds one of the account's templates by its priTmplId: 40037 if none.
func templateTx(ctx context.Context, q querier, accountID int64, priTmplID string) (MessageTemplate, error) {
	t, err := scanTemplate(q.QueryRowContext(ctx, `SELECT `+templateColumns+` FROM message_templates t
		WHERE t.account_id = ? AND t.pri_tmpl_id = ?`, accountID, priTmplID))
	if errors.Is(err, sql.ErrNoRows) {
		return MessageTemplate{}, APIInvalidTemplateID
	}
	return t, err
}
