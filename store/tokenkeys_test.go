package store

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Plain tokens are stored under keys that count up, so each new row extends the end of
// the key's index; a key holds the token's SHA-256, never the token, and every token is
// still 86 characters of [A-Za-z0-9_-] and works.
func TestPlainTokenKeysCountUp(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	shape := regexp.MustCompile(`^[A-Za-z0-9_-]{86}$`)
	var last string
	for i := range 8 {
		tok, err := e.st.IssueAccessToken(ctx, e.call(), 10)
		must(t, err)
		if !shape.MatchString(tok.Token) {
			t.Fatalf("token %d is %q, want 86 characters of [A-Za-z0-9_-]", i, tok.Token)
		}
		if id, err := e.st.CheckAccessToken(ctx, tok.Token); err != nil || id != e.acct.ID {
			t.Fatalf("token %d: account %d, %v", i, id, err)
		}
		var key string
		must(t, e.st.read.QueryRow(`SELECT token_hash FROM access_tokens WHERE kind = 'plain' ORDER BY id DESC LIMIT 1`).Scan(&key))
		if strings.Contains(key, tok.Token) || !strings.HasSuffix(key, HashToken(tok.Token)) {
			t.Fatalf("token %d is stored as %q", i, key)
		}
		if key <= last {
			t.Fatalf("token %d's key %q does not sort after the previous %q", i, key, last)
		}
		last = key
	}
}

// A token row written by an earlier version, under the token's plain hash, still names its
// account (stable tokens are stored so too).
func TestTokenRowsOfEarlierVersionsStillWork(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	old := strings.Repeat("Ab1_", 21) + "xy"
	now := e.st.nowFor(e.acct.ID)
	_, err := e.st.write.Exec(`INSERT INTO access_tokens (account_id, kind, token_hash, created_at, expires_at) VALUES (?, 'plain', ?, ?, ?)`,
		e.acct.ID, HashToken(old), fmtTime(now), fmtTime(now.Add(AccessTokenTTL)))
	must(t, err)
	if id, err := e.st.CheckAccessToken(ctx, old); err != nil || id != e.acct.ID {
		t.Fatalf("a token of an earlier version: account %d, %v", id, err)
	}
	stable, err := e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	if id, err := e.st.CheckAccessToken(ctx, stable.Token); err != nil || id != e.acct.ID {
		t.Fatalf("a stable token: account %d, %v", id, err)
	}
}

// A token's row is kept 25 hours after it expired (a day of force_refresh history), then
// deleted when the account next gets a token; that delete runs at most once a minute.
func TestExpiredTokenRowsKept25Hours(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	first, err := e.st.IssueAccessToken(ctx, e.call(), 100)
	must(t, err)
	rows := func() int {
		key, _ := tokenKeys(first.Token)
		return e.f.count(`SELECT count(*) FROM access_tokens WHERE token_hash = ?`, key)
	}
	e.advance(2*time.Hour + 25*time.Hour - time.Second) // expired 24:59:59 ago
	_, err = e.st.IssueAccessToken(ctx, e.call(), 100)
	must(t, err)
	if rows() != 1 {
		t.Fatal("a token's row was deleted before it had been expired 25 hours")
	}
	e.advance(2 * time.Second)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 100)
	must(t, err)
	if rows() != 1 {
		t.Fatal("expired tokens were deleted twice within a minute")
	}
	e.advance(time.Minute)
	_, err = e.st.IssueAccessToken(ctx, e.call(), 100)
	must(t, err)
	if rows() != 0 {
		t.Fatal("a token expired more than 25 hours ago is still stored a minute later")
	}
}
