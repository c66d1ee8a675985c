package main

import (
	"runtime/debug"
	"testing"
)

// serve lets the heap grow to three times its live size before collecting (GC percent
// 200), unless GOGC in the environment says otherwise.
func TestServeGCPercent(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	serveAt(t, map[string]string{})
	if got := debug.SetGCPercent(100); got != 200 {
		t.Fatalf("GC percent after serve = %d, want 200", got)
	}
	serveAt(t, map[string]string{"GOGC": "150"})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC=150 serve set the GC percent to %d; the runtime's reading of GOGC should stand", got)
	}
}
