package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readSample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseWrkLatencyRun(t *testing.T) {
	t.Parallel()
	got, err := parseWrk(readSample(t, "wrk-latency.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{
		Requests: 101067, Duration: 2099531 * time.Microsecond, ReqPerSec: 48137.89,
		P50: 156 * time.Microsecond, P75: 322 * time.Microsecond, P90: 1778 * time.Microsecond,
		P95: 3011 * time.Microsecond, P99: 4328 * time.Microsecond, Max: 8503 * time.Microsecond,
		Mean:    time.Duration(533.3 * float64(time.Microsecond)),
		Checked: 101067, WrongStatus: 101, WrongLength: 130, ErrStatus: 101,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseWrk:\n got %+v\nwant %+v", got, want)
	}
	if got.Mismatches() != 231 || checked(got) != "100836/101067 ok, 101 not 200, 130 wrong length" {
		t.Errorf("mismatches %d, checked %q", got.Mismatches(), checked(got))
	}
}

func TestParseWrkWithoutLatencyFlag(t *testing.T) {
	t.Parallel()
	got, err := parseWrk(readSample(t, "wrk-no-latency.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Requests != 56845 || got.ReqPerSec != 56794.23 || got.P95 != 3085*time.Microsecond {
		t.Errorf("got %+v", got)
	}
}

func TestParseWrkErrors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct{ out, want string }{
		"connection refused": {readSample(t, "wrk-refused.txt"), "unable to connect to 127.0.0.1:15999"},
		"no script line": {
			"  10 requests in 1.00s, 1.00KB read\nRequests/sec:     10.00\n",
			`no "atrium-bench:" line`,
		},
		"no rate":    {"atrium-bench: requests=1 checked=1 p50_us=1 p95_us=1 p99_us=1\n", `no "Requests/sec:" line`},
		"old script": {"Requests/sec: 1\natrium-bench: requests=1 checked=1\n", "has no p50_us"},
		"garbage":    {"Requests/sec: 1\natrium-bench: requests=x\n", "requests"},
	} {
		_, err := parseWrk(tc.out)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
}

func TestParseWrkDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		"296.00us": 296 * time.Microsecond,
		"1.82ms":   1820 * time.Microsecond,
		"5.00s":    5 * time.Second,
		"1.50m":    90 * time.Second,
		"1.00h":    time.Hour,
	} {
		got, err := parseWrkDuration(in)
		if err != nil || got != want {
			t.Errorf("parseWrkDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseWrkDuration("3 parsecs"); err == nil {
		t.Error("parseWrkDuration accepted an unknown unit")
	}
}

func TestWrkArgs(t *testing.T) {
	t.Parallel()
	w := wrkRun{
		Threads: 2, Connections: 50, Duration: 1500 * time.Millisecond, Latency: true,
		Script: "/r/bench/post.lua", URL: "http://127.0.0.1:14400/graphql", BodyFile: "/tmp/b.json", ExpectedLength: 87599,
	}
	got := strings.Join(w.args(), " ")
	want := "-t 2 -c 50 -d 2s --timeout 10s -s /r/bench/post.lua --latency http://127.0.0.1:14400/graphql -- /tmp/b.json 87599"
	if got != want {
		t.Errorf("args:\n got %s\nwant %s", got, want)
	}
}

func TestCheckLoopback(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"http://127.0.0.1:4000/graphql", "http://127.0.0.2/x", "http://[::1]:80/"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("checkLoopback(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"http://10.0.0.1/graphql", "http://localhost/graphql", "http://example.com/", "::"} {
		if err := checkLoopback(bad); err == nil {
			t.Errorf("checkLoopback(%q) accepted it", bad)
		}
	}
}
