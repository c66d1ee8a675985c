package store

import (
	"context"
	"database/sql"
	"fmt"
)

// renumberLegacy rewrites goose's version table of a database in the old numbering to the
// new numbers, in one transaction, before goose looks at it. Main once numbered its
// migrations 0001, 0004 (credentials), 0002 (basic info, which landed after 0004) and 0005
// (scans); goose refuses such a history ("missing (out-of-order) migration"), so they are
// now 0001–0004 in the order they landed: 4 → 2, 2 → 3, 5 → 4. A database is in the old
// numbering when version 4 is applied and version 3 is not: in the new numbering 4 never
// comes without 3, and the old numbering had no 3. A database made by the first main
// (version 1 only) needs no rewrite.
func renumberLegacy(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("renumber migrations: %w", err)
	}
	defer tx.Rollback()
	var tables int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'`).Scan(&tables); err != nil {
		return fmt.Errorf("renumber migrations: %w", err)
	}
	if tables == 0 {
		return nil
	}
	var legacy bool
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM goose_db_version WHERE version_id = 4 AND is_applied)
		AND NOT EXISTS (SELECT 1 FROM goose_db_version WHERE version_id = 3)`).Scan(&legacy)
	if err != nil {
		return fmt.Errorf("renumber migrations: %w", err)
	}
	if !legacy {
		return nil
	}
	// One statement, so 4 → 2 and 2 → 3 do not run into each other.
	if _, err := tx.ExecContext(ctx, `UPDATE goose_db_version SET version_id = CASE version_id
		WHEN 4 THEN 2 WHEN 2 THEN 3 WHEN 5 THEN 4 ELSE version_id END`); err != nil {
		return fmt.Errorf("renumber migrations: %w", err)
	}
	return tx.Commit()
}
