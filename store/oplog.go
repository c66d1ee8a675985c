package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LogEntry is one line of an account's operation log.
type LogEntry struct {
	ID       int64
	PersonID int64
	WechatID string
	Action   string // catalog suffix, e.g. "name_set"
	Detail   string
	At       time.Time
}

// logOp records a change in the same transaction that makes it, so the log never says
// something happened that did not (or misses something that did). personID 0 is the
// platform (ops) or the system.
func (s *Store) logOp(ctx context.Context, tx *sql.Tx, accountID, personID int64, action, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO oplog (account_id, person_id, action, detail, at) VALUES (?, NULLIF(?, 0), ?, ?, ?)`,
		accountID, personID, action, detail, fmtTime(s.now()))
	if err != nil {
		return fmt.Errorf("log %s on %d: %w", action, accountID, err)
	}
	return nil
}

// OpLog lists an account's operation log, newest first, limit entries from offset.
func (s *Store) OpLog(ctx context.Context, accountID int64, limit, offset int) ([]LogEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT l.id, COALESCE(l.person_id, 0), COALESCE(p.wechat_id, ''), l.action, l.detail, l.at
		FROM oplog l LEFT JOIN people p ON p.id = l.person_id WHERE l.account_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?`, accountID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("oplog of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var at string
		if err := rows.Scan(&e.ID, &e.PersonID, &e.WechatID, &e.Action, &e.Detail, &at); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
