// Command runner is `make bench`: it starts the benchmark subgraphs and, one after the
// other, the floor, Atrium without and with deduplication, and optionally another gateway,
// all on 127.0.0.1; drives each with wrk (bench/post.lua) after a warm-up; checks every
// answer; and prints one table, appends it to bench/RESULTS.md and plots it as SVG.
//
// Run it from the repository root, after building bin/atrium, bin/bench-subgraphs and
// bin/bench-floor (the Makefile does). See bench/README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// subgraphsAddr is where bench-subgraphs listens: the supergraph's routing URLs name it.
const subgraphsAddr = "127.0.0.1:14200"

// probeRequests is how many requests, one at a time, count a mode's backend calls
// without concurrency.
const probeRequests = 5

type config struct {
	Duration, Warmup     time.Duration
	Connections, Threads int
	Gateway, GatewayName string
	Modes                []string
	Results, SVG, Bin    string
	Workload, Script     string
	ReadyTimeout         time.Duration
}

func main() {
	var cfg config
	var modes string
	flag.DurationVar(&cfg.Duration, "duration", 20*time.Second, "measured wrk run per mode")
	flag.DurationVar(&cfg.Warmup, "warmup", 5*time.Second, "warm-up wrk run per mode (not measured)")
	flag.IntVar(&cfg.Connections, "connections", 50, "wrk connections")
	flag.IntVar(&cfg.Threads, "threads", 2, "wrk threads")
	flag.StringVar(&cfg.Gateway, "gateway", "", "shell command of another gateway to run side by side; it gets SUPERGRAPH (absolute path) and PORT in its environment and must serve POST /graphql on 127.0.0.1:$PORT")
	flag.StringVar(&cfg.GatewayName, "gateway-name", "gateway", "name of the -gateway mode in the table")
	flag.StringVar(&modes, "modes", "floor,atrium,atrium-dedup", "modes to run, in order: floor, atrium, atrium-dedup, gateway (added when -gateway is set)")
	flag.StringVar(&cfg.Results, "results", "bench/RESULTS.md", "markdown file the results are appended to (\"\" for none)")
	flag.StringVar(&cfg.SVG, "svg", "bench/results.svg", "SVG plot written (\"\" for none)")
	flag.StringVar(&cfg.Bin, "bin", "bin", "folder of atrium, bench-subgraphs and bench-floor")
	flag.StringVar(&cfg.Workload, "workload", "testdata/bench-workload", "folder of supergraph.graphql, query.graphql and expected-response.json")
	flag.StringVar(&cfg.Script, "script", "bench/post.lua", "wrk script")
	flag.DurationVar(&cfg.ReadyTimeout, "ready-timeout", 60*time.Second, "how long a gateway may take to answer its first request")
	flag.Parse()
	for _, m := range strings.Split(modes, ",") {
		if m = strings.TrimSpace(m); m != "" {
			cfg.Modes = append(cfg.Modes, m)
		}
	}
	if cfg.Gateway != "" && !slices.Contains(cfg.Modes, "gateway") {
		cfg.Modes = append(cfg.Modes, "gateway")
	}
	os.Exit(run(cfg))
}

func run(cfg config) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	sup := &supervisor{}
	defer sup.stopAll()
	ok, err := bench(ctx, cfg, sup)
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(os.Stderr, "bench: interrupted; stopped every process it started")
		} else {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}

// bench runs every mode and reports. ok is false if any answer was wrong.
func bench(ctx context.Context, cfg config, sup *supervisor) (ok bool, err error) {
	w, err := loadWorkload(cfg)
	if w.Dir != "" {
		defer os.RemoveAll(w.Dir)
	}
	if err != nil {
		return false, err
	}
	modes, skipped, err := planModes(cfg, w, pickAddr)
	if err != nil {
		return false, err
	}
	if err := checkPortFree(subgraphsAddr); err != nil {
		return false, err
	}
	logf("starting the subgraphs on %s", subgraphsAddr)
	subs, err := sup.start("bench-subgraphs", []string{filepath.Join(cfg.Bin, "bench-subgraphs"), "-listen", subgraphsAddr}, nil)
	if err != nil {
		return false, err
	}
	sg := subgraphs{base: "http://" + subgraphsAddr}
	if err := sg.waitReady(ctx, subs, 30*time.Second); err != nil {
		return false, err
	}

	tick := clockTicks()
	var results []result
	for _, m := range modes {
		r, err := runMode(ctx, cfg, w, sup, sg, m, tick)
		if err != nil {
			return false, fmt.Errorf("%s: %w", m.label, err)
		}
		results = append(results, r)
	}
	shareOfFloor(results)

	rep := report{
		When: time.Now().UTC(), Cfg: cfg, Results: results, Skipped: skipped,
		Machine: machineInfo(), Commit: commitInfo(), Wrk: wrkVersion(),
	}
	table := rep.table()
	fmt.Println()
	fmt.Print(table)
	for _, n := range rep.notes() {
		fmt.Println("* " + n)
	}
	if cfg.Results != "" {
		if err := rep.appendTo(cfg.Results); err != nil {
			return false, err
		}
		logf("appended to %s", cfg.Results)
	}
	if cfg.SVG != "" {
		if err := os.WriteFile(cfg.SVG, []byte(rep.svg()), 0o644); err != nil {
			return false, err
		}
		logf("plot written to %s", cfg.SVG)
	}
	ok = true
	for _, r := range results {
		if r.Wrk.Mismatches() > 0 || r.Wrk.Checked != r.Wrk.Requests || r.Wrk.Requests == 0 {
			fmt.Fprintf(os.Stderr, "bench: %s: %d of %d answers were wrong (%d not status 200, %d of another length)\n",
				r.Label, r.Wrk.Mismatches(), r.Wrk.Checked, r.Wrk.WrongStatus, r.Wrk.WrongLength)
			ok = false
		}
		if r.AfterCheck != "" {
			fmt.Fprintf(os.Stderr, "bench: %s: wrong answer after the run: %s\n", r.Label, r.AfterCheck)
			ok = false
		}
	}
	return ok, nil
}

