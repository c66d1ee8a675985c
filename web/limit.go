package web

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"mpconsole/views"
)

// ipLimiter is a token bucket per client address (golang.org/x/time/rate) on the password
// forms: it bounds how fast one address can try passwords across identities, where the
// per-identity lockout of SPEC §6 cannot. Its clock is the store's, so tests move it.
type ipLimiter struct {
	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	burst     int
	every     time.Duration
	now       func() time.Time
	lastPrune time.Time
}

func newIPLimiter(burst int, every time.Duration, now func() time.Time) *ipLimiter {
	return &ipLimiter{buckets: map[string]*rate.Limiter{}, burst: burst, every: every, now: now}
}

// allow takes one attempt for ip; when none is left it says how long until the next.
func (l *ipLimiter) allow(ip string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	b, ok := l.buckets[ip]
	if !ok {
		b = rate.NewLimiter(rate.Every(l.every), l.burst)
		l.buckets[ip] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// prune forgets the buckets that have filled up again, at most once per refill period
// of a whole bucket, so the map does not grow with every address ever seen.
func (l *ipLimiter) prune(now time.Time) {
	full := l.every * time.Duration(l.burst)
	if now.Sub(l.lastPrune) < full {
		return
	}
	l.lastPrune = now
	for ip, b := range l.buckets {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.buckets, ip)
		}
	}
}

// formPage renders a form page with f at status; each password form has one.
type formPage func(c echo.Context, status int, f views.Form) error

// limited guards a password form: past the client address's budget it answers 429 with
// Retry-After and the form again (the typed fields named), with a page-level alert.
func (s *Server) limited(render formPage, fields ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ok, wait := s.limiter.allow(c.RealIP())
			if ok {
				return next(c)
			}
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			f := formOf(c, fields...)
			f.Errors = map[string]string{"": "too_many_attempts"}
			return render(c, http.StatusTooManyRequests, f)
		}
	}
}
