package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"mpconsole/store"
)

// load is a whole run: servers up, sign-in, warm-up, the alternating measured runs, memory,
// restarts, the report (and the profiles' tops).
func load(ctx context.Context, o options, stdout, logw io.Writer) error {
	dir, err := os.MkdirTemp("", "mpload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(logw, "mpload: building mpconsole")
	bin, err := buildServer(ctx, dir)
	if err != nil {
		return err
	}
	db, what := filepath.Join(dir, "load.db"), "a fresh database (the load account only)"
	if o.db != "" {
		what = "a copy of " + o.db
		if err := copyDB(o.db, db); err != nil {
			return err
		}
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := st.SeedLoad(ctx)
	if err != nil {
		return err
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	helloAddr, err := freeAddr()
	if err != nil {
		return err
	}
	hello, err := start(ctx, self, []string{"-hello-serve", helloAddr}, os.Environ(), filepath.Join(dir, "hello.log"), helloAddr, "/")
	if err != nil {
		return err
	}
	defer hello.stop()
	var prof *profiler
	pprofAddr := ""
	if o.profile != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return err
		}
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return err
		}
		prof = &profiler{addr: pprofAddr, dir: o.profile}
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	logFile := filepath.Join(dir, "server.log")
	srv, err := start(ctx, bin, serverArgs(db, addr), serverEnv(pprofAddr), logFile, addr, "/login")
	if err != nil {
		return err
	}
	running := true
	defer func() {
		if running {
			srv.stop()
		}
	}()
	fmt.Fprintln(logw, "mpload: signing in through the login pages")
	acct, err := signIn(srv.base, l)
	if err != nil {
		return err
	}

	var apiRate float64
	all := targets(ctx, hello.base, srv.base, st, acct, &apiRate)
	for i := range all {
		all[i].server = srv
		if all[i].hello {
			all[i].server = hello
		}
	}
	ts := []target{all[0]}
	for _, t := range all[1:] {
		if len(o.only) == 0 && !t.extra || slices.Contains(o.only, t.slug) {
			ts = append(ts, t)
		}
	}
	if len(ts) == 1 {
		return fmt.Errorf("-only %v names no target", o.only)
	}
	for _, t := range ts {
		fmt.Fprintf(logw, "mpload: warming up %s (%s)\n", t.name, o.warmup)
		if _, err := measure(ctx, t, o.conns, o.warmup, nil); err != nil {
			return err
		}
	}
	loadAvg := loadAverage()
	var rows []row
	for i, t := range ts {
		if i == 0 {
			continue
		}
		for _, t := range []target{ts[0], t} {
			fmt.Fprintf(logw, "mpload: measuring %s (%s)\n", t.name, o.duration)
			r, err := measure(ctx, t, o.conns, o.duration, prof)
			if err != nil {
				return err
			}
			rows = append(rows, r)
			if t.slug == "token" {
				apiRate = r.Rate
			}
		}
	}
	last, err := measure(ctx, ts[0], o.conns, o.duration, nil)
	if err != nil {
		return err
	}
	rows = append(rows, last)
	setRatios(rows)

	rep := report{Rows: rows, Header: []string{
		fmt.Sprintf("mpload: %d connections, %s per run after a %s warm-up; vegeta with %d fixed workers and no rate limit (a closed loop, as wrk -c%d)",
			o.conns, o.duration, o.warmup, o.conns, o.conns),
		fmt.Sprintf("database: %s; signed in as %s (%s) through the login pages", what, l.Email, l.AdminWechatID),
		fmt.Sprintf("machine: %d CPUs, %s, load average before the measured runs %s", runtime.NumCPU(), runtime.Version(), loadAvg),
		"hello: mpload's own bare net/http handler, in a process of its own as the server is",
		"ratio: req/s over the mean of the hello runs just before and after; cpu/req: the answering process's CPU time (user + system,",
		"  /proc/PID/stat) per request; cpu ratio: the hello runs' cpu/req over the target's (what a load generator costing nothing would see)",
	}}
	if prof != nil {
		rep.Header = append(rep.Header, "profiling: on (CPU and allocation profiles of every target run; the figures carry their cost)")
	}
	if rep.RSS, rep.HWM, err = srv.memory(); err != nil {
		return err
	}
	running = false
	if err := srv.stop(); err != nil {
		return fmt.Errorf("stop the server: %w", err)
	}
	for range o.starts {
		p, err := start(ctx, bin, serverArgs(db, addr), serverEnv(""), logFile, addr, "/login")
		if err != nil {
			return err
		}
		rep.Starts = append(rep.Starts, p.firstOK)
		if err := p.stop(); err != nil {
			return fmt.Errorf("stop the server: %w", err)
		}
	}
	rep.write(stdout)
	if prof == nil {
		return nil
	}
	if err := prof.suspectTable(ctx, stdout, ts[1:]); err != nil {
		return err
	}
	for _, t := range ts[1:] {
		if err := prof.tops(ctx, stdout, t.name, t.slug); err != nil {
			return err
		}
	}
	return nil
}

// measure runs t once for du, with profiles of the server when prof is set (hello runs
// are not profiled: they do not touch the server).
func measure(ctx context.Context, t target, conns int, du time.Duration, prof *profiler) (row, error) {
	tr, err := t.targeter(du)
	if err != nil {
		return row{}, fmt.Errorf("%s: %w", t.name, err)
	}
	wait := func() error { return nil }
	if prof != nil && !t.hello {
		wait = prof.during(ctx, t.slug, du)
	}
	cpu0, err := t.server.cpuTime()
	if err != nil {
		return row{}, err
	}
	r := attack(ctx, t, tr, conns, du)
	if err := wait(); err != nil {
		return row{}, err
	}
	cpu1, err := t.server.cpuTime()
	if err != nil {
		return row{}, err
	}
	if r.Requests > 0 {
		r.CPU = (cpu1 - cpu0) / time.Duration(r.Requests)
	}
	if ctx.Err() != nil {
		return row{}, errors.Join(ctx.Err(), fmt.Errorf("interrupted during %s", t.name))
	}
	return r, nil
}
