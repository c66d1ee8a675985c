package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// row is one measured run of one target.
type row struct {
	Name             string
	Hello            bool
	Requests, Errors int
	Rate             float64 // good answers per second
	P50, P99         time.Duration
	CPU              time.Duration // the answering process's CPU time per request
	// Ratio is Rate over the mean rate of the hello runs just before and after this one
	// (0 for hello runs): the goals are ratios, so they hold on any machine.
	Ratio float64
	// CPURatio is the hello runs' mean CPU per request over this one's: the ratio a load
	// generator that costs nothing would see (the hello runs are bound by the client).
	CPURatio float64
	Reasons  map[string]int // why answers were not good, and how many
}

// setRatios compares each target run with the bare hello runs on either side of it, which
// saw the same machine state.
func setRatios(rows []row) {
	for i := range rows {
		if rows[i].Hello {
			continue
		}
		var around []row
		for j := i - 1; j >= 0; j-- {
			if rows[j].Hello {
				around = append(around, rows[j])
				break
			}
		}
		for j := i + 1; j < len(rows); j++ {
			if rows[j].Hello {
				around = append(around, rows[j])
				break
			}
		}
		var rate float64
		var cpu time.Duration
		for _, h := range around {
			rate += h.Rate / float64(len(around))
			cpu += h.CPU / time.Duration(len(around))
		}
		if rate > 0 {
			rows[i].Ratio = rows[i].Rate / rate
		}
		if rows[i].CPU > 0 {
			rows[i].CPURatio = float64(cpu) / float64(rows[i].CPU)
		}
	}
}

// report is what mpload prints at the end of a run.
type report struct {
	Header   []string // what was measured, how, and on what
	Rows     []row
	RSS, HWM int64           // the server's memory after the load, bytes
	Starts   []time.Duration // restarts on the existing database: start to first 200
}

func (r report) write(w io.Writer) {
	for _, h := range r.Header {
		fmt.Fprintln(w, h)
	}
	fmt.Fprintf(w, "\n%-36s %9s %10s %10s %8s %8s %10s %9s\n", "run", "req/s", "p50", "p99", "errors", "ratio", "cpu/req", "cpu ratio")
	for _, x := range r.Rows {
		ratio, cpuRatio := "", ""
		if !x.Hello {
			ratio, cpuRatio = fmt.Sprintf("%.1f %%", 100*x.Ratio), fmt.Sprintf("%.1f %%", 100*x.CPURatio)
		}
		line := fmt.Sprintf("%-36s %9s %10s %10s %8d %8s %10s %9s", x.Name, thousands(x.Rate), ms(x.P50), ms(x.P99), x.Errors, ratio, us(x.CPU), cpuRatio)
		line = strings.TrimRight(line, " ")
		fmt.Fprintln(w, line)
	}
	for _, x := range r.Rows {
		for _, why := range slices.Sorted(maps.Keys(x.Reasons)) {
			fmt.Fprintf(w, "  %s: %d × %s\n", x.Name, x.Reasons[why], why)
		}
	}
	fmt.Fprintln(w)
	if r.RSS > 0 {
		fmt.Fprintf(w, "server memory after the load: VmRSS %.1f MiB, peak VmHWM %.1f MiB\n", mib(r.RSS), mib(r.HWM))
	}
	if len(r.Starts) > 0 {
		all := make([]string, len(r.Starts))
		for i, d := range r.Starts {
			all[i] = ms(d)
		}
		fmt.Fprintf(w, "start to first 200 on the existing database: median %s over %d starts (%s)\n",
			ms(median(r.Starts)), len(r.Starts), strings.Join(all, ", "))
	}
}

// thousands writes a rate as a whole number with thousands separators: 35,770.
func thousands(f float64) string {
	s := strconv.FormatInt(int64(f+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func us(d time.Duration) string { return thousands(float64(d)/float64(time.Microsecond)) + " µs" }

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// median of ds (the lower middle one of an even count).
func median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	return s[(len(s)-1)/2]
}
