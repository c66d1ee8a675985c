package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serveUntil runs `mpconsole serve` until its output contains want, then stops it.
func serveUntil(t *testing.T, want string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(string) string { return "" }, &out, &bytes.Buffer{})
	}()
	// A bound for a hung server, not a speed test: seeding the demo's month under -race
	// on a loaded 2-core machine takes tens of seconds.
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(out.String(), want) {
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v; output:\n%s", err, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", want, out.String())
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	return out.String()
}

// --demo seeds an empty database and prints every sign-in; a second start leaves it be.
func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	out := serveUntil(t, "scan login", "--db", db, "--demo")
	for _, want := range []string{"demo@example.com", "Demo-pass-1", "demo1234", "demo_admin", "demo_operator", "demo_developer",
		"demo_analyst", "demo_tester1", "demo_tester2", "demo_reviewer"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo output lacks %q:\n%s", want, out)
		}
	}
	out = serveUntil(t, "not empty", "--db", db, "--demo")
	if strings.Contains(out, "demo_admin") {
		t.Errorf("a used database was seeded again:\n%s", out)
	}
}
