package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"mpconsole/store"
)

// The API benchmarks of BENCHMARKS.md. Each endpoint is measured twice: "handler" calls
// ServeHTTP in-process (the server's own cost), "http" goes through a loopback listener
// with a keep-alive client, one call at a time. BenchmarkBareNetHTTP measures a plain
// net/http handler answering a fixed token the same two ways, as the floor.

// benchClock is a clock the benchmark sets, safe for the server's goroutines.
type benchClock struct{ ns atomic.Int64 }

func (c *benchClock) Now() time.Time  { return time.Unix(0, c.ns.Load()).UTC() }
func (c *benchClock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

type benchEnv struct {
	st     *store.Store
	srv    *Server
	clock  *benchClock
	admin  store.Person
	appid  string
	secret string
}

// newBenchEnv makes a finished account with an AppSecret directly through the store.
func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	clk := &benchClock{}
	clk.Set(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	st.Now = clk.Now
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	admin, err := st.CreatePerson(ctx, store.NewPerson{WechatID: "admin_bench", Nickname: "admin", Password: "Wx-pass-123",
		RealName: "张三", IDNumber: store.IDNumberWithCheck("11010519900101001")})
	must(err)
	var token string
	id, err := st.Register(ctx, store.Registration{Email: "bench@example.com", Password: "Passw0rd!", PasswordConfirm: "Passw0rd!", Agree: true},
		func(to, t string) store.Mail { token = t; return store.Mail{To: to, Subject: "activate", Body: t} })
	must(err)
	_, err = st.Activate(ctx, token)
	must(err)
	must(st.SaveSubject(ctx, id, store.Subject{Type: "personal", AdminName: admin.RealName, AdminIDNumber: admin.IDNumber, AdminPhone: "13800138000"}))
	must(st.UseMasterKey(ctx, testMasterKey))
	scan, err := st.CreateScan(ctx, store.PurposeBindAdmin, id, 0, store.Requester{})
	must(err)
	_, err = st.DecideScan(ctx, scan, admin.ID, true)
	must(err)
	must(st.CompleteBindAdmin(ctx, scan, id))
	a, err := st.ConfirmRegistration(ctx, id)
	must(err)
	scan, err = st.StartSecretReset(ctx, id, store.Requester{})
	must(err)
	_, err = st.DecideScan(ctx, scan, admin.ID, true)
	must(err)
	must(st.CompleteSecretReset(ctx, scan, id))
	secret, err := st.TakeOneTime(ctx, store.OneTimeAppSecret, scan, id)
	must(err)
	srv := New(st, testMasterKey, Options{TokenDailyQuota: 1 << 30, PasswordAttempts: 1 << 30})
	return &benchEnv{st: st, srv: srv, clock: clk, admin: admin, appid: a.AppID, secret: secret}
}

// serve runs b.N requests made by req(i) against h, in-process or over loopback, and
// reports calls per second. before(i), when set, runs before call i inside the timing
// (it must be cheap).
func serve(b *testing.B, h http.Handler, overHTTP bool, req func(i int) *http.Request, before func(i int)) {
	b.Helper()
	var do func(r *http.Request) int
	if overHTTP {
		ts := httptest.NewServer(h)
		defer ts.Close()
		hc := ts.Client()
		do = func(r *http.Request) int {
			r.URL.Scheme, r.URL.Host = "http", ts.Listener.Addr().String()
			r.RequestURI = ""
			res, err := hc.Do(r)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			return res.StatusCode
		}
	} else {
		do = func(r *http.Request) int {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			return rec.Code
		}
	}
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = req(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if before != nil {
			before(i)
		}
		if code := do(reqs[i]); code != http.StatusOK {
			b.Fatalf("call %d: status %d", i, code)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
}

func benchModes(b *testing.B, run func(b *testing.B, overHTTP bool)) {
	b.Run("handler", func(b *testing.B) { run(b, false) })
	b.Run("http", func(b *testing.B) { run(b, true) })
}

// BenchmarkAPIToken is GET /cgi-bin/token: credentials checked, a token minted, the
// previous one shortened, the call counted, all in one write transaction.
func BenchmarkAPIToken(b *testing.B) {
	benchModes(b, func(b *testing.B, overHTTP bool) {
		e := newBenchEnv(b)
		u := tokenURL(e.appid, e.secret)
		serve(b, e.srv, overHTTP, func(int) *http.Request { return httptest.NewRequest("GET", u, nil) }, nil)
	})
}

// BenchmarkAPICode2Session is GET /sns/jscode2session with a fresh js_code each call. The
// codes are minted before the timer, 100 per simulated minute (the per-person limit), and
// the clock moves to each code's minute as the calls reach it.
func BenchmarkAPICode2Session(b *testing.B) {
	benchModes(b, func(b *testing.B, overHTTP bool) {
		e := newBenchEnv(b)
		ctx := context.Background()
		base := e.clock.Now()
		minute := func(i int) time.Time { return base.Add(time.Duration(i/store.JSCodeMinuteLimit) * time.Minute) }
		codes := make([]string, b.N)
		for i := b.N - 1; i >= 0; i-- { // newest first, so no mint sweeps a code still to be used
			e.clock.Set(minute(i))
			c, err := e.st.OpenApp(ctx, e.admin.ID, e.appid, "")
			if err != nil {
				b.Fatal(err)
			}
			codes[i] = c.Code
		}
		serve(b, e.srv, overHTTP, func(i int) *http.Request {
			return httptest.NewRequest("GET", sessionURL(e.appid, e.secret, codes[i]), nil)
		}, func(i int) {
			if i%store.JSCodeMinuteLimit == 0 {
				e.clock.Set(minute(i))
			}
		})
	})
}

// BenchmarkBareNetHTTP is the floor: a net/http handler that answers a fixed token body
// with the API's headers, measured the same two ways.
func BenchmarkBareNetHTTP(b *testing.B) {
	body := []byte(`{"access_token":"` + strings.Repeat("A", 86) + `","expires_in":7200}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; encoding=utf-8")
		w.Write(body)
	})
	benchModes(b, func(b *testing.B, overHTTP bool) {
		serve(b, h, overHTTP, func(int) *http.Request { return httptest.NewRequest("GET", "/cgi-bin/token", nil) }, nil)
	})
}
