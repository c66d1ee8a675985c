// Command mpload measures mpconsole under load, for the performance goals of BENCHMARKS.md.
//
// It builds mpconsole from this checkout, starts it on a free loopback port with a
// temporary database (or a copy of -db), seeds the load account, signs in through the
// login pages as a browser does, then measures each target with vegeta at a fixed number
// of connections (-c, 32): a fixed worker count with no rate limit, each worker sending
// its next request once its previous answer is in. That is a closed loop, as wrk -c is,
// so the figures compare with the wrk baseline, and the goals are stated as the
// throughput one can get at 32 connections, not as the latency at a chosen rate.
//
// Every target runs between two runs of a bare net/http handler (mpload itself, started
// as a separate process, as the server is), and is reported as a ratio to their mean, so
// both saw the same machine. After the load it reads the server's memory from /proc, and
// restarts it a few times on the database the load left, timing start to first 200.
//
//	go run ./cmd/mpload                         # make load
//	go run ./cmd/mpload -profile profiles       # make profile: pprof CPU and allocations per target
//	go run ./cmd/mpload -seed-big big.db        # the big database of the goals
//	go run ./cmd/mpload -db big.db              # the same targets on a copy of it
//	go run ./cmd/mpload -seed-big hist.db -big-accounts 0 -big-log 0 -big-history
//	go run ./cmd/mpload -db hist.db -only stats,logs   # /stats and /logs on a big history
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"mpconsole/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "mpload:", err)
		os.Exit(1)
	}
}

type options struct {
	duration, warmup time.Duration
	conns, starts    int
	db, profile      string
	only             []string // target slugs; empty is all
	seedBig          string
	big              store.Big
	bigHistory       bool
	helloServe       string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	var only string
	fs := flag.NewFlagSet("mpload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", 8*time.Second, "how long each run lasts")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "an unreported run of each target before the measured ones")
	fs.IntVar(&o.conns, "c", 32, "concurrent connections (vegeta workers)")
	fs.IntVar(&o.starts, "starts", 5, "restarts on the existing database to time start to first 200")
	fs.StringVar(&o.db, "db", "", "measure on a copy of this database instead of a fresh one (e.g. one made by -seed-big)")
	fs.StringVar(&o.profile, "profile", "", "save pprof CPU and allocation profiles of the server under each target's load in this directory")
	fs.StringVar(&only, "only", "", "comma-separated targets to measure: members, post, token, jscode2session (the default), stats, logs")
	fs.StringVar(&o.seedBig, "seed-big", "", "build the big database of the goals into this new file, and exit")
	fs.IntVar(&o.big.Accounts, "big-accounts", store.BigGoal.Accounts, "with -seed-big: accounts besides the load account")
	fs.IntVar(&o.big.MembersPerAccount, "big-members", store.BigGoal.MembersPerAccount, "with -seed-big: members of each account")
	fs.IntVar(&o.big.LogRows, "big-log", store.BigGoal.LogRows, "with -seed-big: operation-log rows")
	fs.BoolVar(&o.bigHistory, "big-history", false, "with -seed-big: give the load account 90 days × 50,000 visits a day and 1,000,000 log rows (for -only stats,logs)")
	fs.StringVar(&o.helloServe, "hello-serve", "", "serve the bare hello handler on this address (mpload starts itself so)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if only != "" {
		o.only = strings.Split(only, ",")
	}
	switch {
	case o.helloServe != "":
		return serveHello(ctx, o.helloServe)
	case o.seedBig != "":
		return seedBig(ctx, o, stdout)
	}
	return load(ctx, o, stdout, stderr)
}

// seedBig builds the big database into a new file: the load account, then store.SeedBig.
func seedBig(ctx context.Context, o options, stdout io.Writer) error {
	if _, err := os.Stat(o.seedBig); err == nil {
		return fmt.Errorf("%s exists: -seed-big builds a new file", o.seedBig)
	}
	began := time.Now()
	st, err := store.Open(ctx, o.seedBig)
	if err != nil {
		return err
	}
	l, err := st.SeedLoad(ctx)
	if err != nil {
		st.Close()
		return err
	}
	if o.big.Accounts > 0 {
		if err := st.SeedBig(ctx, o.big); err != nil {
			st.Close()
			return err
		}
	}
	if o.bigHistory {
		if err := st.SeedHistory(ctx, l.AccountID); err != nil {
			st.Close()
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(o.seedBig)
	if err != nil {
		return err
	}
	history := ""
	if o.bigHistory {
		history = fmt.Sprintf(", the load account's history (90 days × %d visitors, %d log rows)", store.HistoryVisitors, store.HistoryLogRows)
	}
	fmt.Fprintf(stdout, "seeded %s in %s: the load account, %d accounts × %d members, %d log rows%s (%.0f MiB)\n",
		o.seedBig, time.Since(began).Round(100*time.Millisecond), o.big.Accounts, o.big.MembersPerAccount, o.big.LogRows, history, mib(fi.Size()))
	fmt.Fprintf(stdout, "measure it with: go run ./cmd/mpload -db %s\n", o.seedBig)
	return nil
}

// copyDB copies the database at src, with its write-ahead log if it has one, so a run
// leaves the original as it was and runs on it stay comparable.
func copyDB(src, dst string) error {
	if err := copyFile(src, dst); err != nil {
		return err
	}
	if _, err := os.Stat(src + "-wal"); err == nil {
		return copyFile(src+"-wal", dst+"-wal")
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// loadAverage is the first line of /proc/loadavg, the 1, 5 and 15 minute averages.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}
