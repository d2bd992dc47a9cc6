package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// result is one mode's measured run.
type result struct {
	Mode, Label string
	Wrk         wrkResult
	AnswerBytes int              // length of the verified answer, which post.lua checks
	CPUSeconds  float64          // the process tree's user+system CPU during the measured run
	PeakRSSKB   int64            // VmHWM over the process tree, after the measured run
	Calls       map[string]int64 // subgraph requests during the measured run
	// ProbeCalls are the subgraph requests of ProbeRequests requests sent one at a time.
	ProbeCalls    map[string]int64
	ProbeRequests int
	AfterCheck    string // what was wrong with the answer after the run, "" if nothing
	// OthersCPU is the share of the machine's CPU that processes the runner did not
	// start used during the measured run.
	OthersCPU  float64
	FloorShare float64 // req/s as a share of the floor's; NaN without a floor
}

// CPUPer1k is CPU seconds per 1,000 requests.
func (r result) CPUPer1k() float64 { return perRequest(r.CPUSeconds, r.Wrk.Requests) * 1000 }

// CallsPerRequest is subgraph requests per gateway request under load. The calls of the
// requests still in flight when wrk stops count too, so it reads slightly high (by about
// connections / requests).
func (r result) CallsPerRequest() float64 { return perRequest(float64(sum(r.Calls)), r.Wrk.Requests) }

// CallsAlone is subgraph requests per gateway request sent one at a time.
func (r result) CallsAlone() float64 {
	return perRequest(float64(sum(r.ProbeCalls)), int64(r.ProbeRequests))
}

func sum(m map[string]int64) int64 {
	var n int64
	for _, c := range m {
		n += c
	}
	return n
}

func perRequest(x float64, requests int64) float64 {
	if requests == 0 {
		return math.NaN()
	}
	return x / float64(requests)
}

