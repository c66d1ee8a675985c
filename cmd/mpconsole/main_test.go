package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"mpconsole/store"
)

func TestMain(m *testing.M) {
	store.PasswordCost = bcrypt.MinCost
	os.Exit(m.Run())
}

// syncBuffer is an output the server goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cli runs the program with args and the environment env.
func cli(ctx context.Context, env map[string]string, args ...string) (stdout, stderr string, err error) {
	var out, errOut syncBuffer
	err = run(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// newDB makes a database in a temp dir holding one WeChat identity, and returns its path.
func newDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mp.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreatePerson(context.Background(), store.NewPerson{WechatID: "reviewer", Nickname: "r", Password: "Wx-pass-123"}); err != nil {
		t.Fatal(err)
	}
	return path
}

func openDB(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"--help", "-h", "help"} {
		out, errOut, err := cli(t.Context(), nil, arg)
		if err != nil || errOut != "" {
			t.Fatalf("%s: %v, stderr %q", arg, err, errOut)
		}
		for _, want := range []string{"Usage:", "serve", "ops grant", "ops revoke", "registry import", "backup", "--db", "MPCONSOLE_DB"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s does not mention %q:\n%s", arg, want, out)
			}
		}
	}
}

// Each subcommand's --help lists its flags with their environment variables.
func TestSubcommandHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--help"}, []string{"-addr", "MPCONSOLE_ADDR", "-db", "MPCONSOLE_DB", "-base-url", "MPCONSOLE_BASE_URL", "-smtp", "MPCONSOLE_SMTP",
			"-mail-from", "MPCONSOLE_MAIL_FROM", "-secret-key-file", "MPCONSOLE_SECRET_KEY", "-session-idle", "MPCONSOLE_SESSION_IDLE", "-session-max", "MPCONSOLE_SESSION_MAX",
			"-metrics", "MPCONSOLE_METRICS"}},
		{[]string{"rekey", "--help"}, []string{"-new-key-file", "-secret-key-file", "-db"}},
		{[]string{"ops", "grant", "--help"}, []string{"WECHAT_ID", "-db"}},
		{[]string{"ops", "--help"}, []string{"grant", "revoke"}},
		{[]string{"registry", "import", "-h"}, []string{"FILE", "-db"}},
		{[]string{"registry", "--help"}, []string{"import"}},
		{[]string{"backup", "--help"}, []string{"FILE", "-db"}},
		{[]string{"upload", "--help"}, []string{"DIR|ZIP", "-server", "-appid", "-key-file", "-robot", "-version", "-desc", "2 MB"}},
	} {
		out, errOut, err := cli(t.Context(), nil, tc.args...)
		if err != nil && !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("%v: %v", tc.args, err)
		}
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("%v does not mention %q on stdout:\n%s%s", tc.args, want, out, errOut)
			}
		}
	}
}

// Mistakes on the command line are usage errors (exit 2) with one line of explanation.
func TestUsageErrors(t *testing.T) {
	db := newDB(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{"serve", "--nope"},
		{"serve", "extra"},
		{"ops"},
		{"ops", "promote", "reviewer"},
		{"ops", "grant"},
		{"ops", "grant", "--db", db, "a", "b"},
		{"ops", "revoke", "--bogus", "reviewer"},
		{"registry"},
		{"registry", "export", "x"},
		{"registry", "import"},
		{"backup"},
		{"backup", "--db"},
		{"serve", "--freeze-delay", "soon"},
		{"serve", "--freeze-delay", "-1m"},
		{"serve", "--token-daily-quota", "0"},
		{"serve", "--session-idle", "0s"},
		{"serve", "--session-max", "a week"},
		{"rekey"},
		{"rekey", "--db", db},
		{"serve", "--smtp", "mail.example.com"},
		{"serve", "--smtp", "mail.example.com:smtp"},
		{"serve", "--mail-from", "not an address"},
		{"upload"},
		{"upload", "--robot", "two", "dir"},
		{"upload", "--server", "http://127.0.0.1:1", "--appid", "wx1", "--key-file", "k", "--version", "1"},
	} {
		_, errOut, err := cli(t.Context(), nil, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
			continue
		}
		if lines := strings.Count(strings.TrimSpace(err.Error()+"\n"+errOut), "\n") + 1; lines > 1 {
			t.Errorf("%v: %d lines of error, want one:\n%s\n%s", args, lines, err, errOut)
		}
	}
	if _, _, err := cli(t.Context(), nil); !errors.As(err, new(usageError)) {
		t.Fatalf("no command: %v", err)
	}
	for key, v := range map[string]string{"MPCONSOLE_FREEZE_DELAY": "10 minutes", "MPCONSOLE_TOKEN_DAILY_QUOTA": "many",
		"MPCONSOLE_SESSION_IDLE": "half a day", "MPCONSOLE_SECRET_KEY": "too-short", "MPCONSOLE_PPROF": "0.0.0.0:6060",
		"MPCONSOLE_METRICS": "sometimes"} {
		if _, _, err := cli(t.Context(), map[string]string{key: v}, "serve"); !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%q: %v, want a usage error naming it", key, v, err)
		}
	}
}

