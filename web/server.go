// Package web is the HTTP layer: the only package that knows Echo, sessions, CSRF and
// htmx headers. The WeChat-compatible API lives in web/wxapi, with its own error shape.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/labstack/echo/v4"

	"mpconsole/static"
	"mpconsole/store"
	"mpconsole/web/sandboxapi"
	"mpconsole/web/wxapi"
)

// Options are the server's settings from the command line.
type Options struct {
	// BaseURL is the absolute root put into QR codes and mails (mpconsole serve defaults it
	// to http:// + the listen address). The Host header is never used instead: with
	// BaseURL empty, links are relative.
	BaseURL string
	// SMTP, when set (host:port), sends mail instead of keeping it in /mailbox.
	SMTP string
	// MailFrom is the sender of every mail (empty: DefaultMailFrom).
	MailFrom string
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// TrustProxy lists the reverse proxies (addresses or prefixes) whose X-Forwarded-For
	// names the client and whose X-Forwarded-Proto says https; empty trusts no header.
	TrustProxy []netip.Prefix
	// TokenDailyQuota is how many /cgi-bin/token calls an account gets a day (0: 2,000,
	// the real limit).
	TokenDailyQuota int
	// FreezeDelay is how long freezing or unfreezing an AppSecret takes to take effect
	// (the real platform waits 10 minutes; 0 is at once).
	FreezeDelay time.Duration
	// SessionIdle and SessionMax end a session after that long without a request, and
	// that long after sign-in (0: 12 hours and 7 days).
	SessionIdle, SessionMax time.Duration
	// PasswordAttempts is how many posts of the password forms one client address may make
	// at once, and PasswordRefill how often it gets one more (0: 20, one every 6 s).
	PasswordAttempts int
	PasswordRefill   time.Duration
	// Metrics serves Prometheus metrics at /metrics (metrics.go); off, /metrics is a 404.
	Metrics bool
}

// Session, rate-limit and API defaults.
const (
	DefaultTokenDailyQuota  = wxapi.DefaultTokenDailyQuota
	DefaultSessionIdle      = 12 * time.Hour
	DefaultSessionMax       = 7 * 24 * time.Hour
	DefaultPasswordAttempts = 20
	DefaultPasswordRefill   = 6 * time.Second
)

// Server is the whole web application.
type Server struct {
	store    *store.Store
	api      *wxapi.API
	sbapi    *sandboxapi.API // the automation API, /sandbox/v1 (SPEC §18)
	sessions *dbSessions
	echo     *echo.Echo
	opts     Options
	log      *slog.Logger
	limiter  *ipLimiter
	// pageTurns admits the console's pages in order, one per CPU at a time (admission.go).
	pageTurns admission
	// actions records the permission of every console route, for the route × role test.
	actions map[string]store.Action
	// pages are the console pages (GET routes without parameters) with their permission,
	// for the navigation.
	pages map[string]store.Action
	// csrfPlain and csrfSecure guard the HTML forms; the second sets a Secure cookie.
	csrfPlain, csrfSecure echo.MiddlewareFunc
	// nudge wakes the outbox worker when a request has queued mail.
	nudge chan struct{}
	// metrics counts requests and API calls; nil without Options.Metrics.
	metrics *metrics
}

// New builds the server around a store whose master key is unlocked (st.UseMasterKey with
// the same master key, from which the session cookies' signing key derives).
func New(st *store.Store, master []byte, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	opts.SessionIdle = orDefault(opts.SessionIdle, DefaultSessionIdle)
	opts.SessionMax = orDefault(opts.SessionMax, DefaultSessionMax)
	opts.PasswordRefill = orDefault(opts.PasswordRefill, DefaultPasswordRefill)
	if opts.PasswordAttempts <= 0 {
		opts.PasswordAttempts = DefaultPasswordAttempts
	}
	if opts.MailFrom == "" {
		opts.MailFrom = DefaultMailFrom
	}
	apiOpts := wxapi.Options{TokenDailyQuota: opts.TokenDailyQuota, Logger: opts.Logger, BaseURL: opts.BaseURL}
	var m *metrics
	if opts.Metrics {
		m = newMetrics(st)
		apiOpts.Observe = m.observeCall
	}
	s := &Server{store: st, opts: opts, log: opts.Logger, actions: map[string]store.Action{}, pages: map[string]store.Action{}, nudge: make(chan struct{}, 1),
		api: wxapi.New(st, apiOpts), metrics: m,
		limiter: newIPLimiter(opts.PasswordAttempts, opts.PasswordRefill, st.Now), pageTurns: newAdmission(runtime.GOMAXPROCS(0))}
	st.SetJournalLogger(opts.Logger)
	s.sbapi = sandboxapi.New(st, opts.Logger)
	s.echo = echo.New()
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.handleError
	s.echo.IPExtractor = ipExtractor(opts.TrustProxy)
	codec := securecookie.New(store.DeriveKey(master, "session cookies", 32), nil)
	codec.MaxAge(int(opts.SessionMax.Seconds()))
	s.sessions = &dbSessions{st: st, codec: codec, ip: s.echo.IPExtractor,
		limits: store.SessionLimits{Idle: opts.SessionIdle, Max: opts.SessionMax}}
	s.csrfPlain, s.csrfSecure = csrf(false), csrf(true)
	s.routes()
	return s
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// ipExtractor is Echo's X-Forwarded-For reader trusting only the given proxies: loopback,
// link-local and private addresses are not trusted unless listed.
func ipExtractor(proxies []netip.Prefix) echo.IPExtractor {
	trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			trust = append(trust, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(trust...)
}

// ParseProxies reads --trust-proxy: comma-separated addresses or CIDR prefixes.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trust-proxy: %q is not an address or a prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// secure tells whether the browser reached us over https: --base-url says so, the
// connection is TLS, or a trusted proxy says X-Forwarded-Proto: https. Cookies are Secure
// then.
func (s *Server) secure(c echo.Context) bool {
	if strings.HasPrefix(s.opts.BaseURL, "https://") || c.IsTLS() {
		return true
	}
	if c.Request().Header.Get(echo.HeaderXForwardedProto) != "https" {
		return false
	}
	ap, err := netip.ParseAddrPort(c.Request().RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.opts.TrustProxy {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// ServeHTTP makes the server an http.Handler (for httptest and for the real listener).
// HEAD is answered like GET for the static files and icons (caches and link checkers
// revalidate them): the routes see a GET, and net/http, which still holds the original HEAD
// request, drops the body. Pages are not: some GETs spend something (an activation link,
// the one-time AppSecret, a confirmed scan), and a HEAD must not.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead && (strings.HasPrefix(r.URL.Path, static.Prefix) || strings.HasPrefix(r.URL.Path, "/icons/")) {
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	}
	s.echo.ServeHTTP(w, r)
}

// Serve answers on l until ctx ends, then shuts down gracefully (in-flight requests get
// up to 10 seconds). The outbox worker runs alongside and is stopped after the last
// request, so nothing is queued behind its back.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	wctx, stopWorker := context.WithCancel(context.WithoutCancel(ctx))
	worker := make(chan struct{})
	go func() { defer close(worker); s.runOutbox(wctx) }()
	defer func() { stopWorker(); <-worker }()
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
