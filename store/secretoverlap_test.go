package store

import (
	"context"
	"testing"
	"time"
)

// A secret's "last used" is written at most once a minute (secretUseEvery): calls within
// the minute add no write, so the busy API path stays as it was; a refused call does not
// count as a use.
func TestSecretLastUsedOncePerMinute(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	lastUsed := func() string {
		t.Helper()
		var v string
		if err := e.st.read.QueryRowContext(ctx, `SELECT COALESCE(last_used_at, '') FROM app_secrets WHERE account_id = ?`, e.acct.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if lastUsed() != "" {
		t.Fatal("a new secret counts as used")
	}
	_, err := e.st.IssueAccessToken(ctx, e.call(), 2000)
	must(t, err)
	first := lastUsed()
	if !parseTime(first).Equal(e.clock.Now()) {
		t.Fatalf("last used %s, want %s", first, e.clock.Now())
	}
	e.clock.Advance(59 * time.Second)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 2000)
	must(t, err)
	if lastUsed() != first {
		t.Fatalf("a use within the minute was written: %s", lastUsed())
	}
	e.clock.Advance(time.Second)
	if _, err := e.st.IssueAccessToken(ctx, e.call(), 2); err == nil {
		t.Fatal("the quota of 2 let a third token through")
	}
	if lastUsed() != first {
		t.Fatalf("a refused call counted as a use: %s", lastUsed())
	}
	_, err = e.st.IssueAccessToken(ctx, e.call(), 2000)
	must(t, err)
	if !parseTime(lastUsed()).Equal(e.clock.Now()) {
		t.Fatalf("a use a minute later was not written: %s", lastUsed())
	}
}

// The overlap is a whole number of hours from 0 to 24; empty means 0.
func TestParseOverlapHours(t *testing.T) {
	for in, want := range map[string]int{"": 0, "0": 0, "24": 24, " 3 ": 3} {
		if got, err := ParseOverlapHours(in); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"25", "-1", "2.5", "x", "1e1"} {
		_, err := ParseOverlapHours(in)
		wantCode(t, err, "overlap_hours", "overlap_hours_invalid")
	}
}
