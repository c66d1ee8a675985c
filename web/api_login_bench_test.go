package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mpconsole/store"
)

// BenchmarkAPITokenUnderLogins measures GET /cgi-bin/token, one call at a time over
// loopback, while 4 goroutines log in to the console (POST /login with the right password,
// bcrypt at its default cost) in a loop. It reports the token calls' p50 and p99 latency:
// a password check must not hold the write transaction the API waits for.
func BenchmarkAPITokenUnderLogins(b *testing.B) {
	cost := store.PasswordCost
	store.PasswordCost = bcrypt.DefaultCost
	b.Cleanup(func() { store.PasswordCost = cost })
	e := newBenchEnv(b)
	ts := httptest.NewServer(e.srv)
	defer ts.Close()
	hc := ts.Client()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var logins atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"email": {"bench@example.com"}, "password": {"Passw0rd!"}, "_csrf": {"bench-csrf-token"}}.Encode()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(form))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: "_csrf", Value: "bench-csrf-token"})
				res, err := hc.Transport.RoundTrip(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusSeeOther {
					b.Errorf("login: status %d", res.StatusCode)
					return
				}
				logins.Add(1)
			}
		}()
	}
	time.Sleep(200 * time.Millisecond) // the logins are under way before the first call

	u := ts.URL + tokenURL(e.appid, e.secret)
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := hc.Get(u)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		lat[i] = time.Since(start)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("call %d: status %d", i, res.StatusCode)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(logins.Load()), "logins")
}
