package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Content security (SPEC §17, §18; real: msg_sec_check version 2). The sandbox has no
// content model: a text's verdict comes from the account's word list, a word or phrase
// and the verdict (review or risky, with a label) a text containing it gets. An empty list
// passes everything with label 100, as the real API answers ordinary text.

// Verdicts and limits.
const (
	SuggestPass   = "pass"
	SuggestReview = "review"
	SuggestRisky  = "risky"
	LabelNormal   = 100   // 正常
	LabelOther    = 21000 // 其他: the label of a word listed without one
	// MaxSecurityWords and MaxSecurityWord bound the list (our choice).
	MaxSecurityWords = 200
	MaxSecurityWord  = 50 // characters
	// SecVisitWindow is how recently the openid must have opened the mini program (real:
	// "用户需在近两小时访问过小程序", else 61010).
	SecVisitWindow = 2 * time.Hour
)

// SecurityLabels are the labels a listed word may carry (real: 10001 广告, 20001 时政,
// 20002 色情, 20003 辱骂, 20006 违法犯罪, 20008 欺诈, 20012 低俗, 20013 版权, 21000 其他).
var SecurityLabels = []int{10001, 20001, 20002, 20003, 20006, 20008, 20012, 20013, 21000}

// SecurityWord is one entry of the word list.
type SecurityWord struct {
	Word    string
	Suggest string // review or risky
	Label   int
}

// ParseSecurityWords reads the list as the page's text area holds it, one entry a line:
// "WORD [review|risky] [LABEL]", the verdict risky and the label 21000 when left out (a
// phrase may hold spaces; only its last fields are read as verdict and label). Blank lines
// are skipped. Errors on "words":
// security_word_invalid (empty, over 50 characters or control characters),
// security_label_invalid (a label not in SecurityLabels), security_words_quota (over 200).
func ParseSecurityWords(text string) ([]SecurityWord, error) {
	var out []SecurityWord
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		w := SecurityWord{Suggest: SuggestRisky, Label: LabelOther}
		if rest, tail, ok := cutLastField(line); ok {
			if n, err := strconv.Atoi(tail); err == nil {
				w.Label, line = n, rest
			}
		}
		if rest, tail, ok := cutLastField(line); ok && (tail == SuggestReview || tail == SuggestRisky) {
			w.Suggest, line = tail, rest
		}
		w.Word = line
		out = append(out, w)
	}
	return out, checkSecurityWords(out)
}

// cutLastField splits a line at its last space: ok is false for a line of one field.
func cutLastField(line string) (rest, last string, ok bool) {
	i := strings.LastIndexFunc(line, unicode.IsSpace)
	if i < 0 {
		return line, "", false
	}
	return strings.TrimSpace(line[:i]), line[i+1:], true
}

// checkSecurityWords applies the list's rules (see ParseSecurityWords).
func checkSecurityWords(words []SecurityWord) error {
	if len(words) > MaxSecurityWords {
		return invalid("words", "security_words_quota")
	}
	for _, w := range words {
		if !rulesText(w.Word, 1, MaxSecurityWord) || w.Suggest != SuggestReview && w.Suggest != SuggestRisky {
			return invalid("words", "security_word_invalid")
		}
		if !slices.Contains(SecurityLabels, w.Label) {
			return invalid("words", "security_label_invalid")
		}
	}
	return nil
}

// FormatSecurityWords writes the list back as ParseSecurityWords reads it.
func FormatSecurityWords(words []SecurityWord) string {
	var b strings.Builder
	for _, w := range words {
		fmt.Fprintf(&b, "%s %s %d\n", w.Word, w.Suggest, w.Label)
	}
	return b.String()
}