// runMode starts m's process, checks its answer, warms it up, measures it and stops it.
func runMode(ctx context.Context, cfg config, w workload, sup *supervisor, sg subgraphs, m mode, tick float64) (result, error) {
	if err := checkPortFree(m.addr); err != nil { // taken since planModes picked it
		return result{}, err
	}
	logf("%s: starting %s", m.label, strings.Join(m.argv, " "))
	p, err := sup.start(m.label, m.argv, m.env)
	if err != nil {
		return result{}, err
	}
	defer p.stop()
	url := "http://" + m.addr + "/graphql"
	answer, err := waitReady(ctx, p, url, w.Body, cfg.ReadyTimeout)
	if err != nil {
		return result{}, err
	}
	diff, err := jsonDiff(answer, w.Expected)
	if err != nil {
		return result{}, err
	}
	if diff != "" {
		return result{}, fmt.Errorf("wrong answer to TestQuery, so it is not benchmarked: %s", diff)
	}

	alone, err := sg.probe(ctx, url, w.Body, len(answer), probeRequests)
	if err != nil {
		return result{}, fmt.Errorf("counting the backend calls of one request: %w", err)
	}

	run := wrkRun{
		Threads: cfg.Threads, Connections: cfg.Connections, Script: w.Script,
		URL: url, BodyFile: w.BodyFile, ExpectedLength: len(answer),
	}
	if cfg.Warmup > 0 {
		logf("%s: warm-up, %v", m.label, cfg.Warmup)
		run.Duration = cfg.Warmup
		if _, _, err := run.run(ctx); err != nil {
			return result{}, err
		}
		if _, err := sg.settle(ctx); err != nil {
			return result{}, err
		}
	}
	if err := sg.reset(ctx); err != nil {
		return result{}, err
	}
	pfs := procFS{Root: "/proc"}
	before, err := pfs.sample(p.pid(), os.Getpid())
	if err != nil {
		return result{}, err
	}
	logf("%s: measuring, %v at %d connections", m.label, cfg.Duration, cfg.Connections)
	run.Duration, run.Latency = cfg.Duration, true
	res, _, err := run.run(ctx)
	if err != nil {
		return result{}, err
	}
	after, err := pfs.sample(p.pid(), os.Getpid())
	if err != nil {
		return result{}, err
	}
	rss, err := pfs.peakRSSKB(p.pid())
	if err != nil {
		return result{}, err
	}
	calls, err := sg.settle(ctx)
	if err != nil {
		return result{}, err
	}
	if p.exited() {
		return result{}, p.exitError()
	}
	// The answer once more, in full: wrk's script checks only status and length.
	var wrong string
	if status, b, err := post(ctx, url, w.Body); err != nil {
		wrong = err.Error()
	} else if status != http.StatusOK {
		wrong = fmt.Sprintf("status %d: %.200s", status, b)
	} else if wrong, err = jsonDiff(b, w.Expected); err != nil {
		wrong = err.Error()
	}
	r := result{
		Mode: m.name, Label: m.label, Wrk: res, AnswerBytes: len(answer),
		CPUSeconds: float64(after.tree-before.tree) / tick, PeakRSSKB: rss, Calls: calls,
		OthersCPU:  othersShare(before, after),
		ProbeCalls: alone, ProbeRequests: probeRequests, AfterCheck: wrong,
	}
	logf("%s: %.0f req/s, p99 %.1f ms, %d/%d answers ok; other processes used %s of the CPU", m.label, res.ReqPerSec,
		ms(res.P99), res.Checked-res.Mismatches(), res.Checked, percent(r.OthersCPU))
	return r, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
