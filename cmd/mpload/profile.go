package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
// are saved. They cover du less a second, so that they end before the load does.
func (p profiler) during(ctx context.Context, slug string, du time.Duration) (wait func() error) {
	secs := max(1, int(du/time.Second)-1)
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
