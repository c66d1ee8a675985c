package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Flags may come before or after the arguments of every subcommand (README writes
// "ops revoke demo_reviewer --db FILE"), and an unknown flag after an argument is still a
// one-line usage error.
func TestFlagsBeforeOrAfterArguments(t *testing.T) {
	db := newDB(t)
	for _, args := range [][]string{
		{"ops", "grant", "--db", db, "reviewer"},
		{"ops", "grant", "reviewer", "--db", db},
		{"ops", "grant", "reviewer", "--db=" + db},
	} {
		if _, _, err := cli(t.Context(), nil, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if p, _ := openDB(t, db).PersonByWechatID(context.Background(), "reviewer"); !p.IsOperator {
			t.Fatalf("%v: the reviewer flag is not set", args)
		}
		if _, _, err := cli(t.Context(), nil, "ops", "revoke", "reviewer", "--db", db); err != nil {
			t.Fatalf("revoke with --db after the argument: %v", err)
		}
		if p, _ := openDB(t, db).PersonByWechatID(context.Background(), "reviewer"); p.IsOperator {
			t.Fatal("revoke with --db after the argument left the flag set")
		}
	}

	dir := t.TempDir()
	list := filepath.Join(dir, "emails.txt")
	os.WriteFile(list, []byte("first@example.com\n"), 0o644)
	if _, _, err := cli(t.Context(), nil, "registry", "import", list, "--db", db); err != nil {
		t.Fatalf("registry import FILE --db: %v", err)
	}
	os.WriteFile(list, []byte("second@example.com\n"), 0o644)
	if _, _, err := cli(t.Context(), nil, "registry", "import", "--db", db, list); err != nil {
		t.Fatalf("registry import --db FILE: %v", err)
	}
	if entries, _ := openDB(t, db).Registry(context.Background()); len(entries) != 2 {
		t.Fatalf("registry holds %d emails, want both imports", len(entries))
	}

	for _, args := range [][]string{
		{"backup", filepath.Join(dir, "after.db"), "--db", db},
		{"backup", "--db", db, filepath.Join(dir, "before.db")},
	} {
		if _, _, err := cli(t.Context(), nil, args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, name := range []string{"after.db", "before.db"} {
		if p, err := openDB(t, filepath.Join(dir, name)).PersonByWechatID(context.Background(), "reviewer"); err != nil || p.WechatID != "reviewer" {
			t.Fatalf("%s is not a copy of the database: %v", name, err)
		}
	}

	// After "--" a dash is an argument: the WeChat ID "-x" is looked up, not parsed as a flag.
	if _, _, err := cli(t.Context(), nil, "ops", "grant", "--db", db, "--", "-x"); err == nil || errors.As(err, new(usageError)) || !strings.Contains(err.Error(), `"-x"`) {
		t.Fatalf(`ops grant -- -x: %v, want "no WeChat identity"`, err)
	}

	for _, args := range [][]string{
		{"ops", "revoke", "reviewer", "--bogus"},
		{"registry", "import", list, "--nope", "--db", db},
		{"backup", filepath.Join(dir, "x.db"), "--db"},
		{"ops", "grant", "reviewer", "--db", db, "extra"},
	} {
		_, errOut, err := cli(t.Context(), nil, args...)
		if !errors.As(err, new(usageError)) {
			t.Errorf("%v: %v, want a usage error", args, err)
			continue
		}
		if strings.Contains(err.Error(), "\n") || errOut != "" {
			t.Errorf("%v: more than one line of error: %q %q", args, err, errOut)
		}
	}
}
