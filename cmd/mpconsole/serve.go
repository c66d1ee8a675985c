package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"mpconsole/store"
	"mpconsole/web"
)

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, db := newFlags("serve", "serve [flags]", getenv, stdout)
	addr := fs.String("addr", envOr(getenv, "MPCONSOLE_ADDR", "127.0.0.1:8080"), "address to listen on (env MPCONSOLE_ADDR)")
	base := fs.String("base-url", envOr(getenv, "MPCONSOLE_BASE_URL", ""), "absolute URL put in QR codes and mails, e.g. http://192.168.1.5:8080 (env MPCONSOLE_BASE_URL; default: taken from each request)")
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
	if addr := getenv("MPCONSOLE_PPROF"); addr != "" {
		stop, err := startPprof(addr)
		if err != nil {
			return err
		}
		defer stop()
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	keys, err := web.SessionKeys(ctx, st, getenv("MPCONSOLE_SESSION_KEY"))
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := web.New(st, keys, web.Options{BaseURL: strings.TrimRight(*base, "/"), SMTP: *smtpAddr, MailFrom: *mailFrom, Logger: logger,
		TrustProxy: proxies, TokenDailyQuota: *quota, FreezeDelay: *freezeDelay})
	url := "http://" + l.Addr().String()
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
