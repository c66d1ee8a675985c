package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Code review states (SPEC §12). The first three hold the account's review slot and are
// what CodeReview.Status shows; a review leaves the slot when it is withdrawn, replaced by a
// newer submission or released (closed reviews are kept for the withdraw quota).
const (
	CodePending  = "pending"
	CodeApproved = "approved"
	CodeRejected = "rejected"
	CodeReleased = "released"
)

// Submission limits (SPEC §12, real).
const (
	MaxReviewGroups   = 5
	MaxTagRunes       = 10
	WithdrawsPerDay   = 5 // calendar day and month in China time, as the other quotas
	WithdrawsPerMonth = 10
)

// PageGroup is one page group of the submit form as typed: a page path of the package, the
// id of one of the account's approved categories, and space-separated tags.
type PageGroup struct {
	Page       string
	CategoryID int64
	Tags       string
}

// ReviewGroup is a page group as the reviewer sees it. The category is copied, so removing
// it from the account later does not change what was reviewed.
type ReviewGroup struct {
	Page   string   `json:"page"`
	First  string   `json:"first"`  // category keys of the built-in tree
	Second string   `json:"second"` // "first.entry"
	Tags   []string `json:"tags"`
}

// CodeReview is one submission of a version for review.
type CodeReview struct {
	ID          int64
	AccountID   int64
	Version     Version
	Groups      []ReviewGroup
	Status      string
	Reason      string // the reviewer's reason of a rejection
	SubmittedBy string // WeChat ID
	SubmittedAt time.Time
	DecidedAt   time.Time // zero until ops decide
}

// IncompleteError refuses a submission while the basic info is incomplete (SPEC §12: the
// account's information is mandatory at submission). It unwraps to the page-level
// *ValidationError basic_info_incomplete; Missing names the items to complete, of "name",
// "icon", "intro" and "category" (an approved one), in that order.
type IncompleteError struct {
	Missing []string
}

func (e *IncompleteError) Error() string {
	return "basic_info_incomplete: " + strings.Join(e.Missing, ", ")
}

// Unwrap lets the one form outcome of the web layer treat it as any page-level error.
func (e *IncompleteError) Unwrap() error { return invalid("", "basic_info_incomplete") }

const codeReviewColumns = `r.id, r.account_id, r.version_id, r.groups, r.status, r.reason, COALESCE(p.wechat_id, ''), r.submitted_at, COALESCE(r.decided_at, '')`

// codeReviewTx loads the first review matching cond (a condition on r) with its version.
func codeReviewTx(ctx context.Context, tx *sql.Tx, cond string, args ...any) (CodeReview, error) {
	var r CodeReview
	var versionID int64
	var groups, submitted, decided string
	err := tx.QueryRowContext(ctx, `SELECT `+codeReviewColumns+` FROM code_reviews r LEFT JOIN people p ON p.id = r.person_id
		WHERE `+cond, args...).Scan(&r.ID, &r.AccountID, &versionID, &groups, &r.Status, &r.Reason, &r.SubmittedBy, &submitted, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return CodeReview{}, ErrNotFound
	} else if err != nil {
		return CodeReview{}, fmt.Errorf("code review: %w", err)
	}
	if err := json.Unmarshal([]byte(groups), &r.Groups); err != nil {
		return CodeReview{}, fmt.Errorf("groups of review %d: %w", r.ID, err)
	}
	r.SubmittedAt, r.DecidedAt = parseTime(submitted), parseTime(decided)
	r.Version, err = versionTx(ctx, tx, r.AccountID, versionID)
	return r, err
}

// reviewSlotTx is the account's review in the slot (pending, approved or rejected), or ErrNotFound.
func reviewSlotTx(ctx context.Context, tx *sql.Tx, accountID int64) (CodeReview, error) {
	return codeReviewTx(ctx, tx, `r.account_id = ? AND r.status IN ('pending', 'approved', 'rejected')`, accountID)
}

// missingInfoTx lists what of the basic info a submission still needs.
func missingInfoTx(ctx context.Context, tx *sql.Tx, accountID int64) ([]string, error) {
	var name, intro string
	var icon, approved bool
	err := tx.QueryRowContext(ctx, `SELECT a.name, a.intro, EXISTS (SELECT 1 FROM icons i WHERE i.account_id = a.id),
		EXISTS (SELECT 1 FROM account_categories c WHERE c.account_id = a.id AND c.status = 'approved')
		FROM accounts a WHERE a.id = ?`, accountID).Scan(&name, &intro, &icon, &approved)
	if err != nil {
		return nil, fmt.Errorf("basic info of %d: %w", accountID, err)
	}
	var missing []string
	for _, m := range []struct {
		item string
		ok   bool
	}{{"name", name != ""}, {"icon", icon}, {"intro", intro != ""}, {"category", approved}} {
		if !m.ok {
			missing = append(missing, m.item)
		}
	}
	return missing, nil
}

