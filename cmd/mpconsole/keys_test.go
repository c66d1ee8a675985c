package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"mpconsole/store"
)

// startAndStop runs serve on a free port until it has printed its address, then stops it.
func startAndStop(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] }, &out, &errOut)
	}()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(out.String(), "serving") {
			break
		}
		select {
		case err := <-done:
			cancel()
			return out.String(), err
		default:
		}
	}
	cancel()
	return out.String(), <-done
}

// The first start creates the master key beside the database with mode 0600 and says to
// keep it; a key file others may read is refused with a message saying what to do; a
// database served with another key refuses to start (and leaves no stray key file).
func TestMasterKeyFile(t *testing.T) {
	db := newDB(t)
	out, err := startAndStop(t, nil, "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db + ".key")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if !strings.Contains(out, "keep it with your backups") {
		t.Fatalf("the first start does not say to keep the key: %q", out)
	}
	if _, err := startAndStop(t, nil, "--db", db); err != nil {
		t.Fatalf("second start with the same key: %v", err)
	}

	os.Chmod(db+".key", 0o644)
	if _, err := startAndStop(t, nil, "--db", db); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a world-readable key: %v, want a refusal naming chmod 600", err)
	}
	os.Chmod(db+".key", 0o600)

	other := map[string]string{"MPCONSOLE_SECRET_KEY": "another-key-0123456789abcdef0123456789"}
	if _, err := startAndStop(t, other, "--db", db); !errors.Is(err, store.ErrWrongMasterKey) {
		t.Fatalf("another key: %v, want ErrWrongMasterKey", err)
	}
	elsewhere := db + ".moved.key"
	if _, err := startAndStop(t, nil, "--db", db, "--secret-key-file", elsewhere); !errors.Is(err, store.ErrWrongMasterKey) {
		t.Fatalf("a new key file for a keyed database: %v, want ErrWrongMasterKey", err)
	}
	if _, err := os.Stat(elsewhere); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused start left a key file behind: %v", err)
	}
}

// rekey wraps the data keys under a new key file: the server then starts with the new
// key and no longer with the old one.
func TestRekeyCommand(t *testing.T) {
	db := newDB(t)
	if _, err := startAndStop(t, nil, "--db", db); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t.Context(), nil, "rekey", "--db", db); !errors.As(err, new(usageError)) {
		t.Fatalf("rekey without --new-key-file: %v, want a usage error", err)
	}
	out, _, err := cli(t.Context(), nil, "rekey", "--db", db, "--new-key-file", db+".new.key")
	if err != nil {
		t.Fatalf("rekey: %v", err)
	}
	if !strings.Contains(out, "signed out") {
		t.Fatalf("rekey output %q", out)
	}
	if _, err := startAndStop(t, nil, "--db", db, "--secret-key-file", db+".new.key"); err != nil {
		t.Fatalf("start with the new key: %v", err)
	}
	if _, err := startAndStop(t, nil, "--db", db); !errors.Is(err, store.ErrWrongMasterKey) {
		t.Fatalf("start with the old key after rekey: %v, want ErrWrongMasterKey", err)
	}
}
