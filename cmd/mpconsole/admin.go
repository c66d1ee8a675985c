package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"mpconsole/store"
)

func opsCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "grant" && args[0] != "revoke") {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, "Usage: mpconsole ops grant|revoke [--db FILE] WECHAT_ID")
			return nil
		}
		return usageError{"ops: want grant or revoke"}
	}
	verb := args[0]
	fs, db := newFlags("ops "+verb, "ops "+verb+" [--db FILE] WECHAT_ID", getenv, stdout)
	rest, err := parse(fs, args[1:], 1)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetOperator(ctx, rest[0], verb == "grant"); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no WeChat identity %q (sign it up at /wx/signup first)", rest[0])
	} else if err != nil {
		return err
	}
	if verb == "grant" {
		fmt.Fprintf(stdout, "%s is now a platform reviewer: sign in at /wx/login and open /ops\n", rest[0])
	} else {
		fmt.Fprintf(stdout, "%s is no longer a platform reviewer\n", rest[0])
	}
	return nil
}

func registryCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(stdout, "Usage: mpconsole registry import [--db FILE] FILE")
			return nil
		}
		return usageError{"registry: want import"}
	}
	fs, db := newFlags("registry import", "registry import [--db FILE] FILE", getenv, stdout)
	rest, err := parse(fs, args[1:], 1)
	if err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.ImportRegistry(ctx, f)
	if err != nil {
		return fmt.Errorf("import %s (nothing imported): %w", rest[0], err)
	}
	fmt.Fprintf(stdout, "imported %d new email(s) into the open-platform registry\n", n)
	return nil
}

func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, db := newFlags("backup", "backup [--db FILE] FILE", getenv, stdout)
	rest, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if _, err := os.Stat(rest[0]); err == nil {
		return fmt.Errorf("%s exists; choose a new file name", rest[0])
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote a consistent copy of %s to %s\n", *db, rest[0])
	return nil
}
