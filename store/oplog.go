package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Actor is who changed something in an account: a person, a CI robot (1–30) uploading with
// the code-upload key, or — the zero Actor — the platform (ops decisions, automatic steps).
type Actor struct {
	PersonID int64
	Robot    int
}

// ByPerson is the Actor for a person.
func ByPerson(personID int64) Actor { return Actor{PersonID: personID} }

// ByRobot is the Actor for CI robot n.
func ByRobot(n int) Actor { return Actor{Robot: n} }

// LogEntry is one line of an account's operation log.
type LogEntry struct {
	ID       int64
	PersonID int64
	WechatID string
	Robot    int    // the CI robot that acted (0: a person or the platform)
	Action   string // catalog suffix, e.g. "name_set"
	Detail   string
	At       time.Time
}

// logOp records a change in the same transaction that makes it, so the log never says
// something happened that did not (or misses something that did). personID 0 is the
// platform (ops) or the system.
func (s *Store) logOp(ctx context.Context, tx *sql.Tx, accountID, personID int64, action, detail string) error {
	return s.logActor(ctx, tx, accountID, ByPerson(personID), action, detail, s.now())
}

// logActor is logOp for any actor, at a given time: a step the platform takes by itself (a
// phased release turning full after 15 days) is logged when it took effect, not when noticed.
func (s *Store) logActor(ctx context.Context, tx *sql.Tx, accountID int64, a Actor, action, detail string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO oplog (account_id, person_id, robot, action, detail, at) VALUES (?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?)`,
		accountID, a.PersonID, a.Robot, action, detail, fmtTime(at))
	if err != nil {
		return fmt.Errorf("log %s on %d: %w", action, accountID, err)
	}
	return nil
}

// OpLog lists an account's operation log, newest first, limit entries from offset.
func (s *Store) OpLog(ctx context.Context, accountID int64, limit, offset int) ([]LogEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT l.id, COALESCE(l.person_id, 0), COALESCE(p.wechat_id, ''), COALESCE(l.robot, 0), l.action, l.detail, l.at
		FROM oplog l LEFT JOIN people p ON p.id = l.person_id WHERE l.account_id = ? ORDER BY l.id DESC LIMIT ? OFFSET ?`, accountID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("oplog of %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var at string
		if err := rows.Scan(&e.ID, &e.PersonID, &e.WechatID, &e.Robot, &e.Action, &e.Detail, &at); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
