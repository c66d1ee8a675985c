package store

import (
	"context"
	"database/sql"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// Concurrent /cgi-bin/token calls share batches: the daily quota (45009) still holds
// exactly although the counts of a batch are kept in memory until it commits, a wrong
// secret (40125) undoes nothing of the calls around it, and every token that was answered
// is in the database with its call counted.
func TestGroupCommitTokenCalls(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	wrong := e.call()
	wrong.Secret = "0123456789abcdef0123456789abcdef"
	const quota = 30
	var mu sync.Mutex
	var tokens []string
	errs := map[APIError]int{}
	var wg sync.WaitGroup
	inOneBatch(t, e.st, 60, func() {
		for i := range 60 {
			wg.Go(func() {
				call := e.call()
				if i%3 == 0 {
					call = wrong
				}
				tok, err := e.st.IssueAccessToken(ctx, call, quota)
				mu.Lock()
				defer mu.Unlock()
				var code APIError
				switch {
				case err == nil:
					tokens = append(tokens, tok.Token)
				case errors.As(err, &code):
					errs[code]++
				default:
					t.Errorf("call %d: %v", i, err)
				}
			})
		}
	})
	wg.Wait()
	if len(tokens) != 30 || errs[APIDailyQuota] != 10 || errs[APIInvalidSecret] != 20 {
		t.Fatalf("%d tokens, refusals %v; want 30 tokens, 10 × 45009, 20 × 40125", len(tokens), errs)
	}
	for _, tok := range tokens {
		if id, err := e.st.CheckAccessToken(ctx, tok); err != nil || id != e.acct.ID {
			t.Fatalf("an answered token is not valid: %d %v", id, err)
		}
	}
	day := statsOn(t, e.st, e.acct.ID, PlatformDay(e.st.Now()))
	counted := map[string]int{}
	for _, c := range day.Calls {
		counted[c.Outcome] += c.Calls
	}
	if counted["ok"] != 30 || counted["45009"] != 10 || counted["40125"] != 20 {
		t.Fatalf("counted %v; want ok 30, 45009 10, 40125 20", counted)
	}
	if _, err := e.st.IssueAccessToken(ctx, e.call(), quota); !errors.Is(err, APIDailyQuota) {
		t.Fatalf("after the batches the quota is used up: %v", err)
	}
}

// A call that fails or panics inside a batch rolls back its own writes only; the panic
// reaches its caller, and the calls around it commit.
func TestGroupCommitRollsBackOneCall(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.st.write.ExecContext(ctx, `CREATE TABLE writer_probe (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	var wg sync.WaitGroup
	results := make([]any, 40)
	inOneBatch(t, f.st, 40, func() {
		for i := range 40 {
			wg.Go(func() {
				defer func() {
					if p := recover(); p != nil {
						results[i] = p
					}
				}()
				results[i] = f.st.withTx(ctx, func(tx *sql.Tx) error {
					if _, err := tx.ExecContext(ctx, `INSERT INTO writer_probe (n) VALUES (?)`, i); err != nil {
						return err
					}
					switch {
					case i == 7:
						panic("call 7")
					case i%4 == 0:
						return refused
					}
					return nil
				})
			})
		}
	})
	wg.Wait()
	for i, r := range results {
		want := any(nil)
		switch {
		case i == 7:
			want = "call 7"
		case i%4 == 0:
			want = refused
		}
		if r != want {
			t.Errorf("call %d answered %v, want %v", i, r, want)
		}
	}
	if n := f.count(`SELECT count(*) FROM writer_probe`); n != 29 {
		t.Fatalf("%d rows committed, want the 29 calls that succeeded", n)
	}
	if n := f.count(`SELECT count(*) FROM writer_probe WHERE n = 7 OR n % 4 = 0`); n != 0 {
		t.Fatalf("%d rows of failed calls were committed", n)
	}
}

// A caller whose context has ended gets its error and writes nothing.
func TestGroupCommitCancelled(t *testing.T) {
	e := newCredEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.st.IssueAccessToken(ctx, APICall{AppID: e.acct.AppID, Secret: e.secret, IP: netip.MustParseAddr("127.0.0.1")}, 10)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(statsOn(t, e.st, e.acct.ID, PlatformDay(e.st.Now())).Calls); n != 0 {
		t.Fatalf("a cancelled call was counted: %d counters", n)
	}
}

// inOneBatch has start queue n write calls while the lead is held, and the batch window
// lifted, so that they all run in one batch: the case the batch's rules are about.
func inOneBatch(t *testing.T, st *Store, n int, start func()) {
	t.Helper()
	w := st.wr
	w.window = time.Hour
	w.lead <- struct{}{}
	start()
	for queued := 0; queued < n; time.Sleep(time.Millisecond) {
		w.mu.Lock()
		queued = len(w.queue)
		w.mu.Unlock()
	}
	<-w.lead
}
