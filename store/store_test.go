package store

import (
	"testing"
	"time"
)

// Stored times compare as text in SQL (expiry, windows), so their text must sort like the
// times themselves, whatever their fractions of a second.
func TestStoredTimesSortAsText(t *testing.T) {
	base := time.Date(2026, 3, 10, 9, 0, 5, 0, time.UTC)
	times := []time.Time{base, base.Add(100 * time.Millisecond), base.Add(123 * time.Millisecond), base.Add(time.Second)}
	for i := 1; i < len(times); i++ {
		a, b := fmtTime(times[i-1]), fmtTime(times[i])
		if a >= b {
			t.Errorf("%s sorts after %s", a, b)
		}
		if got := parseTime(b); !got.Equal(times[i]) {
			t.Errorf("parseTime(%s) = %v", b, got)
		}
	}
}
