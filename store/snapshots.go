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

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Snapshots of an account's sandbox state (SPEC §18): the people its automation API
// created, its members, versions (with their reviews and releases), message templates and
// subscriptions, its clock and its fault rules — never its AppSecret or keys. A snapshot
// copies the rows as they are, so a restore puts back exactly those rows, ids included.

// snapTable is one table of the sandbox state: where picks the account's rows (?1 is the
// account), in the order restore inserts them.
type snapTable struct {
	name, where string
	// mode says how restore treats the table: "replace" deletes the account's rows and
	// inserts the snapshot's; "people" and "packages" are explained in restoreTx.
	mode string
}

// snapTables lists the tables in insert order (parents first); restore deletes in reverse.
var snapTables = []snapTable{
	{"people", "id IN (SELECT person_id FROM sandbox_people WHERE account_id = ?1)", "people"},
	{"sandbox_people", "account_id = ?1", "replace"},
	{"members", "account_id = ?1", "replace"},
	{"packages", "sha256 IN (SELECT package FROM versions WHERE account_id = ?1)", "packages"},
	{"versions", "account_id = ?1", "replace"},
	{"code_reviews", "account_id = ?1", "replace"},
	{"releases", "account_id = ?1", "replace"},
	{"message_templates", "account_id = ?1", "replace"},
	{"message_grants", "template_id IN (SELECT id FROM message_templates WHERE account_id = ?1)", "replace"},
	{"sandbox_clocks", "account_id = ?1", "replace"},
	{"fault_rules", "account_id = ?1", "replace"},
}

// cell is one SQLite value, typed, so JSON gives back exactly what was read.
type cell struct {
	I *int64   `json:"i,omitempty"`
	F *float64 `json:"f,omitempty"`
	S *string  `json:"s,omitempty"`
	B *[]byte  `json:"b,omitempty"`
}

func cellOf(v any) (cell, error) {
	switch t := v.(type) {
	case nil:
		return cell{}, nil
	case int64:
		return cell{I: &t}, nil
	case float64:
		return cell{F: &t}, nil
	case string:
		return cell{S: &t}, nil
	case []byte:
		return cell{B: &t}, nil
	}
	return cell{}, fmt.Errorf("snapshot: unexpected value %T", v)
}

func (c cell) value() any {
	switch {
	case c.I != nil:
		return *c.I
	case c.F != nil:
		return *c.F
	case c.S != nil:
		return *c.S
	case c.B != nil:
		return *c.B
	}
	return nil
}

// tableRows are one table's rows in a snapshot.
type tableRows struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
	Rows    [][]cell `json:"rows"`
}

// Snapshot is a stored snapshot as the API names it.
type Snapshot struct {
	ID        int64
	CreatedAt time.Time
}

// SnapshotKeep is how many snapshots an account keeps: a CI job that snapshots on every
// run must not grow the database without end, so making one more deletes the oldest.
const SnapshotKeep = 50

// CreateSnapshot copies the account's sandbox state, read and stored in one transaction,
// and deletes the account's snapshots older than its newest SnapshotKeep.
func (s *Store) CreateSnapshot(ctx context.Context, accountID int64) (Snapshot, error) {
	out := Snapshot{CreatedAt: s.nowFor(accountID)}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var state []tableRows
		for _, t := range snapTables {
			tr, err := readTable(ctx, tx, t, accountID)
			if err != nil {
				return err
			}
			state = append(state, tr)
		}
		b, err := json.Marshal(state)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO sandbox_snapshots (account_id, created_at, state) VALUES (?, ?, ?) RETURNING id`,
			accountID, fmtTime(out.CreatedAt), string(b)).Scan(&out.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sandbox_snapshots WHERE account_id = ?1 AND id NOT IN
			(SELECT id FROM sandbox_snapshots WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2)`, accountID, SnapshotKeep)
		return err
	})
	return out, err
}

