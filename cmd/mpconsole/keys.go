package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"mpconsole/store"
)

// keyFileFor is the default key file of a database: beside it, never inside it.
func keyFileFor(db string) string { return db + ".key" }

// masterKey is the master key: MPCONSOLE_SECRET_KEY itself when set, else the key file.
// With create, a missing key file is made with a new random key and mode 0600 (the first
// start), and created says so; a key file that group or others may read is refused.
func masterKey(getenv func(string) string, file string, create bool, stdout io.Writer) (key []byte, created bool, err error) {
	if v := getenv("MPCONSOLE_SECRET_KEY"); v != "" {
		if len(v) < store.MinMasterKeyLen {
			return nil, false, usageError{fmt.Sprintf("MPCONSOLE_SECRET_KEY: must be at least %d characters", store.MinMasterKeyLen)}
		}
		return []byte(v), false, nil
	}
	key, err = readKeyFile(file)
	if errors.Is(err, fs.ErrNotExist) && create {
		if err := writeKeyFile(file); err != nil {
			return nil, false, err
		}
		fmt.Fprintf(stdout, "created the master key %s (mode 0600): keep it with your backups; without it the database's AppSecrets and sessions cannot be opened\n", file)
		key, err = readKeyFile(file)
		return key, err == nil, err
	}
	return key, false, err
}

// readKeyFile reads a key file, refusing one that others may read.
func readKeyFile(file string) ([]byte, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("master key %s is readable by others (mode %04o): run chmod 600 %s", file, fi.Mode().Perm(), file)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("master key: %w", err)
	}
	key := []byte(strings.TrimSpace(string(raw)))
	if len(key) < store.MinMasterKeyLen {
		return nil, fmt.Errorf("master key %s: must hold at least %d characters", file, store.MinMasterKeyLen)
	}
	return key, nil
}

// writeKeyFile creates file with 32 random bytes in hex, readable by its owner only; it
// never overwrites a key.
func writeKeyFile(file string) error {
	b := make([]byte, 32)
	rand.Read(b)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create master key: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(b) + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write master key: %w", err)
	}
	return f.Close()
}

func rekeyCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, db := newFlags("rekey", "rekey --new-key-file FILE [--db FILE] [--secret-key-file FILE]", getenv, stdout)
	keyFile := fs.String("secret-key-file", "", "the current master key file (default: the database file name + .key; MPCONSOLE_SECRET_KEY gives the key itself)")
	newFile := fs.String("new-key-file", "", "the new master key file; created with a new random key (mode 0600) when it does not exist")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *newFile == "" {
		return usageError{"rekey: --new-key-file is required"}
	}
	if *keyFile == "" {
		*keyFile = keyFileFor(*db)
	}
	old, _, err := masterKey(getenv, *keyFile, false, stdout)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.UseMasterKey(ctx, old); err != nil {
		return err
	}
	nw, _, err := masterKey(func(string) string { return "" }, *newFile, true, stdout)
	if err != nil {
		return err
	}
	if string(nw) == string(old) {
		return fmt.Errorf("%s holds the current key", *newFile)
	}
	if err := st.Rekey(ctx, nw); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "the data keys of %s are now wrapped under %s; every session was signed out.\nStart the server with --secret-key-file %s (or move it over %s) and keep it with your backups.\n",
		*db, *newFile, *newFile, *keyFile)
	return nil
}