// SetSecurityWords replaces the account's word list for person (ActEditDev, who edit
// /dev/settings and will edit /dev/sandbox; else ErrForbidden). A word listed twice
// (ignoring case) keeps its first entry.
func (s *Store) SetSecurityWords(ctx context.Context, accountID, personID int64, words []SecurityWord) error {
	if err := checkSecurityWords(words); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActEditDev); err != nil {
			return err
		}
		old, err := securityWordsTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM security_words WHERE account_id = ?`, accountID); err != nil {
			return fmt.Errorf("clear words of %d: %w", accountID, err)
		}
		seen := map[string]bool{}
		for i, w := range words {
			if key := strings.ToLower(w.Word); !seen[key] {
				seen[key] = true
				if _, err := tx.ExecContext(ctx, `INSERT INTO security_words (account_id, position, word, suggest, label) VALUES (?, ?, ?, ?, ?)`,
					accountID, i, w.Word, w.Suggest, w.Label); err != nil {
					return fmt.Errorf("add word to %d: %w", accountID, err)
				}
			}
		}
		return s.logOp(ctx, tx, accountID, personID, opSecurityWordsSet, "", change(strconv.Itoa(len(old)), strconv.Itoa(len(seen))))
	})
}

// SecurityWords is the account's word list, in its order.
func (s *Store) SecurityWords(ctx context.Context, accountID int64) ([]SecurityWord, error) {
	return securityWordsTx(ctx, s.read, accountID)
}

// rowsQuerier is a pool or a transaction, for reads of several rows.
type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func securityWordsTx(ctx context.Context, q rowsQuerier, accountID int64) ([]SecurityWord, error) {
	rows, err := q.QueryContext(ctx, `SELECT word, suggest, label FROM security_words WHERE account_id = ? ORDER BY position`, accountID)
	if err != nil {
		return nil, fmt.Errorf("words of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []SecurityWord
	for rows.Next() {
		var w SecurityWord
		if err := rows.Scan(&w.Word, &w.Suggest, &w.Label); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// SecResult is msg_sec_check's overall verdict.
type SecResult struct {
	Suggest string `json:"suggest"`
	Label   int    `json:"label"`
}

// SecDetail is one strategy's verdict, with the real field names; the keyword strategy
// names the listed word a text hit.
type SecDetail struct {
	Strategy string `json:"strategy"`
	ErrCode  int    `json:"errcode"`
	Suggest  string `json:"suggest,omitempty"`
	Label    int    `json:"label,omitempty"`
	Prob     int    `json:"prob,omitempty"`
	Keyword  string `json:"keyword,omitempty"`
}

// SecCheck is msg_sec_check's answer besides errcode and errmsg.
type SecCheck struct {
	Result  SecResult   `json:"result"`
	Detail  []SecDetail `json:"detail"`
	TraceID string      `json:"trace_id"`
}

// CheckText answers POST /wxa/msg_sec_check (version 2): 40129 for a scene outside 1–4;
// 40003 for an openid of nobody who opened this mini program, 43104 for one of another
// mini program, 61010 when its person has not opened this one in the last 2 hours. The
// verdict is the most severe listed word the content contains (ignoring case; the first
// listed among equals), or pass with label 100.
func (s *Store) CheckText(ctx context.Context, accountID int64, openid, content string, scene int) (SecCheck, error) {
	var out SecCheck
	err := s.tokenAPITx(ctx, accountID, EndpointMsgSecCheck, func(tx *sql.Tx) error {
		if scene < 1 || scene > 4 {
			return APIInvalidScene
		}
		_, last, err := appUserTx(ctx, tx, accountID, openid)
		if errors.Is(err, APIInvalidOpenID) {
			var elsewhere bool
			if qerr := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM app_users WHERE openid = ?)`, openid).Scan(&elsewhere); qerr != nil {
				return fmt.Errorf("find openid: %w", qerr)
			}
			if elsewhere {
				return APIOpenIDMismatch
			}
		}
		if err != nil {
			return err
		}
		now := s.nowFor(accountID)
		if now.Sub(last) > SecVisitWindow {
			return APIVisitExpired
		}
		words, err := securityWordsTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		out = wordVerdict(words, content)
		out.TraceID = traceID(now)
		return nil
	})
	return out, err
}

// wordVerdict applies the word list to content.
func wordVerdict(words []SecurityWord, content string) SecCheck {
	keyword := SecDetail{Strategy: "keyword"}
	lower := strings.ToLower(content)
	for _, w := range words {
		if strings.Contains(lower, strings.ToLower(w.Word)) && (keyword.Suggest == "" || keyword.Suggest == SuggestReview && w.Suggest == SuggestRisky) {
			keyword.Suggest, keyword.Label, keyword.Keyword = w.Suggest, w.Label, w.Word
		}
	}
	out := SecCheck{Result: SecResult{Suggest: SuggestPass, Label: LabelNormal},
		Detail: []SecDetail{{Strategy: "content_model", Suggest: SuggestPass, Label: LabelNormal, Prob: 90}, keyword}}
	if keyword.Suggest != "" {
		out.Result = SecResult{Suggest: keyword.Suggest, Label: keyword.Label}
	}
	return out
}

// traceID has the shape of a real trace_id and rid: the time in hex, then 16 random hex
// digits, as three groups of 8.
func traceID(now time.Time) string {
	b := make([]byte, 8)
	rand.Read(b)
	r := hex.EncodeToString(b)
	return fmt.Sprintf("%08x-%s-%s", uint32(now.Unix()), r[:8], r[8:])
}
