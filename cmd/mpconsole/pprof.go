package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves the runtime profiles of net/http/pprof on addr, which
// MPCONSOLE_PPROF sets (e.g. 127.0.0.1:6060), so the load tool can take CPU and allocation
// profiles of the server under load (BENCHMARKS.md). It listens apart from the product's
// routes, and only on a loopback address: profiles show the program's inner workings.
// The returned function stops it.
func startPprof(addr string) (func(), error) {
	if err := checkPprofAddr(addr); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("pprof: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(l)
	return func() { hs.Close() }, nil
}

// checkPprofAddr refuses anything but a loopback address and port, before serve creates
// any file.
func checkPprofAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return usageError{fmt.Sprintf("MPCONSOLE_PPROF: %q is not a loopback address and port", addr)}
	}
	return nil
}
