package store

import (
	"errors"
	"testing"
	"time"
)

// The sandbox clock of one account moves ahead by a duration or to the next China-time
// midnight, at most 366 days, goes back to the wall clock on reset, leaves other accounts
// alone, and is read back from the database when the server starts.
func TestAccountClock(t *testing.T) {
	e := newCredEnv(t)
	ctx := t.Context()
	wall := e.clock.Now() // 2026-03-10 09:00 UTC = 17:00 China time
	if e.st.ClocksMoved() {
		t.Error("a clock is moved before any move")
	}
	must(t, e.st.AdvanceClock(ctx, e.acct.ID, 0, 2*time.Hour))
	if !e.st.ClocksMoved() {
		t.Error("no clock is moved after advancing one")
	}
	if got := e.st.NowFor(e.acct.ID); !got.Equal(wall.Add(2 * time.Hour)) {
		t.Errorf("after advancing 2 hours: %v, want %v", got, wall.Add(2*time.Hour))
	}
	if got := e.st.NowFor(e.acct.ID + 1); !got.Equal(wall) {
		t.Errorf("another account's clock moved: %v", got)
	}
	must(t, e.st.ClockToNextMidnight(ctx, e.acct.ID, 0))
	want := time.Date(2026, 3, 11, 0, 0, 0, 0, CalendarZone)
	if got := e.st.NowFor(e.acct.ID); !got.Equal(want) {
		t.Errorf("to tomorrow 00:00: %v, want %v", got, want)
	}
	var v *ValidationError
	if err := e.st.AdvanceClock(ctx, e.acct.ID, 0, 30*time.Second); !errors.As(err, &v) || v.Fields["advance"] != "clock_advance" {
		t.Errorf("advancing 30 s: %v, want clock_advance", err)
	}
	if err := e.st.AdvanceClock(ctx, e.acct.ID, 0, 366*24*time.Hour); !errors.As(err, &v) || v.Fields["advance"] != "clock_too_far" {
		t.Errorf("beyond 366 days ahead: %v, want clock_too_far", err)
	}
	if got := e.st.NowFor(e.acct.ID); !got.Equal(want) {
		t.Errorf("a refused move changed the clock: %v", got)
	}
	e.st.clocks = &clocks{m: map[int64]time.Duration{}} // as a new process starts
	must(t, e.st.loadClocks(ctx))
	if got := e.st.NowFor(e.acct.ID); !got.Equal(want) {
		t.Errorf("after loading the clocks again: %v, want %v", got, want)
	}
	must(t, e.st.ResetClock(ctx, e.acct.ID, 0))
	if e.st.ClocksMoved() {
		t.Error("a clock is still moved after the only one was reset")
	}
	if got, off := e.st.NowFor(e.acct.ID), e.st.ClockOffset(e.acct.ID); !got.Equal(wall) || off != 0 {
		t.Errorf("after reset: %v (offset %v), want the wall clock", got, off)
	}
}
