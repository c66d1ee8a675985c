package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serveAt runs `mpconsole serve` on a free port with env and args until the test ends,
// and returns its base URL.
func serveAt(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", newDB(t)}, args...), func(k string) string { return env[k] }, &out, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	addr := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)`)
	// A bound for a hung server, not a speed test.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
	}
	t.Fatalf("serve printed no address: %q", out.String())
	return ""
}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// --metrics (or MPCONSOLE_METRICS) serves /metrics; without it /metrics is a 404. /healthz
// answers either way.
func TestServeMetricsAndHealthz(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		args []string
		want int
	}{
		"flag":    {nil, []string{"--metrics"}, http.StatusOK},
		"env":     {map[string]string{"MPCONSOLE_METRICS": "true"}, nil, http.StatusOK},
		"env off": {map[string]string{"MPCONSOLE_METRICS": "true"}, []string{"--metrics=false"}, http.StatusNotFound},
		"default": {nil, nil, http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			base := serveAt(t, tc.env, tc.args...)
			if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK || strings.TrimSpace(body) != `{"status":"ok"}` {
				t.Fatalf("GET /healthz = %d %q, want 200 {\"status\":\"ok\"}", code, body)
			}
			code, body := httpGet(t, base+"/metrics")
			if code != tc.want {
				t.Fatalf("GET /metrics = %d, want %d", code, tc.want)
			}
			if code == http.StatusOK && !strings.Contains(body, `mpconsole_http_requests_total{method="GET",route="/healthz",status="200"} 1`) {
				t.Errorf("/metrics does not count the GET /healthz:\n%.2000s", body)
			}
		})
	}
}
