package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"runtime/debug"
	"strconv"
	"time"

	"mpconsole/store"
	"mpconsole/web"
)

// gcPercent is the garbage collector's target when GOGC does not set one; Go's default is
// 100. The server's live heap is small, so letting the heap grow to three times it before
// collecting, not twice, costs about 5 MiB of memory and saves a sixth of a console page's
// CPU under load (BENCHMARKS.md, "Garbage collection").
const gcPercent = 200

// tuneGC sets gcPercent unless the environment's GOGC chose otherwise.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, db := newFlags("serve", "serve [flags]", getenv, stdout)
	addr := fs.String("addr", envOr(getenv, "MPCONSOLE_ADDR", "127.0.0.1:8080"), "address to listen on (env MPCONSOLE_ADDR)")
	base := fs.String("base-url", envOr(getenv, "MPCONSOLE_BASE_URL", ""), "absolute URL put in QR codes and mails, e.g. http://192.168.1.5:8080; the Host header is never used (env MPCONSOLE_BASE_URL; default: http:// + the listen address)")
	keyFile := fs.String("secret-key-file", "", "file holding the master key that session and data keys derive from; created with mode 0600 when missing (MPCONSOLE_SECRET_KEY gives the key itself; default: the database file name + .key)")
	smtpAddr := fs.String("smtp", envOr(getenv, "MPCONSOLE_SMTP", ""), "host:port of an SMTP relay; mail is sent instead of kept in /mailbox (env MPCONSOLE_SMTP)")
	mailFrom := fs.String("mail-from", envOr(getenv, "MPCONSOLE_MAIL_FROM", web.DefaultMailFrom), "sender address of every mail, e.g. \"mpconsole <noreply@example.com>\" (env MPCONSOLE_MAIL_FROM)")
	trustProxy := fs.String("trust-proxy", envOr(getenv, "MPCONSOLE_TRUST_PROXY", ""), "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For names the API client for the IP whitelist (env MPCONSOLE_TRUST_PROXY; default: none, the connection's address counts)")
	quotaDefault, err := envParsed(getenv, "MPCONSOLE_TOKEN_DAILY_QUOTA", web.DefaultTokenDailyQuota, strconv.Atoi)
	if err != nil {
		return err
	}
	quota := fs.Int("token-daily-quota", quotaDefault, "GET /cgi-bin/token calls per account and day before errcode 45009 (env MPCONSOLE_TOKEN_DAILY_QUOTA)")
	delayDefault, err := envParsed(getenv, "MPCONSOLE_FREEZE_DELAY", 0, time.ParseDuration)
	if err != nil {
		return err
	}
	freezeDelay := fs.Duration("freeze-delay", delayDefault, "how long freezing or unfreezing an AppSecret takes to take effect; the real platform waits 10m (env MPCONSOLE_FREEZE_DELAY; default: at once)")
	idleDefault, err := envParsed(getenv, "MPCONSOLE_SESSION_IDLE", web.DefaultSessionIdle, time.ParseDuration)
	if err != nil {
		return err
	}
	sessionIdle := fs.Duration("session-idle", idleDefault, "a session ends after this long without a request (env MPCONSOLE_SESSION_IDLE)")
	maxDefault, err := envParsed(getenv, "MPCONSOLE_SESSION_MAX", web.DefaultSessionMax, time.ParseDuration)
	if err != nil {
		return err
	}
	sessionMax := fs.Duration("session-max", maxDefault, "a session ends this long after sign-in, however busy (env MPCONSOLE_SESSION_MAX)")
	metricsDefault, err := envParsed(getenv, "MPCONSOLE_METRICS", false, strconv.ParseBool)
	if err != nil {
		return err
	}
	metrics := fs.Bool("metrics", metricsDefault, "serve Prometheus metrics at /metrics: requests by route and status, API calls by endpoint and errcode, database pools, Go runtime (env MPCONSOLE_METRICS=true; default: off, /metrics is an unknown page)")
	demo := fs.Bool("demo", false, "seed a demo account with a person in every role into an empty database, and print how to sign in")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	proxies, err := web.ParseProxies(*trustProxy)
	if err != nil {
		return usageError{err.Error()}
	}
	if err := checkMailFlags(*smtpAddr, *mailFrom); err != nil {
		return err
	}
	if *quota < 1 {
		return usageError{"token-daily-quota: must be at least 1"}
	}
	if *freezeDelay < 0 {
		return usageError{"freeze-delay: must not be negative"}
	}
	if *sessionIdle <= 0 || *sessionMax <= 0 {
		return usageError{"session-idle, session-max: must be positive"}
	}
	if addr := getenv("MPCONSOLE_PPROF"); addr != "" {
		if err := checkPprofAddr(addr); err != nil {
			return err
		}
	}
	if *keyFile == "" {
		*keyFile = keyFileFor(*db)
	}
	master, created, err := masterKey(getenv, *keyFile, true, stdout)
	if err != nil {
		return err
	}
	tuneGC(getenv)
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.UseMasterKey(ctx, master); err != nil {
		if errors.Is(err, store.ErrWrongMasterKey) && created {
			os.Remove(*keyFile) // made just now for a database that has a key elsewhere
		}
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	// The profiles answer once the database is open and migrated, so whoever sees them
	// answer may stop the server without interrupting a migration.
	if addr := getenv("MPCONSOLE_PPROF"); addr != "" {
		stop, err := startPprof(addr)
		if err != nil {
			l.Close()
			return err
		}
		defer stop()
	}
	url := listenURL(l.Addr())
	if *base == "" {
		*base = url
	}
	srv := web.New(st, master, web.Options{BaseURL: *base, SMTP: *smtpAddr, MailFrom: *mailFrom, Logger: logger, TrustProxy: proxies,
		TokenDailyQuota: *quota, FreezeDelay: *freezeDelay, SessionIdle: *sessionIdle, SessionMax: *sessionMax, Metrics: *metrics})
	fmt.Fprintf(stdout, "mpconsole is serving %s (database %s)\n", url, *db)
	fmt.Fprintf(stdout, "First run? Create a WeChat identity at %s/wx/signup, then register an account at %s/register.\n", url, url)
	if *demo {
		if err := seedDemo(ctx, st, stdout, url); err != nil {
			l.Close()
			return err
		}
	}
	err = srv.Serve(ctx, l)
	logger.Info("server stopped")
	return err
}

// listenURL is http:// + the address the server listens on, the default --base-url; an
// unspecified host (0.0.0.0, ::) becomes localhost, which at least this machine reaches.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// envParsed reads a flag's default from the environment, parsed like the flag itself; a
// value that does not parse is a usage error naming the variable.
func envParsed[T any](getenv func(string) string, key string, def T, parse func(string) (T, error)) (T, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	out, err := parse(v)
	if err != nil {
		return def, usageError{fmt.Sprintf("%s: %q is not valid", key, v)}
	}
	return out, nil
}

// checkMailFlags refuses an --smtp that is not host:port and a --mail-from that is not
// one address, before anything is queued that could not be sent.
func checkMailFlags(smtpAddr, from string) error {
	if smtpAddr != "" {
		if _, _, err := web.ParseSMTP(smtpAddr); err != nil {
			return usageError{err.Error()}
		}
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return usageError{fmt.Sprintf("mail-from: %q is not an email address", from)}
	}
	return nil
}
