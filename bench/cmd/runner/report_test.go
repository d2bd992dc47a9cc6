package main

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleReport() report {
	res := func(mode, label string, rps float64, p50, p99 time.Duration, calls int64) result {
		return result{
			Mode: mode, Label: label, AnswerBytes: 87599, CPUSeconds: 30, PeakRSSKB: 51200,
			Wrk: wrkResult{
				Requests: 20000, ReqPerSec: rps, P50: p50, P95: p99 * 9 / 10, P99: p99,
				Checked: 20000,
			},
			Calls:      map[string]int64{"accounts": calls, "reviews": 2 * calls},
			ProbeCalls: map[string]int64{"accounts": 5, "reviews": 10}, ProbeRequests: 5,
		}
	}
	rs := []result{
		res("floor", "floor", 2000, 20*time.Millisecond, 40*time.Millisecond, 20000),
		res("atrium", "atrium dedup off", 1500, 30*time.Millisecond, 60*time.Millisecond, 20000),
		res("atrium-dedup", "atrium dedup on", 3000, 15*time.Millisecond, 35*time.Millisecond, 4000),
	}
	rs[2].Wrk.WrongLength, rs[2].Wrk.ErrTimeout = 3, 2
	shareOfFloor(rs)
	return report{
		When: time.Date(2026, 11, 24, 20, 0, 0, 0, time.UTC),
		Cfg: config{
			Duration: 20 * time.Second, Warmup: 5 * time.Second, Connections: 50, Threads: 2,
			SVG: "bench/results.svg",
		},
		Results: rs, Skipped: []string{"nothing skipped, really"},
		Machine: "2 CPUs, AMD EPYC", Commit: "abc1234", Wrk: "wrk 4.1.0",
	}
}

func TestTable(t *testing.T) {
	t.Parallel()
	want := `| mode | req/s | p50 ms | p95 ms | p99 ms | CPU s / 1k req | peak RSS MB | backend calls / req | answers checked | % of floor |
|---|--:|--:|--:|--:|--:|--:|--:|---|--:|
| floor | 2000 | 20.00 | 36.00 | 40.00 | 1.500 | 50.0 | 3.00 | 20000/20000 ok | 100% |
| atrium dedup off | 1500 | 30.00 | 54.00 | 60.00 | 1.500 | 50.0 | 3.00 | 20000/20000 ok | 75% |
| atrium dedup on | 3000 | 15.00 | 31.50 | 35.00 | 1.500 | 50.0 | 0.60 | 19997/20000 ok, 3 wrong length | 150% |
`
	if got := sampleReport().table(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestTableWithoutFloorOrRequests(t *testing.T) {
	t.Parallel()
	rep := sampleReport()
	rep.Results = rep.Results[1:2]
	rep.Results[0].Wrk.Requests = 0
	shareOfFloor(rep.Results)
	if !math.IsNaN(rep.Results[0].FloorShare) {
		t.Errorf("FloorShare without a floor = %v", rep.Results[0].FloorShare)
	}
	if got := rep.table(); !strings.Contains(got, "| 50.0 | – | 20000/0 ok | – |") {
		t.Errorf("table:\n%s", got)
	}
	if got := perSubgraph(nil, 0); got != "–" {
		t.Errorf("perSubgraph without requests = %q", got)
	}
}

func TestNotesAndMarkdown(t *testing.T) {
	t.Parallel()
	rep := sampleReport()
	rep.Results[1].ProbeCalls["accounts"] = 10 // atrium makes more calls than the floor
	rep.Results[0].OthersCPU, rep.Results[1].OthersCPU = 0.3, 0.01
	rep.Results[2].AfterCheck = `data.users[0].name: got null, want "Uri"`
	md := rep.markdown()
	for _, want := range []string{
		"\n## Federated workload, 2026-11-24 20:00 UTC, commit abc1234\n",
		"* Machine: 2 CPUs, AMD EPYC; go",
		"; wrk 4.1.0.\n",
		"* floor: other processes used 30% of the machine's CPU during the measured run, which skews its figures.\n",
		"* atrium dedup on: WRONG ANSWER after the run: data.users[0].name: got null, want \"Uri\"\n",
		"`wrk -t 2 -c 50`, 5s warm-up then 20s measured per mode",
		"| atrium dedup on | 3000 |",
		"* nothing skipped, really\n",
		"* floor: backend calls per request under load 3.00 (accounts 1.00, reviews 2.00), one request at a time 3.00 (accounts 1.00, reviews 2.00); answer 87599 bytes.\n",
		"* atrium dedup off makes 4.00 backend calls per request where the floor makes 3.00",
		"* atrium dedup on: backend calls per request under load 0.60 (accounts 0.20, reviews 0.40), one request",
		"* atrium dedup on: wrk counted socket errors: connect 0, read 0, write 0, timeout 2.\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "atrium dedup off: other processes") {
		t.Errorf("1%% of the machine flagged as skewing:\n%s", md)
	}
}

func TestAppendTo(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "RESULTS.md")
	if err := os.WriteFile(path, []byte("# Benchmark results\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := sampleReport()
	for range 2 {
		if err := rep.appendTo(path); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(b), "# Benchmark results\n") || strings.Count(string(b), "## Federated workload") != 2 {
		t.Errorf("RESULTS.md after two runs:\n%s", b)
	}
}

func TestSVGIsWellFormedAndLabelled(t *testing.T) {
	t.Parallel()
	rep := sampleReport()
	rep.Results = append(rep.Results, result{Mode: "gateway", Label: "<other> & co", Wrk: wrkResult{ReqPerSec: 10}})
	svg := rep.svg()
	d := xml.NewDecoder(strings.NewReader(svg))
	var texts []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		if cd, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(cd)) != "" {
			texts = append(texts, string(cd))
		}
	}
	all := strings.Join(texts, "|")
	for _, want := range []string{"Throughput, requests/s", "Latency, ms", "p50", "p99", "dedup on", "<other>", "& co", "3000", "35.0"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG text lacks %q: %s", want, all)
		}
	}
	empty := report{}
	if !strings.Contains(empty.svg(), "no results") {
		t.Error("empty SVG does not say so")
	}
}

func TestNiceScale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ max, step, top float64 }{
		{3000, 1000, 3000}, {3100, 1000, 4000}, {48.2, 10, 50}, {0.7, 0.2, 0.8}, {0, 1, 5},
	} {
		step, top := niceScale(tc.max)
		if math.Abs(step-tc.step) > 1e-9 || math.Abs(top-tc.top) > 1e-9 {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tc.max, step, top, tc.step, tc.top)
		}
	}
}

func TestCPUModel(t *testing.T) {
	t.Parallel()
	info := "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n"
	if got := cpuModel([]byte(info)); got != "AMD EPYC 7B13" {
		t.Errorf("cpuModel = %q", got)
	}
	if got := cpuModel([]byte("Hardware: BCM2835\n")); got != "unknown CPU" {
		t.Errorf("cpuModel without model name = %q", got)
	}
}
