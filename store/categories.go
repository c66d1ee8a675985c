package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Category review states.
const (
	CategoryApproved  = "approved"
	CategoryReviewing = "reviewing" // needs a qualification; waits for ops
	CategoryRejected  = "rejected"
)

// AccountCategory is one service category an account picked.
type AccountCategory struct {
	ID        int64
	AccountID int64
	First     string
	Second    string
	Status    string
	Reason    string // the reviewer's reason when rejected
	CreatedAt time.Time
}

const accountCategoryColumns = `id, account_id, first, second, status, reason, created_at`

func scanAccountCategory(row interface{ Scan(...any) error }) (AccountCategory, error) {
	var c AccountCategory
	var at string
	if err := row.Scan(&c.ID, &c.AccountID, &c.First, &c.Second, &c.Status, &c.Reason, &at); err != nil {
		return AccountCategory{}, err
	}
	c.CreatedAt = parseTime(at)
	return c, nil
}

func categoriesTx(ctx context.Context, tx *sql.Tx, accountID int64) ([]AccountCategory, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+accountCategoryColumns+` FROM account_categories WHERE account_id = ? ORDER BY id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("categories of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []AccountCategory
	for rows.Next() {
		c, err := scanAccountCategory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddCategory adds a service category from the built-in tree; a second level that is not
// under the chosen first level is a mismatch, not an unknown entry. Personal subjects cannot
// pick categories closed to them; at most MaxCategories count (rejected ones do not), and
// this is counted in the write transaction. A category needing a qualification waits in
// review until ops approve it.
func (s *Store) AddCategory(ctx context.Context, accountID, personID int64, first, second string) error {
	node, ok := CategoryByKey(second)
	switch {
	case first == "" || !categoryFirstKnown(first):
		return invalid("first", "category_invalid")
	case !ok:
		return invalid("second", "category_invalid")
	case node.First != first:
		return invalid("second", "category_mismatch")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		a, err := doneAccountTx(ctx, tx, accountID)
		if err != nil {
			return err
		}
		if a.Subject.Personal() && node.NotPersonal {
			return invalid("second", "category_not_allowed")
		}
		var dup, used int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE second = ?2), count(*) FILTER (WHERE status <> 'rejected')
			FROM account_categories WHERE account_id = ?1`, accountID, second).Scan(&dup, &used)
		if err != nil {
			return fmt.Errorf("count categories of %d: %w", accountID, err)
		}
		if dup > 0 {
			return invalid("second", "category_duplicate")
		}
		if used >= MaxCategories {
			return invalid("second", "category_quota")
		}
		status := CategoryApproved
		if node.Qualification {
			status = CategoryReviewing
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO account_categories (account_id, first, second, status, created_at) VALUES (?, ?, ?, ?, ?)`,
			accountID, first, second, status, fmtTime(s.nowFor(accountID)))
		if err != nil {
			return fmt.Errorf("add category %s to %d: %w", second, accountID, err)
		}
		return s.logOp(ctx, tx, accountID, personID, opCategoryAdded, second, status)
	})
}

func categoryFirstKnown(first string) bool {
	for _, g := range CategoryTree {
		if g.Key == first {
			return true
		}
	}
	return false
}

// DeleteCategory removes one of the account's categories (also one still in review).
func (s *Store) DeleteCategory(ctx context.Context, accountID, personID, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var second string
		err := tx.QueryRowContext(ctx, `DELETE FROM account_categories WHERE id = ? AND account_id = ? RETURNING second`, id, accountID).Scan(&second)
		if err := notFound(err, "delete category"); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, personID, opCategoryDeleted, second, "")
	})
}

// decideCategory applies an ops decision to a category in review.
func (s *Store) decideCategory(ctx context.Context, tx *sql.Tx, id int64, v verdict) (accountID int64, err error) {
	c, err := scanAccountCategory(tx.QueryRowContext(ctx, `SELECT `+accountCategoryColumns+` FROM account_categories WHERE id = ?`, id))
	if err := notFound(err, "category"); err != nil {
		return 0, err
	}
	if c.Status != CategoryReviewing {
		return 0, ErrConflict
	}
	if err := v.check(); err != nil {
		return 0, err
	}
	status, action := CategoryApproved, opCategoryApproved
	if !v.approve {
		status, action = CategoryRejected, opCategoryRejected
	}
	_, err = tx.ExecContext(ctx, `UPDATE account_categories SET status = ?, reason = ?, decided_at = ? WHERE id = ?`,
		status, v.reason, fmtTime(s.nowFor(c.AccountID)), id)
	if err != nil {
		return 0, fmt.Errorf("decide category %d: %w", id, err)
	}
	return c.AccountID, s.logOp(ctx, tx, c.AccountID, 0, action, c.Second, v.reason)
}