func readTable(ctx context.Context, tx *sql.Tx, t snapTable, accountID int64) (tableRows, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+t.name+` WHERE `+t.where+` ORDER BY rowid`, accountID)
	if err != nil {
		return tableRows{}, fmt.Errorf("snapshot %s: %w", t.name, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return tableRows{}, err
	}
	out := tableRows{Table: t.name, Columns: cols, Rows: [][]cell{}}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return tableRows{}, err
		}
		row := make([]cell, len(cols))
		for i, v := range vals {
			if row[i], err = cellOf(v); err != nil {
				return tableRows{}, err
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out, rows.Err()
}

// RestoreSnapshot puts the account's sandbox state back as snapshot id held it, in one
// transaction, then reloads the clocks and the fault-rule count the API reads from memory.
// ErrNotFound for another account's snapshot.
func (s *Store) RestoreSnapshot(ctx context.Context, accountID, id int64) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var raw string
		err := tx.QueryRowContext(ctx, `SELECT state FROM sandbox_snapshots WHERE id = ? AND account_id = ?`, id, accountID).Scan(&raw)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("snapshot %d: %w", id, err)
		}
		var state []tableRows
		if err := json.Unmarshal([]byte(raw), &state); err != nil {
			return fmt.Errorf("snapshot %d: %w", id, err)
		}
		if err := s.restoreTx(ctx, tx, accountID, state); err != nil {
			return err
		}
		return s.logOp(ctx, tx, accountID, 0, opSandboxRestored, "#"+strconv.FormatInt(id, 10), "")
	})
	if err != nil {
		return err
	}
	if err := s.loadClocks(ctx); err != nil {
		return err
	}
	return s.countFaultRules(ctx)
}

// isForeignKey tells whether err is SQLite refusing to delete a row others still name.
func isForeignKey(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// restoreTx deletes the account's rows of the "replace" tables, children first, and
// inserts the snapshot's. People are shared with other accounts' member lists, so only
// those this account's API created after the snapshot are deleted; the others are updated
// in place — unless such a person has since acted somewhere that keeps their name (the
// operation log, a version they uploaded): then nothing is restored (snapshot_people_in_use
// on "id"). Packages are shared by content: a missing one is put back, none is deleted.
func (s *Store) restoreTx(ctx context.Context, tx *sql.Tx, accountID int64, state []tableRows) error {
	keep := []int64{}
	for _, tr := range state {
		col := slices.Index(tr.Columns, "id")
		if tr.Table != "people" || col < 0 {
			continue
		}
		for _, r := range tr.Rows {
			if r[col].I != nil {
				keep = append(keep, *r[col].I)
			}
		}
	}
	ids, _ := json.Marshal(keep)
	if _, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id IN (SELECT person_id FROM sandbox_people WHERE account_id = ?)
		AND id NOT IN (SELECT value FROM json_each(?))`, accountID, string(ids)); isForeignKey(err) {
		return invalid("id", "snapshot_people_in_use")
	} else if err != nil {
		return fmt.Errorf("restore: people made since: %w", err)
	}
	for i := len(snapTables) - 1; i >= 0; i-- {
		if t := snapTables[i]; t.mode == "replace" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.name+` WHERE `+t.where, accountID); err != nil {
				return fmt.Errorf("restore: clear %s: %w", t.name, err)
			}
		}
	}
	for _, tr := range state {
		if err := insertRows(ctx, tx, tr, modeOf(tr.Table)); err != nil {
			return err
		}
	}
	return nil
}

func modeOf(table string) string {
	for _, t := range snapTables {
		if t.name == table {
			return t.mode
		}
	}
	return ""
}

// insertRows inserts a table's snapshot rows: people as an upsert on id, packages only
// when missing, the rest plainly (their rows were deleted).
func insertRows(ctx context.Context, tx *sql.Tx, tr tableRows, mode string) error {
	if len(tr.Rows) == 0 {
		return nil
	}
	q := `INSERT INTO ` + tr.Table + ` (` + strings.Join(tr.Columns, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(tr.Columns)-1) + `)`
	switch mode {
	case "people":
		sets := make([]string, 0, len(tr.Columns))
		for _, c := range tr.Columns[1:] {
			sets = append(sets, c+" = excluded."+c)
		}
		q += ` ON CONFLICT (id) DO UPDATE SET ` + strings.Join(sets, ", ")
	case "packages":
		q += ` ON CONFLICT DO NOTHING`
	}
	for _, r := range tr.Rows {
		args := make([]any, len(r))
		for i, c := range r {
			args[i] = c.value()
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("restore %s: %w", tr.Table, err)
		}
	}
	return nil
}
