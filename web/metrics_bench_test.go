package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkAPITokenMetrics is BenchmarkAPIToken without and with --metrics: what counting
// the request and the API call costs a call (BENCHMARKS.md).
func BenchmarkAPITokenMetrics(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			benchModes(b, func(b *testing.B, overHTTP bool) {
				e := newBenchEnv(b)
				srv := New(e.st, testMasterKey, Options{TokenDailyQuota: 1 << 30, PasswordAttempts: 1 << 30, Metrics: on})
				u := tokenURL(e.appid, e.secret)
				serve(b, srv, overHTTP, func(int) *http.Request { return httptest.NewRequest("GET", u, nil) }, nil)
			})
		})
	}
}