// checkGroups turns the typed groups into what is stored. Blank groups (an unused row of the
// form) are dropped. Field keys carry the group's index among those typed: "page.0",
// "category.0", "tags.0"; "pages" holds review_groups.
func checkGroups(typed []PageGroup, approved []AccountCategory, pages []string) ([]ReviewGroup, error) {
	p := Problems{}
	out := []ReviewGroup{}
	used := 0
	for i, g := range typed {
		page, tags := strings.TrimSpace(g.Page), strings.Fields(g.Tags)
		if page == "" && g.CategoryID == 0 && len(tags) == 0 {
			continue
		}
		used++
		n := strconv.Itoa(i)
		if page == "" || (pages != nil && !slices.Contains(pages, page)) {
			p.Add("page."+n, "page_invalid")
		}
		c := slices.IndexFunc(approved, func(c AccountCategory) bool { return c.ID == g.CategoryID })
		if c < 0 {
			p.Add("category."+n, "category_invalid")
		}
		for _, t := range tags {
			if utf8.RuneCountInString(t) > MaxTagRunes {
				p.Add("tags."+n, "tags_invalid")
			}
		}
		if c >= 0 {
			out = append(out, ReviewGroup{Page: page, First: approved[c].First, Second: approved[c].Second, Tags: tags})
		}
	}
	if used > MaxReviewGroups {
		p.Add("pages", "review_groups")
	}
	return out, p.Err()
}

// SubmitReview submits one of the account's development versions (or the trial version)
// for review with its page groups. A review already in the slot — waiting, approved or
// rejected — is replaced (SPEC §12, real). Person must be allowed to release (ErrForbidden).
// Errors: *IncompleteError (basic_info_incomplete), review_groups, category_invalid,
// page_invalid (empty, or not a page of the package's app.json when the version has a
// package), tags_invalid.
func (s *Store) SubmitReview(ctx context.Context, accountID, personID, versionID int64, groups []PageGroup) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActRelease); err != nil {
			return err
		}
		v, err := versionTx(ctx, tx, accountID, versionID)
		if err != nil {
			return err
		}
		if !v.Dev && !v.Trial {
			return ErrNotFound
		}
		missing, err := missingInfoTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if len(missing) > 0 {
			return &IncompleteError{Missing: missing}
		}
		cats, err := categoriesTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		cats = slices.DeleteFunc(cats, func(c AccountCategory) bool { return c.Status != CategoryApproved })
		var pages []string
		if v.Package != nil {
			pages = v.Package.Pages
		}
		stored, err := checkGroups(groups, cats, pages)
		if err != nil {
			return err
		}
		now := fmtTime(s.nowFor(accountID))
		var replaced int64
		err = tx.QueryRowContext(ctx, `UPDATE code_reviews SET status = 'replaced', closed_at = ? WHERE account_id = ?
			AND status IN ('pending', 'approved', 'rejected') RETURNING version_id`, now, accountID).Scan(&replaced)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("replace review of %d: %w", accountID, err)
		}
		js, _ := json.Marshal(stored)
		if _, err := tx.ExecContext(ctx, `INSERT INTO code_reviews (account_id, version_id, groups, status, person_id, submitted_at)
			VALUES (?, ?, ?, 'pending', ?, ?)`, accountID, versionID, string(js), personID, now); err != nil {
			return fmt.Errorf("submit version %d: %w", versionID, err)
		}
		if err := dropVersionIfUnused(ctx, tx, replaced); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opReviewSubmitted, v.Version, "")
	})
}

// WithdrawReview takes the waiting review back: at most 5 a day and 10 a month
// (withdraw_quota). ErrConflict when nothing waits.
func (s *Store) WithdrawReview(ctx context.Context, accountID, personID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := mayTx(ctx, tx, accountID, personID, ActRelease); err != nil {
			return err
		}
		r, err := codeReviewTx(ctx, tx, `r.account_id = ? AND r.status = 'pending'`, accountID)
		if errors.Is(err, ErrNotFound) {
			return ErrConflict
		} else if err != nil {
			return err
		}
		if left, err := s.withdrawsLeftTx(ctx, tx, accountID); err != nil {
			return err
		} else if left == 0 {
			return invalid("", "withdraw_quota")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE code_reviews SET status = 'withdrawn', closed_at = ? WHERE id = ?`, fmtTime(s.nowFor(accountID)), r.ID); err != nil {
			return fmt.Errorf("withdraw review %d: %w", r.ID, err)
		}
		if err := dropVersionIfUnused(ctx, tx, r.Version.ID); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opReviewWithdrawn, r.Version.Version, "")
	})
}

// withdrawsLeftTx is how many withdrawals the day's and the month's quotas still allow.
func (s *Store) withdrawsLeftTx(ctx context.Context, tx *sql.Tx, accountID int64) (int, error) {
	now := s.nowFor(accountID)
	y, m, _ := now.In(CalendarZone).Date()
	month := time.Date(y, m, 1, 0, 0, 0, 0, CalendarZone)
	var day, inMonth int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE closed_at >= ?2), count(*) FROM code_reviews
		WHERE account_id = ?1 AND status = 'withdrawn' AND closed_at >= ?3`, accountID, fmtTime(dayStart(now)), fmtTime(month)).Scan(&day, &inMonth)
	if err != nil {
		return 0, fmt.Errorf("count withdrawals of %d: %w", accountID, err)
	}
	return max(0, min(WithdrawsPerDay-day, WithdrawsPerMonth-inMonth)), nil
}
