package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The two session surfaces: one cookie each, so a browser can be signed in to the console
// and to the simulated WeChat as different people (SPEC §3).
const (
	SurfaceConsole = "console"
	SurfaceWx      = "wx"
)

// Why someone else ended a console session: its browser's sign-in page says so.
const (
	SessionEndPassword  = "password"  // the account's password was changed
	SessionEndRemoved   = "removed"   // the person was removed from the project members
	SessionEndTransfer  = "transfer"  // the person handed the administrator role on
	SessionEndElsewhere = "elsewhere" // signed out from another browser's sessions page
)

// SessionEnded is LoadSession's answer for a session someone else ended; it counts as
// ErrNotFound for callers that only need to know the session is gone.
type SessionEnded struct{ Reason string }

func (e SessionEnded) Error() string { return "session ended: " + e.Reason }

// Is makes a SessionEnded an ErrNotFound to errors.Is.
func (e SessionEnded) Is(target error) bool { return target == ErrNotFound }

// SessionLimits are the timeouts of every session: Idle since its last request, Max since
// it was created.
type SessionLimits struct {
	Idle, Max time.Duration
}

// sessionTouchEvery is how stale last_seen_at may get before a request writes it again, so
// that a click is not a write.
const sessionTouchEvery = time.Minute

// Session is one browser's session row. Data is the web layer's encoded values; the store
// reads only the columns it lists and deletes by.
type Session struct {
	ID         int64 // the row, as the sessions page names it (never the cookie's id)
	Surface    string
	AccountID  int64 // the account signed in to (console), or 0
	PersonID   int64 // who is signed in, or 0
	Data       []byte
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool   // the browser that asked for the list
	Ended      string // why someone else ended it (a SessionEnd reason), or ""
}

const sessionColumns = `id, surface, COALESCE(account_id, 0), COALESCE(person_id, 0), data, user_agent, ip, created_at, last_seen_at, ended`

func scanSession(row interface{ Scan(...any) error }) (Session, error) {
	var ss Session
	var created, seen string
	err := row.Scan(&ss.ID, &ss.Surface, &ss.AccountID, &ss.PersonID, &ss.Data, &ss.UserAgent, &ss.IP, &created, &seen, &ss.Ended)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	} else if err != nil {
		return Session{}, err
	}
	ss.CreatedAt, ss.LastSeenAt = parseTime(created), parseTime(seen)
	return ss, nil
}

func (lim SessionLimits) expired(ss Session, now time.Time) bool {
	return !now.Before(ss.LastSeenAt.Add(lim.Idle)) || !now.Before(ss.CreatedAt.Add(lim.Max))
}

// LoadSession finds the session of the cookie id: ErrNotFound when there is none, or it
// timed out (then its row is deleted); SessionEnded, once, when someone else ended it. A
// session last seen over a minute ago is stamped with now and the browser's agent and
// address; more recent ones are only read.
func (s *Store) LoadSession(ctx context.Context, id string, lim SessionLimits, agent, ip string) (Session, error) {
	ss, err := scanSession(s.read.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id_hash = ?`, HashToken(id)))
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	if ss.Ended != "" && !lim.expired(ss, now) {
		if err := s.DeleteSession(ctx, id); err != nil {
			return Session{}, err
		}
		return Session{}, SessionEnded{Reason: ss.Ended}
	}
	if lim.expired(ss, now) {
		if err := s.DeleteSession(ctx, id); err != nil {
			return Session{}, err
		}
		return Session{}, ErrNotFound
	}
	if now.Sub(ss.LastSeenAt) >= sessionTouchEvery {
		err := s.withTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, user_agent = ?, ip = ? WHERE id = ?`, fmtTime(now), agent, ip, ss.ID)
			return err
		})
		if err != nil {
			return Session{}, fmt.Errorf("touch session: %w", err)
		}
		ss.LastSeenAt, ss.UserAgent, ss.IP = now, agent, ip
	}
	return ss, nil
}

