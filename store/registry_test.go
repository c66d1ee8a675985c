package store

import (
	"errors"
	"strings"
	"testing"
)

func TestRegistryAdd(t *testing.T) {
	f := newFixture(t)
	if err := f.st.AddRegistryEmail(f.ctx, " Open@Example.com "); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.st.AddRegistryEmail(f.ctx, "OPEN@example.com"), "email", "email_in_registry")
	wantCode(t, f.st.AddRegistryEmail(f.ctx, "not an email"), "email", "email_invalid")
	wantCode(t, f.st.AddRegistryEmail(f.ctx, ""), "email", "email_invalid")
	entries, err := f.st.Registry(f.ctx)
	if err != nil || len(entries) != 1 || entries[0].Email != "open@example.com" || entries[0].CreatedAt.IsZero() {
		t.Fatalf("registry %+v, %v", entries, err)
	}
	_, err = f.st.Register(f.ctx, Registration{Email: "open@EXAMPLE.com", Password: goodPassword, PasswordConfirm: goodPassword, Agree: true}, f.mailer)
	wantCode(t, err, "email", "email_registered_open")
}

// An import is all or nothing: a bad line stops it and stores nothing.
func TestRegistryImport(t *testing.T) {
	f := newFixture(t)
	if err := f.st.AddRegistryEmail(f.ctx, "old@example.com"); err != nil {
		t.Fatal(err)
	}
	n, err := f.st.ImportRegistry(f.ctx, strings.NewReader("# exported from the open platform\n\nA@example.com\n  b@example.com  \nOLD@example.com\na@example.com\n"))
	if err != nil || n != 2 {
		t.Fatalf("import: %d, %v; want 2 new", n, err)
	}
	entries, _ := f.st.Registry(f.ctx)
	if len(entries) != 3 || entries[0].Email != "b@example.com" || entries[1].Email != "a@example.com" {
		t.Fatalf("registry, newest first: %+v", entries)
	}
	n, err = f.st.ImportRegistry(f.ctx, strings.NewReader("c@example.com\nd@example.com\nnot an email\ne@example.com\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("bad line: %d, %v; want an error naming line 3", n, err)
	}
	if got := f.count(`SELECT count(*) FROM registry`); got != 3 {
		t.Fatalf("%d entries after a failed import, want 3", got)
	}
}

func TestRegistryDelete(t *testing.T) {
	f := newFixture(t)
	for _, e := range []string{"a@example.com", "b@example.com"} {
		if err := f.st.AddRegistryEmail(f.ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := f.st.Registry(f.ctx)
	if err := f.st.DeleteRegistryEmail(f.ctx, entries[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteRegistryEmail(f.ctx, entries[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	left, _ := f.st.Registry(f.ctx)
	if len(left) != 1 || left[0].Email != "a@example.com" {
		t.Fatalf("left %+v", left)
	}
	// Once out of the registry, the email may register here.
	if _, err := f.st.Register(f.ctx, Registration{Email: "b@example.com", Password: goodPassword, PasswordConfirm: goodPassword, Agree: true}, f.mailer); err != nil {
		t.Fatalf("register a deleted registry email: %v", err)
	}
}
