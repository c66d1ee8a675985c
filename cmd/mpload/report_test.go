package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// A target is compared with the mean of the hello runs on either side of it, or with the
// one there is.
func TestSetRatios(t *testing.T) {
	us := time.Microsecond
	rows := []row{
		{Name: "hello", Hello: true, Rate: 1000, CPU: 20 * us},
		{Name: "members", Rate: 100, CPU: 1000 * us},
		{Name: "hello", Hello: true, Rate: 3000, CPU: 40 * us},
		{Name: "post", Rate: 600, CPU: 400 * us},
		{Name: "token", Rate: 300},
	}
	setRatios(rows)
	for i, want := range []struct{ rate, cpu float64 }{{0, 0}, {0.05, 0.03}, {0, 0}, {0.2, 0.1}, {0.1, 0}} {
		if got := rows[i].Ratio; got < want.rate-1e-9 || got > want.rate+1e-9 {
			t.Errorf("row %d (%s): ratio %v, want %v", i, rows[i].Name, got, want.rate)
		}
		if got := rows[i].CPURatio; got < want.cpu-1e-9 || got > want.cpu+1e-9 {
			t.Errorf("row %d (%s): CPU ratio %v, want %v", i, rows[i].Name, got, want.cpu)
		}
	}
}

func TestReportWrite(t *testing.T) {
	rep := report{
		Header: []string{"mpload: 32 connections"},
		Rows: []row{
			{Name: "bare net/http hello", Hello: true, Rate: 35770.4, P50: 800 * time.Microsecond, P99: 3100 * time.Microsecond,
				CPU: 25 * time.Microsecond},
			{Name: "members page", Rate: 804, P50: 38 * time.Millisecond, P99: 112 * time.Millisecond, Ratio: 0.0225, CPU: 1290 * time.Microsecond, CPURatio: 0.0194,
				Errors: 3, Reasons: map[string]int{"status 500": 2, "status 403": 1}},
		},
		RSS: 42 << 20, HWM: 55 << 20,
		Starts: []time.Duration{60 * time.Millisecond, 45 * time.Millisecond, 50 * time.Millisecond},
	}
	var b bytes.Buffer
	rep.write(&b)
	out := b.String()
	for _, want := range []string{
		"mpload: 32 connections\n",
		"bare net/http hello                     35,770    0.80 ms    3.10 ms        0               25 µs\n",
		"members page                               804   38.00 ms  112.00 ms        3    2.2 %   1,290 µs     1.9 %\n",
		"  members page: 1 × status 403\n  members page: 2 × status 500\n",
		"VmRSS 42.0 MiB, peak VmHWM 55.0 MiB",
		"median 50.00 ms over 3 starts (60.00 ms, 45.00 ms, 50.00 ms)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestThousands(t *testing.T) {
	for f, want := range map[float64]string{0: "0", 999.4: "999", 999.5: "1,000", 35770: "35,770", 1234567: "1,234,567"} {
		if got := thousands(f); got != want {
			t.Errorf("thousands(%v) = %q, want %q", f, got, want)
		}
	}
}

// The checks tell a good answer from the ways a load run goes wrong.
func TestChecks(t *testing.T) {
	token := expect(http.StatusOK, `"access_token"`)
	post := expectRedirect("/dev/settings")
	for _, c := range []struct {
		check func(*vegeta.Result) string
		res   vegeta.Result
		want  string
	}{
		{token, vegeta.Result{Code: 200, Body: []byte(`{"access_token":"x","expires_in":7200}`)}, ""},
		{token, vegeta.Result{Code: 200, Body: []byte(`{"errcode":45009,"errmsg":"reach max api daily quota limit"}`)}, "errcode 45009"},
		{token, vegeta.Result{Code: 200, Body: []byte(`oops`)}, `an answer without "access_token"`},
		{token, vegeta.Result{Code: 0, Error: "connection refused"}, "connection refused"},
		{post, vegeta.Result{Code: 303, Headers: http.Header{"Location": {"/dev/settings"}}}, ""},
		{post, vegeta.Result{Code: 303, Headers: http.Header{"Location": {"/login"}}}, "a redirect to /login"},
		{post, vegeta.Result{Code: 403}, "status 403"},
	} {
		if got := c.check(&c.res); got != c.want {
			t.Errorf("%d %q: %q, want %q", c.res.Code, c.res.Body, got, c.want)
		}
	}
}

// Each minted code is spent once; the targeter ends the attack when they run out.
func TestCodeTargeter(t *testing.T) {
	tr := codeTargeter("http://x/sns/jscode2session?js_code=", []string{"a", "b"})
	var got []string
	for range 2 {
		var tg vegeta.Target
		if err := tr(&tg); err != nil {
			t.Fatal(err)
		}
		got = append(got, tg.URL)
	}
	if got[0] != "http://x/sns/jscode2session?js_code=a" || got[1] != "http://x/sns/jscode2session?js_code=b" {
		t.Fatalf("targets %v", got)
	}
	if err := tr(&vegeta.Target{}); err != errNoCodes {
		t.Fatalf("third target: %v, want errNoCodes", err)
	}
}

func TestStatCPU(t *testing.T) {
	stat := "4242 (mp console) S 1 4242 4242 0 -1 4194560 1200 0 0 0 250 37 0 0 20 0 9 0 123 0 0"
	if got := statCPU(stat); got != 2870*time.Millisecond {
		t.Fatalf("statCPU = %v, want 2.87s (250 + 37 ticks)", got)
	}
}

func TestStatusKB(t *testing.T) {
	status := "Name:\tmpconsole\nVmHWM:\t   56320 kB\nVmRSS:\t   43008 kB\n"
	if rss, hwm := statusKB(status, "VmRSS"), statusKB(status, "VmHWM"); rss != 43008 || hwm != 56320 {
		t.Fatalf("VmRSS %d, VmHWM %d; want 43008, 56320", rss, hwm)
	}
}
