package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a server mpload started in its own process: mpconsole, or the bare hello
// handler (mpload itself with -hello-serve), so both answer from a process of their own
// and compete with the load generator for the CPUs in the same way.
type proc struct {
	cmd     *exec.Cmd
	base    string        // http://127.0.0.1:PORT
	firstOK time.Duration // from starting the process to its first 200
	done    chan error
}

// freeAddr is a loopback address with a port nobody listens on right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs bin with args and env, its output going to logFile, and waits until GET
// probe answers 200 (at most 30 s).
func start(ctx context.Context, bin string, args, env []string, logFile, addr, probe string) (*proc, error) {
	out, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, out, out
	// The servers die with mpload, even when it is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &proc{cmd: cmd, base: "http://" + addr, done: make(chan error, 1)}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", filepath.Base(bin), err)
	}
	go func() { p.done <- cmd.Wait() }()
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for deadline := began.Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("%s exited before answering (%v); its output is in %s", filepath.Base(bin), err, logFile)
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		default:
		}
		res, err := hc.Get(p.base + probe)
		if err != nil {
			continue
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			p.firstOK = time.Since(began)
			return p, nil
		}
	}
	p.stop()
	return nil, fmt.Errorf("%s gave no 200 on %s within 30 s; its output is in %s", filepath.Base(bin), probe, logFile)
}

// stop ends the process as an operator would (SIGTERM, a graceful shutdown), killing it
// when it takes longer than 15 s.
func (p *proc) stop() error {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		return err
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		return errors.New("did not stop within 15 s of SIGTERM")
	}
}

// memory reads the resident set size and its peak (VmRSS, VmHWM) of the process, in bytes.
func (p *proc) memory() (rss, hwm int64, err error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, 0, err
	}
	return statusKB(string(raw), "VmRSS") * 1024, statusKB(string(raw), "VmHWM") * 1024, nil
}

// clockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time the process has used so far, user and system, all threads.
func (p *proc) cpuTime() (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	return statCPU(string(raw)), nil
}

// statCPU reads utime + stime from a /proc/PID/stat line: the 14th and 15th fields,
// counted after the command name in parentheses (which may hold spaces).
func statCPU(stat string) time.Duration {
	_, rest, _ := strings.Cut(stat, ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	user, _ := strconv.ParseInt(f[11], 10, 64)
	sys, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(user+sys) * clockTick
}

// statusKB reads a "Key:   1234 kB" line of /proc/PID/status.
func statusKB(status, key string) int64 {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// serveHello is the bare net/http handler the targets are compared with: a fixed body,
// no router, no middleware.
func serveHello(ctx context.Context, addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("hello"))
	})}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// buildServer compiles mpconsole into dir, so the run measures the code of this checkout.
func buildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "mpconsole")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "mpconsole/cmd/mpconsole")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build mpconsole: %w", err)
	}
	return bin, nil
}
