package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run measured. Latencies come from post.lua's done() line
// (exact microseconds); requests per second from wrk's own summary.
type wrkResult struct {
	Requests  int64
	Duration  time.Duration
	ReqPerSec float64

	P50, P75, P90, P95, P99, Max time.Duration
	Mean                         time.Duration

	Checked     int64 // responses post.lua's response() saw
	WrongStatus int64 // of those, status other than 200
	WrongLength int64 // of those, status 200 with a body of another length

	ErrConnect, ErrRead, ErrWrite, ErrStatus, ErrTimeout int64
}

// Mismatches is the number of checked responses that were not the expected answer.
func (r wrkResult) Mismatches() int64 { return r.WrongStatus + r.WrongLength }

// SocketErrors is the number of connect, read, write and timeout errors wrk counted.
func (r wrkResult) SocketErrors() int64 {
	return r.ErrConnect + r.ErrRead + r.ErrWrite + r.ErrTimeout
}

// wrkRun describes one wrk invocation.
type wrkRun struct {
	Threads, Connections int
	Duration             time.Duration
	Latency              bool   // --latency
	Script               string // bench/post.lua
	URL                  string // must be on a loopback address
	BodyFile             string
	ExpectedLength       int
}

// args returns wrk's command line (without "wrk").
func (w wrkRun) args() []string {
	secs := int((w.Duration + time.Second - 1) / time.Second)
	a := []string{
		"-t", strconv.Itoa(w.Threads),
		"-c", strconv.Itoa(w.Connections),
		"-d", strconv.Itoa(secs) + "s",
		"--timeout", "10s",
		"-s", w.Script,
	}
	if w.Latency {
		a = append(a, "--latency")
	}
	return append(a, w.URL, "--", w.BodyFile, strconv.Itoa(w.ExpectedLength))
}

// run runs wrk and parses its output. It refuses any URL whose host is not a loopback address.
func (w wrkRun) run(ctx context.Context) (wrkResult, string, error) {
	if err := checkLoopback(w.URL); err != nil {
		return wrkResult{}, "", err
	}
	cmd := exec.CommandContext(ctx, "wrk", w.args()...)
	cmd.SysProcAttr = childAttr()
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return wrkResult{}, string(out), ctx.Err()
	}
	if err != nil {
		return wrkResult{}, string(out), fmt.Errorf("wrk %s: %w\n%s", strings.Join(w.args(), " "), err, out)
	}
	res, err := parseWrk(string(out))
	if err != nil {
		return res, string(out), fmt.Errorf("wrk %s: %w\n%s", strings.Join(w.args(), " "), err, out)
	}
	return res, string(out), nil
}

// checkLoopback returns an error unless rawURL names a loopback IP address: the benchmark
// sends load to this machine only.
func checkLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("load target %q: %w", rawURL, err)
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("load target %q: not a loopback IP address; the benchmark only loads 127.0.0.1", rawURL)
	}
	return nil
}

// parseWrk reads wrk's summary ("Requests/sec:", "N requests in D, X read") and post.lua's
// "atrium-bench:" line.
func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	var sawRate, sawLua bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "unable to connect"):
			return r, errors.New(line)
		case strings.HasPrefix(line, "Requests/sec:"):
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, "Requests/sec:")), 64)
			if err != nil {
				return r, fmt.Errorf("reading %q: %w", line, err)
			}
			r.ReqPerSec, sawRate = v, true
		case strings.HasPrefix(line, "atrium-bench:"):
			if err := parseLuaLine(strings.TrimPrefix(line, "atrium-bench:"), &r); err != nil {
				return r, err
			}
			sawLua = true
		case strings.Contains(line, " requests in ") && r.Requests == 0 && !sawLua:
			// "23912 requests in 5.00s, 2.00GB read": used only if post.lua's line is missing.
			f := strings.Fields(line)
			if len(f) >= 4 {
				n, err1 := strconv.ParseInt(f[0], 10, 64)
				d, err2 := parseWrkDuration(strings.TrimSuffix(f[3], ","))
				if err1 == nil && err2 == nil {
					r.Requests, r.Duration = n, d
				}
			}
		}
	}
	switch {
	case !sawLua:
		return r, errors.New(`no "atrium-bench:" line in wrk's output: run wrk with -s bench/post.lua`)
	case !sawRate:
		return r, errors.New(`no "Requests/sec:" line in wrk's output`)
	}
	return r, nil
}

func parseLuaLine(s string, r *wrkResult) error {
	ints := map[string]*int64{
		"requests": &r.Requests, "checked": &r.Checked,
		"wrong_status": &r.WrongStatus, "wrong_length": &r.WrongLength,
		"errors_connect": &r.ErrConnect, "errors_read": &r.ErrRead, "errors_write": &r.ErrWrite,
		"errors_status": &r.ErrStatus, "errors_timeout": &r.ErrTimeout,
	}
	durs := map[string]*time.Duration{
		"duration_us": &r.Duration, "p50_us": &r.P50, "p75_us": &r.P75, "p90_us": &r.P90,
		"p95_us": &r.P95, "p99_us": &r.P99, "max_us": &r.Max, "mean_us": &r.Mean,
	}
	seen := map[string]bool{}
	for _, kv := range strings.Fields(s) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("post.lua's line: %q is not key=value", kv)
		}
		if p, ok := ints[k]; ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return fmt.Errorf("post.lua's line: %s: %w", k, err)
			}
			*p = n
		} else if p, ok := durs[k]; ok {
			us, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("post.lua's line: %s: %w", k, err)
			}
			*p = time.Duration(us * float64(time.Microsecond))
		}
		seen[k] = true
	}
	for _, k := range []string{"requests", "checked", "p50_us", "p95_us", "p99_us"} {
		if !seen[k] {
			return fmt.Errorf("post.lua's line has no %s: is bench/post.lua up to date?", k)
		}
	}
	return nil
}

// parseWrkDuration reads wrk's time format: "296.00us", "1.82ms", "5.00s", "1.00m", "1.00h".
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{{"us", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("wrk duration %q: %w", s, err)
			}
			return time.Duration(v * float64(u.unit)), nil
		}
	}
	return 0, fmt.Errorf("wrk duration %q: unknown unit", s)
}