// CreateSession stores a new session under the cookie id, and deletes the sessions that
// have timed out (so the table does not grow with time alone).
func (s *Store) CreateSession(ctx context.Context, id string, ss Session, lim SessionLimits) error {
	now := s.now()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?`,
			fmtTime(now.Add(-lim.Idle)), fmtTime(now.Add(-lim.Max))); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, surface, account_id, person_id, data, user_agent, ip, created_at, last_seen_at)
			VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?)`,
			HashToken(id), ss.Surface, ss.AccountID, ss.PersonID, ss.Data, ss.UserAgent, ss.IP, fmtTime(now), fmtTime(now))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// UpdateSession writes a session's values back. It never brings back a session that was
// ended meanwhile (logout elsewhere, password change, removal): it reports false then.
func (s *Store) UpdateSession(ctx context.Context, id string, ss Session) (bool, error) {
	var found bool
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET account_id = NULLIF(?, 0), person_id = NULLIF(?, 0), data = ?, last_seen_at = ?
			WHERE id_hash = ? AND ended = ''`, ss.AccountID, ss.PersonID, ss.Data, fmtTime(s.now()), HashToken(id))
		if err != nil {
			return fmt.Errorf("update session: %w", err)
		}
		n, _ := res.RowsAffected()
		found = n > 0
		return nil
	})
	return found, err
}

// DeleteSession ends the session of the cookie id.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, HashToken(id))
		return err
	})
}

// MemberSessions lists the browsers where person is signed in to the console of account,
// most recently used first; current is the asking browser's cookie id.
func (s *Store) MemberSessions(ctx context.Context, accountID, personID int64, current string) ([]Session, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+sessionColumns+`, id_hash = ? FROM sessions
		WHERE surface = 'console' AND account_id = ? AND person_id = ? ORDER BY last_seen_at DESC, id DESC`, HashToken(current), accountID, personID)
	if err != nil {
		return nil, fmt.Errorf("sessions of %d in %d: %w", personID, accountID, err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var ss Session
		var created, seen string
		if err := rows.Scan(&ss.ID, &ss.Surface, &ss.AccountID, &ss.PersonID, &ss.Data, &ss.UserAgent, &ss.IP, &created, &seen, &ss.Ended, &ss.Current); err != nil {
			return nil, err
		}
		ss.CreatedAt, ss.LastSeenAt = parseTime(created), parseTime(seen)
		out = append(out, ss)
	}
	return out, rows.Err()
}

// EndMemberSession signs out one of person's console browsers in account (by its row id);
// anyone else's session is ErrNotFound.
func (s *Store) EndMemberSession(ctx context.Context, accountID, personID, sessionID int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET `+endSession+` WHERE id = ? AND surface = 'console' AND account_id = ? AND person_id = ?`,
			SessionEndElsewhere, sessionID, accountID, personID)
		if err != nil {
			return fmt.Errorf("end session %d: %w", sessionID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// EndOtherMemberSessions signs out every console browser of person in account but the one
// with cookie id keep.
func (s *Store) EndOtherMemberSessions(ctx context.Context, accountID, personID int64, keep string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		return endConsoleSessions(ctx, tx, accountID, personID, keep, SessionEndElsewhere)
	})
}

// endSession empties a session row and says why it ended (the first parameter): nothing of
// it is left to sign in with, and its browser is told why on its next request.
const endSession = `ended = ?, account_id = NULL, person_id = NULL, data = x''`

// endConsoleSessions ends the console sessions of account (of person only, unless 0),
// except the one with cookie id keep (""), for reason (a SessionEnd). The password change,
// member removal and the administrator transfer call it inside their own transaction.
func endConsoleSessions(ctx context.Context, tx *sql.Tx, accountID, personID int64, keep, reason string) error {
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET `+endSession+` WHERE surface = 'console' AND account_id = ?
		AND (? = 0 OR person_id = ?) AND id_hash <> ?`, reason, accountID, personID, personID, HashToken(keep))
	if err != nil {
		return fmt.Errorf("end sessions in %d: %w", accountID, err)
	}
	return nil
}
