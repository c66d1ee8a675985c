// Package web is the HTTP layer: the only package that knows Echo, sessions, CSRF and
// htmx headers.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"mpconsole/static"
	"mpconsole/store"
)

// Options are the server's settings from the command line.
type Options struct {
	// BaseURL is the absolute URL put into QR codes and mails; empty means taken from
	// each request.
	BaseURL string
	// SMTP, when set (host:port), sends mail instead of keeping it in /mailbox.
	SMTP string
	// MailFrom is the sender of every mail (empty: DefaultMailFrom).
	MailFrom string
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// TrustProxy lists the reverse proxies (addresses or prefixes) whose X-Forwarded-For
	// names the API client for the IP whitelist; empty trusts no header.
	TrustProxy []netip.Prefix
	// TokenDailyQuota is how many /cgi-bin/token calls an account gets a day (0: 2,000,
	// the real limit).
	TokenDailyQuota int
	// FreezeDelay is how long freezing or unfreezing an AppSecret takes to take effect
	// (the real platform waits 10 minutes; 0 is at once).
	FreezeDelay time.Duration
}

// Server is the whole web application.
type Server struct {
	store    *store.Store
	sessions *sessions.CookieStore
	echo     *echo.Echo
	opts     Options
	log      *slog.Logger
	// actions records the permission of every console route, for the route × role test.
	actions map[string]store.Action
	// pages are the console pages (GET routes without parameters) with their permission,
	// for the navigation.
	pages map[string]store.Action
	// nudge wakes the outbox worker when a request has queued mail.
	nudge chan struct{}
}

// SessionKeys returns the cookie-signing and -encryption keys: from key when given
// (MPCONSOLE_SESSION_KEY), else generated once and kept in the database so a restart
// signs nobody out.
func SessionKeys(ctx context.Context, st *store.Store, key string) ([][]byte, error) {
	if key != "" {
		sum := store.HashToken(key)
		return [][]byte{[]byte(key), []byte(sum[:32])}, nil
	}
	hash, err := st.Secret(ctx, "session_hash_key", 64)
	if err != nil {
		return nil, err
	}
	block, err := st.Secret(ctx, "session_block_key", 32)
	if err != nil {
		return nil, err
	}
	return [][]byte{hash, block}, nil
}

// New builds the server around a store and the session key pair.
func New(st *store.Store, keys [][]byte, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.TokenDailyQuota <= 0 {
		opts.TokenDailyQuota = DefaultTokenDailyQuota
	}
	if opts.MailFrom == "" {
		opts.MailFrom = DefaultMailFrom
	}
	cs := sessions.NewCookieStore(keys...)
	cs.Options = &sessions.Options{Path: "/", MaxAge: 7 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	s := &Server{store: st, sessions: cs, opts: opts, log: opts.Logger, actions: map[string]store.Action{}, pages: map[string]store.Action{}, nudge: make(chan struct{}, 1)}
	s.echo = echo.New()
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s
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