func TestOpsGrantAndRevoke(t *testing.T) {
	db := newDB(t)
	out, _, err := cli(t.Context(), nil, "ops", "grant", "--db", db, "REVIEWER")
	if err != nil || !strings.Contains(out, "REVIEWER") {
		t.Fatalf("grant: %v, %q", err, out)
	}
	if p, _ := openDB(t, db).PersonByWechatID(context.Background(), "reviewer"); !p.IsOperator {
		t.Fatal("the flag is not set in the database")
	}
	// --db falls back to MPCONSOLE_DB.
	if _, _, err := cli(t.Context(), map[string]string{"MPCONSOLE_DB": db}, "ops", "revoke", "reviewer"); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if p, err := openDB(t, db).PersonByWechatID(context.Background(), "reviewer"); err != nil || p.IsOperator {
		t.Fatal("the flag is still set")
	}
	_, _, err = cli(t.Context(), nil, "ops", "grant", "--db", db, "nobody_here")
	if err == nil || errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "nobody_here") {
		t.Fatalf("unknown WeChat ID: %v, want an error naming it", err)
	}
}

func TestRegistryImportCommand(t *testing.T) {
	db := newDB(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "emails.txt")
	os.WriteFile(good, []byte("# open platform\na@example.com\nB@example.com\n\na@example.com\n"), 0o644)
	out, _, err := cli(t.Context(), nil, "registry", "import", "--db", db, good)
	if err != nil || !strings.Contains(out, "2") {
		t.Fatalf("import: %v, %q", err, out)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("c@example.com\nnot an email\n"), 0o644)
	if _, _, err := cli(t.Context(), nil, "registry", "import", "--db", db, bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("bad file: %v, want an error naming line 2", err)
	}
	if _, _, err := cli(t.Context(), nil, "registry", "import", "--db", db, filepath.Join(dir, "missing.txt")); err == nil {
		t.Fatal("a missing file imported")
	}
	entries, _ := openDB(t, db).Registry(context.Background())
	if len(entries) != 2 || entries[0].Email != "b@example.com" {
		t.Fatalf("registry %+v, want a and b only", entries)
	}
}

func TestBackupCommand(t *testing.T) {
	db := newDB(t)
	st := openDB(t, db) // the server would hold it open
	if err := st.AddRegistryEmail(context.Background(), "kept@example.com"); err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := cli(t.Context(), nil, "backup", "--db", db, copyPath); err != nil {
		t.Fatal(err)
	}
	cp := openDB(t, copyPath)
	if p, err := cp.PersonByWechatID(context.Background(), "reviewer"); err != nil || p.WechatID != "reviewer" {
		t.Fatalf("the copy lacks the person: %v", err)
	}
	if entries, _ := cp.Registry(context.Background()); len(entries) != 1 {
		t.Fatalf("the copy lacks the registry: %v", entries)
	}
	if _, _, err := cli(t.Context(), nil, "backup", "--db", db, copyPath); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
}

// serve listens first (a busy port is reported at once), answers, and returns nil once
// its context ends.
func TestServe(t *testing.T) {
	db := newDB(t)
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, func(string) string { return "" }, &out, &errOut)
	}()
	addr := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve printed no address: %q %q", out.String(), errOut.String())
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/home" {
		t.Fatalf("GET /: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res, err := hc.Get(base + "/login"); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login: %v", err)
	} else {
		res.Body.Close()
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Fatal("still answering after shutdown")
	}
}

func TestServePortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// A bound for a server that would serve on regardless, not a speed test (migrating a
	// new database under -race on a loaded machine takes seconds).
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, _, err = cli(ctx, map[string]string{"MPCONSOLE_ADDR": l.Addr().String(), "MPCONSOLE_DB": newDB(t)}, "serve")
	if err == nil || !strings.Contains(err.Error(), "listen") || ctx.Err() != nil {
		t.Fatalf("busy port: %v, want a listen error at once", err)
	}
}
