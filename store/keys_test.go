package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"
)

// A database from before master keys (every migration before this one, the AppSecret hashing key in
// plain text in settings) opens with a master key, and the AppSecret generated before keeps
// working; the plain-text keys, the old session keys among them, are gone from the file.
func TestPlainKeysOfAnOldDatabaseAreWrapped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	plainKey := []byte("0123456789abcdef0123456789abcdef")
	const secret = "0123456789abcdef0123456789abcdef"
	m := hmac.New(sha256.New, plainKey)
	m.Write([]byte(secret))
	for _, q := range []string{
		`INSERT INTO settings (key, value) VALUES ('appsecret_hmac_key', x'3031323334353637383961626364656630313233343536373839616263646566')`,
		`INSERT INTO settings (key, value) VALUES ('session_hash_key', x'00'), ('session_block_key', x'01')`,
		`INSERT INTO accounts (id, email, password_hash, step, appid, created_at) VALUES (1, 'old@example.com', 'x', 'done', 'wx00000000000000aa', '2026-01-01T00:00:00.000000000Z')`,
		`INSERT INTO app_secrets (account_id, secret_hash, created_at) VALUES (1, '` + hex.EncodeToString(m.Sum(nil)) + `', '2026-01-01T00:00:00.000000000Z')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.UseMasterKey(ctx, testMasterKey); err != nil {
		t.Fatal(err)
	}
	call := APICall{AppID: "wx00000000000000aa", Secret: secret, IP: netip.MustParseAddr("127.0.0.1")}
	if _, err := st.IssueAccessToken(ctx, call, 10); err != nil {
		t.Fatalf("the AppSecret of the old database: %v", err)
	}
	var n int
	st.read.QueryRowContext(ctx, `SELECT count(*) FROM settings`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d plain-text keys left in settings, want 0", n)
	}
	var wrapped []byte
	st.read.QueryRowContext(ctx, `SELECT wrapped FROM data_keys WHERE name = 'appsecret_hmac_key'`).Scan(&wrapped)
	if len(wrapped) == 0 || string(wrapped) == string(plainKey) || containsBytes(wrapped, plainKey) {
		t.Fatalf("the wrapped key shows the plain key: %x", wrapped)
	}
	// Opening again (the next start) unwraps what the first start wrapped.
	st.ring.Store(nil)
	if err := st.UseMasterKey(ctx, testMasterKey); err != nil {
		t.Fatal(err)
	}
	if _, err := st.IssueAccessToken(ctx, call, 10); err != nil {
		t.Fatalf("after a restart: %v", err)
	}
}

func containsBytes(haystack, needle []byte) bool {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if string(haystack[i:i+len(needle)]) == string(needle) {
			return true
		}
	}
	return false
}

// A copy of the database opened with another master key does not unlock: no AppSecret can
// be verified and no one-time value read. Rekey moves the data keys to a new master key, and
// the old key no longer opens them.
func TestMasterKeyGuardsTheDataKeys(t *testing.T) {
	e := newCredEnv(t)
	ctx := context.Background()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := e.st.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	cp, err := Open(ctx, copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if err := cp.UseMasterKey(ctx, []byte("another-master-key-0123456789abcdef01")); !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("another key: %v, want ErrWrongMasterKey", err)
	}
	call := e.call()
	if _, err := cp.IssueAccessToken(ctx, call, 10); !errors.Is(err, ErrNoMasterKey) {
		t.Fatalf("a token from the locked copy: %v, want ErrNoMasterKey", err)
	}

	newKey := []byte("the-new-master-key-0123456789abcdef0123")
	if err := e.st.Rekey(ctx, newKey); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.IssueAccessToken(ctx, call, 10); err != nil {
		t.Fatalf("after rekey: %v", err)
	}
	e.st.ring.Store(nil)
	if err := e.st.UseMasterKey(ctx, testMasterKey); !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("the old key after rekey: %v, want ErrWrongMasterKey", err)
	}
	if err := e.st.UseMasterKey(ctx, newKey); err != nil {
		t.Fatalf("the new key: %v", err)
	}
	if _, err := e.st.IssueAccessToken(ctx, call, 10); err != nil {
		t.Fatalf("with the new key: %v", err)
	}
}

// withTx rolls back when fn panics, lets the panic go on, and leaves the one write
// connection usable.
func TestWithTxRollsBackOnPanic(t *testing.T) {
	f := newFixture(t)
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		f.st.withTx(f.ctx, func(tx *sql.Tx) error {
			tx.ExecContext(f.ctx, `INSERT INTO registry (email, created_at) VALUES ('panic@example.com', 'x')`)
			panic("boom")
		})
	}()
	if n := f.count(`SELECT count(*) FROM registry`); n != 0 {
		t.Fatalf("the panicking transaction's insert was kept (%d rows)", n)
	}
	err := f.st.withTx(f.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(f.ctx, `INSERT INTO registry (email, created_at) VALUES ('after@example.com', 'x')`)
		return err
	})
	if err != nil || f.count(`SELECT count(*) FROM registry`) != 1 {
		t.Fatalf("the next transaction: %v", err)
	}
}

// The databases of earlier versions (testdata) keep their AppSecret hashing key through
// the wrapping: the key unlocked by the master key is the plain-text one they held, so
// every AppSecret they issued stays valid; no plain-text key is left in them.
func TestFixtureKeysSurviveWrapping(t *testing.T) {
	for _, file := range []string{"main-8861045.db", "main-ae13a5c.db", "main-396acaf.db"} {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), file)
			b, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", dsn(path, false))
			if err != nil {
				t.Fatal(err)
			}
			var plain []byte
			err = db.QueryRow(`SELECT value FROM settings WHERE key = 'appsecret_hmac_key'`).Scan(&plain)
			db.Close()
			if err != nil || len(plain) != 32 {
				t.Fatalf("the fixture's plain AppSecret key: %d bytes, %v", len(plain), err)
			}
			st, err := Open(t.Context(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.UseMasterKey(t.Context(), testMasterKey); err != nil {
				t.Fatal(err)
			}
			if got, _ := st.serverKey(keyAppSecret); string(got) != string(plain) {
				t.Fatal("the unlocked AppSecret key is not the fixture's: its AppSecrets would fail")
			}
			var n int
			st.read.QueryRowContext(t.Context(), `SELECT count(*) FROM settings`).Scan(&n)
			if n != 0 {
				t.Fatalf("%d plain-text keys left", n)
			}
		})
	}
}
