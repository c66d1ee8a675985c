package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// profiler takes profiles of the server through the net/http/pprof endpoint it opens when
// MPCONSOLE_PPROF is set, and keeps them in dir.
type profiler struct {
	addr, dir string
}

// kinds of profile taken under each target's load: the CPU profile, and the allocations
// made while it ran (a delta of the allocs profile), with the pprof options of their tops.
var kinds = []struct{ name, path, topArgs string }{
	{"cpu", "/debug/pprof/profile", ""},
	{"allocs", "/debug/pprof/allocs", "-sample_index=alloc_space"},
}

// during starts the profiles of the next du of load on slug; wait returns once both
// are saved. They cover du less a second, so that they end before the load does. A
// garbage collection first (the heap profile with gc=1) books the allocations of earlier
// runs, which the allocation profile would otherwise count at the next collection.
func (p profiler) during(ctx context.Context, slug string, du time.Duration) (wait func() error) {
	secs := max(1, int(du/time.Second)-1)
	if err := p.fetch(ctx, fmt.Sprintf("http://%s/debug/pprof/heap?gc=1", p.addr), os.DevNull); err != nil {
		return func() error { return err }
	}
	var wg sync.WaitGroup
	errs := make([]error, len(kinds))
	for i, k := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = p.fetch(ctx, fmt.Sprintf("http://%s%s?seconds=%d", p.addr, k.path, secs), p.file(slug, k.name))
		}()
	}
	return func() error {
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func (p profiler) file(slug, kind string) string {
	return filepath.Join(p.dir, slug+"."+kind+".pb.gz")
}

func (p profiler) fetch(ctx context.Context, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("profile %s: status %d", url, res.StatusCode)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// tops writes `go tool pprof -top -nodecount=15` of slug's profiles to w and next to them
// (SLUG.KIND.top.txt).
func (p profiler) tops(ctx context.Context, w io.Writer, name, slug string) error {
	for _, k := range kinds {
		args := []string{"tool", "pprof", "-top", "-nodecount=15"}
		if k.topArgs != "" {
			args = append(args, k.topArgs)
		}
		out, err := exec.CommandContext(ctx, "go", append(args, p.file(slug, k.name))...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("go tool pprof %s: %v: %s", p.file(slug, k.name), err, out)
		}
		if err := os.WriteFile(filepath.Join(p.dir, slug+"."+k.name+".top.txt"), out, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n## %s — %s (%s)\n\n%s", name, k.name, p.file(slug, k.name), out)
	}
	return nil
}

// suspects are the likely costs the performance issue names, as pprof focus (and ignore)
// expressions over function names. Per-row queries do not show in a profile: they are
// counted in the code (BENCHMARKS.md).
var suspects = []struct{ name, focus, ignore string }{
	{"catalog lookups (go-i18n)", `go-i18n`, ""},
	{"session cookie (securecookie, gob)", `gorilla/securecookie|gorilla/sessions`, ""},
	{"CSRF middleware, its own work", `CSRFConfig\.ToMiddleware`, `web\.\(\*Server\)\.chrome`},
	{"request log line (slog, write)", `logRequests|log/slog`, ""},
	{"SQL prepare (parse, plan)", `_sqlite3LockAndPrepare`, ""},
	{"SQL step (run the statements)", `Xsqlite3_step`, ""},
	{"WAL write (pwrite)", `libc\.Xpwrite`, ""},
	{"rendering (views, templ), less catalog", `mpconsole/views|a-h/templ`, `go-i18n`},
	{"GC background marking", `runtime\.gcBgMarkWorker`, ""},
}

// suspectTable writes, for each suspect and target, the share of CPU time and of
// allocated bytes spent in it, as "cpu % / alloc %".
func (p profiler) suspectTable(ctx context.Context, w io.Writer, ts []target) error {
	fmt.Fprintf(w, "\nShare of the server's CPU time / allocated bytes under each target's load:\n\n%-40s", "suspect")
	for _, t := range ts {
		fmt.Fprintf(w, " %16s", t.slug)
	}
	fmt.Fprintln(w)
	for _, s := range suspects {
		fmt.Fprintf(w, "%-40s", s.name)
		for _, t := range ts {
			var cells []string
			for _, k := range kinds {
				args := []string{"tool", "pprof", "-top", "-cum", "-nodecount=1", "-focus=" + s.focus}
				if s.ignore != "" {
					args = append(args, "-ignore="+s.ignore)
				}
				if k.topArgs != "" {
					args = append(args, k.topArgs)
				}
				out, err := exec.CommandContext(ctx, "go", append(args, p.file(t.slug, k.name))...).Output()
				if err != nil {
					return fmt.Errorf("go tool pprof %s: %w", p.file(t.slug, k.name), err)
				}
				cells = append(cells, fmt.Sprintf("%.1f", cumShare(string(out))))
			}
			fmt.Fprintf(w, " %16s", strings.Join(cells, " / "))
		}
		fmt.Fprintln(w)
	}
	return nil
}

// cumShare reads the cum% of the first row of a `pprof -top -cum` listing: with a focus,
// the share of all samples that pass through it. No row is 0.
func cumShare(top string) float64 {
	_, rows, ok := strings.Cut(top, "flat%   sum%        cum   cum%\n")
	if !ok {
		return 0
	}
	f := strings.Fields(rows)
	if len(f) < 5 {
		return 0
	}
	v, _ := strconv.ParseFloat(strings.TrimSuffix(f[4], "%"), 64)
	return v
}