// shareOfFloor sets FloorShare of every result from the floor's requests per second.
func shareOfFloor(rs []result) {
	floor := math.NaN()
	for _, r := range rs {
		if r.Mode == "floor" {
			floor = r.Wrk.ReqPerSec
		}
	}
	for i := range rs {
		rs[i].FloorShare = rs[i].Wrk.ReqPerSec / floor
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// report is one run of the runner, as printed, appended to RESULTS.md and plotted.
type report struct {
	When    time.Time
	Cfg     config
	Results []result
	Skipped []string
	Machine string
	Commit  string
	Wrk     string
}

// table is the markdown table of the results.
func (rep report) table() string {
	var b strings.Builder
	b.WriteString("| mode | req/s | p50 ms | p95 ms | p99 ms | CPU s / 1k req | peak RSS MB | backend calls / req | answers checked | % of floor |\n")
	b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|---|--:|\n")
	for _, r := range rep.Results {
		fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.2f | %.2f | %s | %.1f | %s | %s | %s |\n",
			r.Label, r.Wrk.ReqPerSec, ms(r.Wrk.P50), ms(r.Wrk.P95), ms(r.Wrk.P99),
			num(r.CPUPer1k(), 3), float64(r.PeakRSSKB)/1024, num(r.CallsPerRequest(), 2),
			checked(r.Wrk), percent(r.FloorShare))
	}
	return b.String()
}

func num(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

func percent(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*x)
}

// checked reads "N/N ok", or says what was wrong.
func checked(w wrkResult) string {
	s := fmt.Sprintf("%d/%d ok", w.Checked-w.Mismatches(), w.Requests)
	if w.WrongStatus > 0 {
		s += fmt.Sprintf(", %d not 200", w.WrongStatus)
	}
	if w.WrongLength > 0 {
		s += fmt.Sprintf(", %d wrong length", w.WrongLength)
	}
	return s
}

// busyMachine is the share of the machine's CPU used by others from which a run's
// figures are flagged as skewed.
const busyMachine = 0.05

// notes explain the table: skipped modes, calls per subgraph, errors.
func (rep report) notes() []string {
	notes := append([]string(nil), rep.Skipped...)
	var floorCalls float64 = math.NaN()
	for _, r := range rep.Results {
		if r.Mode == "floor" {
			floorCalls = r.CallsAlone()
		}
	}
	for _, r := range rep.Results {
		notes = append(notes, fmt.Sprintf("%s: backend calls per request under load %s, one request at a time %s; answer %d bytes.",
			r.Label, perSubgraph(r.Calls, float64(r.Wrk.Requests)), perSubgraph(r.ProbeCalls, float64(r.ProbeRequests)), r.AnswerBytes))
		if r.Mode == "atrium" && !math.IsNaN(floorCalls) && math.Abs(r.CallsAlone()-floorCalls) > 0.01 {
			notes = append(notes, fmt.Sprintf("%s makes %s backend calls per request where the floor makes %s: its plan is not the floor's.",
				r.Label, num(r.CallsAlone(), 2), num(floorCalls, 2)))
		}
		if n := r.Wrk.SocketErrors(); n > 0 {
			notes = append(notes, fmt.Sprintf("%s: wrk counted socket errors: connect %d, read %d, write %d, timeout %d.",
				r.Label, r.Wrk.ErrConnect, r.Wrk.ErrRead, r.Wrk.ErrWrite, r.Wrk.ErrTimeout))
		}
		if r.OthersCPU >= busyMachine {
			notes = append(notes, fmt.Sprintf("%s: other processes used %s of the machine's CPU during the measured run, which skews its figures.",
				r.Label, percent(r.OthersCPU)))
		}
		if r.AfterCheck != "" {
			notes = append(notes, fmt.Sprintf("%s: WRONG ANSWER after the run: %s", r.Label, r.AfterCheck))
		}
		if r.Mode == "gateway" {
			notes = append(notes, fmt.Sprintf("%s is `%s`.", r.Label, rep.Cfg.Gateway))
		}
	}
	return notes
}

// perSubgraph reads "13.00 (accounts 3.00, inventory 4.00, ...)": calls divided by n.
func perSubgraph(calls map[string]int64, n float64) string {
	if n == 0 || calls == nil {
		return "–"
	}
	names := make([]string, 0, len(calls))
	for name := range calls {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %s", name, num(float64(calls[name])/n, 2))
	}
	return fmt.Sprintf("%s (%s)", num(float64(sum(calls))/n, 2), strings.Join(parts, ", "))
}

// markdown is the section appended to RESULTS.md.
func (rep report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Federated workload, %s, commit %s\n\n", rep.When.Format("2006-01-02 15:04 MST"), rep.Commit)
	fmt.Fprintf(&b, "* Machine: %s; %s; %s.\n", rep.Machine, runtime.Version(), rep.Wrk)
	fmt.Fprintf(&b, "* Load: `TestQuery` (testdata/bench-workload), `wrk -t %d -c %d`, %v warm-up then %v measured per mode;"+
		" subgraphs, gateway and wrk share the machine, all on 127.0.0.1. CPU and peak RSS are the gateway process's.\n",
		rep.Cfg.Threads, rep.Cfg.Connections, rep.Cfg.Warmup, rep.Cfg.Duration)
	if rep.Cfg.SVG != "" {
		fmt.Fprintf(&b, "* Plot of the latest run: `%s`.\n", rep.Cfg.SVG)
	}
	b.WriteString("\n")
	b.WriteString(rep.table())
	b.WriteString("\n")
	for _, n := range rep.notes() {
		b.WriteString("* " + n + "\n")
	}
	return b.String()
}

// appendTo appends the markdown section to path, creating it if needed.
func (rep report) appendTo(path string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(rep.markdown()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// machineInfo describes this machine: CPUs, CPU model, memory, kernel.
func machineInfo() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		model = cpuModel(b)
	}
	mem := "unknown memory"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if kb, err := parseStatusKB(b, "MemTotal"); err == nil {
			mem = fmt.Sprintf("%.1f GiB memory", float64(kb)/(1<<20))
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%d CPUs, %s, %s, Linux %s", runtime.NumCPU(), model, mem, bytes.TrimSpace(kernel))
}

// cpuModel returns the first "model name" of /proc/cpuinfo.
func cpuModel(cpuinfo []byte) string {
	for _, line := range strings.Split(string(cpuinfo), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// commitInfo is the short commit, marked when files other than the benchmark's own
// outputs differ from it (changed, or new and not ignored).
func commitInfo() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown (not a git checkout)"
	}
	commit := strings.TrimSpace(string(out))
	st, err := exec.Command("git", "status", "--porcelain", "--",
		".", ":!bench/RESULTS.md", ":!bench/results.svg").Output()
	if err == nil && len(bytes.TrimSpace(st)) > 0 {
		commit += " (with uncommitted changes)"
	}
	return commit
}

// wrkVersion is the first line of `wrk --version` ("wrk 4.2.0 [epoll] ...").
func wrkVersion() string {
	out, _ := exec.Command("wrk", "--version").CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	if i := strings.Index(line, " Copyright"); i > 0 {
		line = line[:i]
	}
	if line = strings.TrimSpace(line); line == "" {
		return "wrk (unknown version)"
	}
	return line
}
