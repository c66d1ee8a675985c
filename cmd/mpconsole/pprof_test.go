package main

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"
)

// With MPCONSOLE_PPROF set, the profiles answer on that loopback address (and not on the
// product's), and stop with the server.
func TestServePprof(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pprofAddr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, _, err := cli(ctx, map[string]string{"MPCONSOLE_PPROF": pprofAddr, "MPCONSOLE_DB": newDB(t)}, "serve", "--addr", "127.0.0.1:0")
		done <- err
	}()
	var status int
	for deadline := time.Now().Add(10 * time.Second); status == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if res, err := http.Get("http://" + pprofAddr + "/debug/pprof/allocs?debug=1"); err == nil {
			status = res.StatusCode
			res.Body.Close()
		}
	}
	if status != http.StatusOK {
		cancel()
		t.Fatalf("GET /debug/pprof/allocs on %s: status %d, want 200", pprofAddr, status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := http.Get("http://" + pprofAddr + "/debug/pprof/"); err == nil {
		t.Fatal("profiles still served after the server stopped")
	}
}
