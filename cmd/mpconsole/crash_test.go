package main

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mpconsole/store"
)

// crashKey is the master key the crashed server and the test share.
const crashKey = "crash-test-master-key-0123456789abcdef"

// The built server, killed with SIGKILL while 16 clients call /cgi-bin/token and
// /sns/jscode2session: every call that was answered is in the database afterwards (the
// token valid, the js_code spent, the call counted), since a write is answered only once
// its batch committed (issue 9, item 3).
func TestAnsweredCallsSurviveSIGKILL(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mpconsole")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "mp.db")
	load, secret, codes := crashFixture(t, db)

	addr := freeAddr(t)
	srv := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--token-daily-quota", "1000000000")
	srv.Env = append(os.Environ(), "MPCONSOLE_SECRET_KEY="+crashKey)
	srv.Stdout, srv.Stderr = nil, nil
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	base := "http://" + addr
	waitUp(t, base)

	api := url.Values{"appid": {load.AppID}, "secret": {secret}}
	var mu sync.Mutex
	var tokens, spent []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			hc := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if w%2 == 0 {
					if tok := apiGet(hc, base+"/cgi-bin/token?grant_type=client_credential&"+api.Encode(), "access_token"); tok != "" {
						mu.Lock()
						tokens = append(tokens, tok)
						mu.Unlock()
					}
					continue
				}
				if i*8+w/2 >= len(codes) {
					return
				}
				code := codes[i*8+w/2]
				if apiGet(hc, base+"/sns/jscode2session?grant_type=authorization_code&js_code="+code+"&"+api.Encode(), "openid") != "" {
					mu.Lock()
					spent = append(spent, code)
					mu.Unlock()
				}
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	if err := srv.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	close(stop)
	wg.Wait()
	if len(tokens) < 50 || len(spent) < 50 {
		t.Fatalf("only %d tokens and %d sessions answered before the kill: too few to tell", len(tokens), len(spent))
	}

	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer st.Close()
	must(t, st.UseMasterKey(context.Background(), []byte(crashKey)))
	ctx := context.Background()
	for _, tok := range tokens {
		if id, err := st.CheckAccessToken(ctx, tok); err != nil || id != load.AccountID {
			t.Fatalf("an answered access token is lost after the kill: %v (%d of %d)", err, id, len(tokens))
		}
	}
	call := store.APICall{AppID: load.AppID, Secret: secret, IP: netip.MustParseAddr("127.0.0.1")}
	for _, code := range spent {
		if _, err := st.CodeToSession(ctx, call, code); !errors.Is(err, store.APIInvalidCode) {
			t.Fatalf("an answered js_code is not spent after the kill: %v", err)
		}
	}
	stats, err := st.Stats(ctx, load.AccountID, 7)
	must(t, err)
	var today store.DayStats
	for _, d := range stats.Days {
		if d.Day == store.PlatformDay(time.Now()) {
			today = d
		}
	}
	if n := callsOK(today, store.EndpointToken); n < len(tokens) {
		t.Fatalf("%d token calls counted ok, %d were answered", n, len(tokens))
	}
	if n := callsOK(today, store.EndpointCode2Session); n < len(spent) {
		t.Fatalf("%d jscode2session calls counted ok, %d were answered", n, len(spent))
	}
	t.Logf("%d tokens and %d sessions answered before SIGKILL, all in the database", len(tokens), len(spent))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// crashFixture seeds db with the load account, its AppSecret (through the administrator's
// confirmed reset, as on /dev/settings) and 4,000 js_codes.
func crashFixture(t *testing.T, db string) (store.Load, string, []string) {
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	must(t, err)
	defer st.Close()
	must(t, st.UseMasterKey(ctx, []byte(crashKey)))
	load, err := st.SeedLoad(ctx)
	must(t, err)
	admin, err := st.PersonByWechatID(ctx, load.AdminWechatID)
	must(t, err)
	scan, err := st.StartSecretReset(ctx, load.AccountID, store.Requester{})
	must(t, err)
	_, err = st.DecideScan(ctx, scan, admin.ID, true)
	must(t, err)
	must(t, st.CompleteSecretReset(ctx, scan, load.AccountID))
	secret, err := st.TakeOneTime(ctx, store.OneTimeAppSecret, scan, load.AccountID)
	must(t, err)
	codes, err := st.MintJSCodes(ctx, load.AccountID, 4000)
	must(t, err)
	return load, secret, codes
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().String()
}

func waitUp(t *testing.T, base string) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if res, err := http.Get(base + "/login"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("the server gave no 200 on /login within 30 s")
}

// apiGet is the field of a JSON answer of the API, "" for any other answer or none.
func apiGet(hc *http.Client, u, field string) string {
	res, err := hc.Get(u)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var body map[string]any
	if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&body) != nil {
		return ""
	}
	s, _ := body[field].(string)
	return s
}

func callsOK(d store.DayStats, endpoint string) int {
	for _, c := range d.Calls {
		if c.Endpoint == endpoint && c.Outcome == store.OutcomeOK {
			return c.Calls
		}
	}
	return 0
}
