package store

import (
	"context"
	"testing"
	"time"
)

// The one access-token check of SPEC §17: tokens of /cgi-bin/token and of stable_token
// both work; 42001 once a token ran its 7200 s, 40001 for an unknown token or one replaced
// more than 5 minutes ago (a plain token by a newer one, a stable one at once by
// force_refresh), all on the injected clock.
func TestCheckAccessTokenErrcodes(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	check := func(token string, want APIError) {
		t.Helper()
		id, err := e.st.CheckAccessToken(ctx, token)
		if want == 0 {
			if err != nil || id != e.acct.ID {
				t.Fatalf("token refused: %d, %v", id, err)
			}
			return
		}
		wantAPIError(t, err, want)
	}
	plain, err := e.st.IssueAccessToken(ctx, e.call(), 2000)
	must(t, err)
	stable, err := e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	check(plain.Token, 0)
	check(stable.Token, 0)
	check("", 40001)
	check("not-a-token", 40001)

	e.advance(7199 * time.Second)
	check(plain.Token, 0)
	check(stable.Token, 0)
	e.advance(time.Second)
	check(plain.Token, 42001)
	check(stable.Token, 42001)

	// A newer plain token leaves the previous one 5 minutes.
	first, err := e.st.IssueAccessToken(ctx, e.call(), 2000)
	must(t, err)
	second, err := e.st.IssueAccessToken(ctx, e.call(), 2000)
	must(t, err)
	e.advance(4*time.Minute + 59*time.Second)
	check(first.Token, 0)
	check(second.Token, 0)
	e.advance(time.Second)
	check(first.Token, 40001)
	check(second.Token, 0)

	// force_refresh ends the stable token at once; the plain tokens are not touched.
	current, err := e.st.StableAccessToken(ctx, e.call(), false)
	must(t, err)
	forced, err := e.st.StableAccessToken(ctx, e.call(), true)
	must(t, err)
	check(current.Token, 40001)
	check(forced.Token, 0)
	check(second.Token, 0)
}
