// Command mpconsole is a self-hosted mimic of the WeChat mini program platform backend:
// the console, a simulated WeChat, the ops review queue and a WeChat-compatible API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "mpconsole:", err)
		os.Exit(2)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "mpconsole:", err)
		os.Exit(1)
	}
}

// usageError is a mistake on the command line: a one-line message and exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg + " (see mpconsole --help)" }

const usage = `mpconsole — the WeChat mini program platform backend, on your own machine.

Usage:
  mpconsole serve [flags]              start the server (console, /wx, /ops and the API)
  mpconsole ops grant WECHAT_ID        make a WeChat identity a platform reviewer
  mpconsole ops revoke WECHAT_ID       take the reviewer flag away
  mpconsole registry import FILE       load open-platform emails, one per line
  mpconsole backup FILE                write a consistent copy of the live database
  mpconsole rekey --new-key-file FILE  wrap the data keys under a new master key (stop the server first)
  mpconsole upload --server URL --appid APPID --key-file FILE --robot N --version V --desc TEXT DIR|ZIP
                                       upload a development version from CI with the code-upload key

Every subcommand but upload takes --db (env MPCONSOLE_DB, default mpconsole.db); ops,
registry and backup work while the server runs; upload talks to a server over HTTP. The
master key is MPCONSOLE_SECRET_KEY, or the file --secret-key-file (default: the database
file name + .key, created with mode 0600 on the first start): keep it with your backups.
Run "mpconsole COMMAND --help" for its flags.
`

// run is the whole program behind main, with its inputs injected so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"missing command"}
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "ops":
		return opsCommand(ctx, args[1:], getenv, stdout, stderr)
	case "registry":
		return registryCommand(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args[1:], getenv, stdout, stderr)
	case "rekey":
		return rekeyCommand(ctx, args[1:], getenv, stdout, stderr)
	case "upload":
		return uploadCommand(ctx, args[1:], getenv, stdout)
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// newFlags makes a subcommand's flag set with the shared --db flag; --help prints its
// usage to stdout.
func newFlags(name, synopsis string, getenv func(string) string, stdout io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: mpconsole %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	db := fs.String("db", envOr(getenv, "MPCONSOLE_DB", "mpconsole.db"), "SQLite database file (env MPCONSOLE_DB)")
	return fs, db
}

// parse parses args, turning flag errors into usage errors (one line, which main prints:
// the flag package would print the whole usage after it) and --help into the usage and
// ErrHelp.
func parse(fs *flag.FlagSet, args []string, positional int) ([]string, error) {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	rest, err := parseInterspersed(fs, args)
	fs.Usage = usage
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		usage()
		return nil, err
	} else if err != nil {
		return nil, usageError{err.Error()}
	}
	if len(rest) != positional {
		return nil, usageError{fmt.Sprintf("%s: want %d argument(s), got %d", fs.Name(), positional, len(rest))}
	}
	return rest, nil
}

// parseInterspersed lets flags come before or after the arguments (README writes
// "ops revoke WECHAT_ID --db FILE"): the flag package stops at the first argument, so it
// is set aside and parsing goes on after it. After "--" everything is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
