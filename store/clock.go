package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// ClockMaxOffset is how far ahead an account's clock may run: a year and a day covers every
// yearly quota and the authentication's yearly expiry.
const ClockMaxOffset = 366 * 24 * time.Hour

// clocks keeps every moved account's offset in memory: the API reads "now" on every call,
// and most accounts are never moved, so a lookup must not cost a query. The table is the
// truth; the map is loaded on Open and replaced after each committed move.
type clocks struct {
	mu sync.RWMutex
	m  map[int64]time.Duration
}

func (c *clocks) get(accountID int64) time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[accountID]
}

func (c *clocks) set(accountID int64, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d == 0 {
		delete(c.m, accountID)
	} else {
		c.m[accountID] = d
	}
}

// loadClocks reads every moved clock into memory.
func (s *Store) loadClocks(ctx context.Context) error {
	rows, err := s.read.QueryContext(ctx, `SELECT account_id, offset_ms FROM sandbox_clocks`)
	if err != nil {
		return fmt.Errorf("load clocks: %w", err)
	}
	defer rows.Close()
	m := map[int64]time.Duration{}
	for rows.Next() {
		var id, ms int64
		if err := rows.Scan(&id, &ms); err != nil {
			return err
		}
		m[id] = time.Duration(ms) * time.Millisecond
	}
	s.clocks.mu.Lock()
	s.clocks.m = m
	s.clocks.mu.Unlock()
	return rows.Err()
}

// nowFor is "now" for one account: the store clock plus the account's sandbox offset. It is
// the one place a rule of an account learns the time.
func (s *Store) nowFor(accountID int64) time.Time {
	return s.now().Add(s.clocks.get(accountID))
}

// NowFor is the account's time for pages that show it (the moved-clock banner, dates).
func (s *Store) NowFor(accountID int64) time.Time { return s.nowFor(accountID) }

// ClocksMoved tells whether any account's clock is moved: when none is, a page need not
// look up whose clock to show (as FaultsActive spares the API its fault lookup).
func (s *Store) ClocksMoved() bool {
	s.clocks.mu.RLock()
	defer s.clocks.mu.RUnlock()
	return len(s.clocks.m) > 0
}

// ClockOffset is how far the account's clock runs ahead; 0 when it is not moved.
func (s *Store) ClockOffset(accountID int64) time.Duration { return s.clocks.get(accountID) }

// AdvanceClock moves the account's clock ahead by d (a minute at least), up to
// ClockMaxOffset ahead of the wall clock in all; personID (0: the platform) is who moved it,
// for the operation log.
func (s *Store) AdvanceClock(ctx context.Context, accountID, personID int64, d time.Duration) error {
	if d < time.Minute {
		return Problems{"advance": "clock_advance"}.Err()
	}
	return s.setClock(ctx, accountID, personID, func(cur time.Duration) time.Duration { return cur + d })
}

// ClockToNextMidnight moves the account's clock to the next 00:00 in China time after its
// current time.
func (s *Store) ClockToNextMidnight(ctx context.Context, accountID, personID int64) error {
	return s.setClock(ctx, accountID, personID, func(cur time.Duration) time.Duration {
		wall := s.now()
		y, m, d := wall.Add(cur).In(CalendarZone).Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, CalendarZone).Sub(wall)
	})
}

// clockStamp is a time of an account's clock as the operation log summarizes it, in China
// time to the minute like every time the console shows.
func clockStamp(t time.Time) string { return t.In(CalendarZone).Format("2006-01-02 15:04") }

// ResetClock puts the account back on the wall clock.
func (s *Store) ResetClock(ctx context.Context, accountID, personID int64) error {
	return s.setClock(ctx, accountID, personID, func(time.Duration) time.Duration { return 0 })
}

// setClock stores the offset next computes from the current one, refusing one beyond
// ClockMaxOffset, logs the move as the account's time before → after, and publishes the
// offset to the in-memory map once committed.
func (s *Store) setClock(ctx context.Context, accountID, personID int64, next func(time.Duration) time.Duration) error {
	var off time.Duration
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var ms int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT offset_ms FROM sandbox_clocks WHERE account_id = ?), 0)`, accountID).Scan(&ms); err != nil {
			return fmt.Errorf("clock of %d: %w", accountID, err)
		}
		cur := time.Duration(ms) * time.Millisecond
		off = next(cur).Truncate(time.Millisecond)
		if off > ClockMaxOffset {
			return Problems{"advance": "clock_too_far"}.Err()
		}
		off = max(off, 0)
		if off == cur {
			return nil // nothing moves, nothing to log
		}
		action, wall := opClockMoved, s.now()
		if off == 0 {
			action = opClockReset
		}
		if err := s.logOp(ctx, tx, accountID, personID, action, "", change(clockStamp(wall.Add(cur)), clockStamp(wall.Add(off)))); err != nil {
			return err
		}
		if off == 0 {
			_, err := tx.ExecContext(ctx, `DELETE FROM sandbox_clocks WHERE account_id = ?`, accountID)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sandbox_clocks (account_id, offset_ms, moved_at) VALUES (?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET offset_ms = excluded.offset_ms, moved_at = excluded.moved_at`,
			accountID, off.Milliseconds(), fmtTime(s.now()))
		return err
	})
	if err != nil {
		return err
	}
	s.clocks.set(accountID, off)
	return nil
}
