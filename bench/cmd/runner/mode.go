package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// workload is the benchmark's one operation and its answer.
type workload struct {
	Supergraph string // absolute path
	Body       []byte // the GraphQL-over-HTTP request wrk sends
	BodyFile   string // Body, in a file for post.lua
	Expected   []byte
	Script     string // post.lua, absolute path
	Dir        string // temporary folder of BodyFile; the caller removes it
}

// loadWorkload reads the workload folder and writes the request body to a file in a
// temporary folder, w.Dir, that the caller removes.
func loadWorkload(cfg config) (workload, error) {
	var w workload
	var err error
	if w.Supergraph, err = filepath.Abs(filepath.Join(cfg.Workload, "supergraph.graphql")); err != nil {
		return w, err
	}
	sdl, err := os.ReadFile(w.Supergraph)
	if err != nil {
		return w, fmt.Errorf("%w (run the runner from the repository root, or set -workload)", err)
	}
	if err := checkRoutingURLs(sdl); err != nil {
		return w, fmt.Errorf("%s: %w", w.Supergraph, err)
	}
	query, err := os.ReadFile(filepath.Join(cfg.Workload, "query.graphql"))
	if err != nil {
		return w, err
	}
	if w.Expected, err = os.ReadFile(filepath.Join(cfg.Workload, "expected-response.json")); err != nil {
		return w, err
	}
	if w.Body, err = json.Marshal(map[string]string{"query": string(query), "operationName": "TestQuery"}); err != nil {
		return w, err
	}
	if w.Script, err = filepath.Abs(cfg.Script); err != nil {
		return w, err
	}
	if _, err := os.Stat(w.Script); err != nil {
		return w, fmt.Errorf("wrk script: %w", err)
	}
	if w.Dir, err = os.MkdirTemp("", "atrium-bench-"); err != nil {
		return w, err
	}
	w.BodyFile = filepath.Join(w.Dir, "body.json")
	return w, os.WriteFile(w.BodyFile, w.Body, 0o644)
}

var routingURL = regexp.MustCompile(`@join__graph\([^)]*url:\s*"([^"]*)"`)

// checkRoutingURLs makes sure every subgraph of the supergraph is the one bench-subgraphs
// serves, so that no gateway sends a request off this machine.
func checkRoutingURLs(sdl []byte) error {
	m := routingURL.FindAllSubmatch(sdl, -1)
	if len(m) == 0 {
		return fmt.Errorf("no routing URLs (join__graph url:) found")
	}
	for _, u := range m {
		if !strings.HasPrefix(string(u[1]), "http://"+subgraphsAddr+"/") {
			return fmt.Errorf("routing URL %q: bench-subgraphs serves http://%s/; rewrite the URL", u[1], subgraphsAddr)
		}
	}
	return nil
}

// mode is one process under test.
type mode struct {
	name  string // floor, atrium, atrium-dedup, gateway
	label string // what the table and the plot call it
	argv  []string
	env   []string
	addr  string // where it serves /graphql
}

// planModes turns cfg.Modes into processes to run. skipped says which were left out and
// why. addr maps a mode's preferred address to the one it gets (see pickAddr).
func planModes(cfg config, w workload, addr func(preferred string) (string, error)) (modes []mode, skipped []string, err error) {
	bin := func(name string) (string, error) {
		p := filepath.Join(cfg.Bin, name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s: %w (`make bench` builds it)", p, err)
		}
		return p, nil
	}
	need := []string{"bench-subgraphs"}
	for _, name := range cfg.Modes {
		switch name {
		case "floor":
			need = append(need, "bench-floor")
		case "atrium", "atrium-dedup":
			need = append(need, "atrium")
		case "gateway":
			if cfg.Gateway == "" {
				return nil, nil, fmt.Errorf("-modes has gateway but -gateway is empty")
			}
		default:
			return nil, nil, fmt.Errorf("-modes: unknown mode %q (floor, atrium, atrium-dedup, gateway)", name)
		}
	}
	for _, n := range need {
		if _, err := bin(n); err != nil {
			return nil, nil, err
		}
	}
	atrium := filepath.Join(cfg.Bin, "atrium")
	dedup := slices.Contains(cfg.Modes, "atrium") || slices.Contains(cfg.Modes, "atrium-dedup")
	if dedup {
		dedup = hasDedupFlag(atrium)
	}
	for _, name := range cfg.Modes {
		a, err := addr(preferredAddr[name])
		if err != nil {
			return nil, nil, err
		}
		switch name {
		case "floor":
			modes = append(modes, mode{
				name: name, label: "floor", addr: a,
				argv: []string{filepath.Join(cfg.Bin, "bench-floor"), "-listen", a, "-subgraphs", "http://" + subgraphsAddr},
			})
		case "atrium", "atrium-dedup":
			argv := []string{atrium, "serve", "--supergraph", w.Supergraph, "--listen", a}
			label := "atrium dedup off"
			switch {
			case name == "atrium" && dedup:
				argv = append(argv, "--dedup=false")
			case name == "atrium-dedup" && dedup:
				argv, label = append(argv, "--dedup"), "atrium dedup on"
			case name == "atrium-dedup":
				skipped = append(skipped, "atrium dedup on: skipped, `"+atrium+" serve --help` shows no --dedup flag")
				continue
			}
			modes = append(modes, mode{name: name, label: label, argv: argv, addr: a})
		case "gateway":
			_, port, _ := net.SplitHostPort(a)
			modes = append(modes, mode{
				name: name, label: cfg.GatewayName, addr: a,
				argv: []string{"bash", "-c", cfg.Gateway},
				env:  []string{"SUPERGRAPH=" + w.Supergraph, "PORT=" + port},
			})
		}
	}
	return modes, skipped, nil
}

// preferredAddr is where each mode listens unless that port is taken.
var preferredAddr = map[string]string{
	"floor": "127.0.0.1:14300", "atrium": "127.0.0.1:14400", "atrium-dedup": "127.0.0.1:14400", "gateway": "127.0.0.1:14500",
}

// pickAddr returns preferred if nothing listens there, else a free loopback port, so that
// a run does not collide with a gateway someone left running.
func pickAddr(preferred string) (string, error) {
	if checkPortFree(preferred) == nil {
		return preferred, nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("finding a free port on 127.0.0.1: %w", err)
	}
	defer ln.Close()
	logf("%s is taken, using %s", preferred, ln.Addr())
	return ln.Addr().String(), nil
}

// hasDedupFlag reports whether `atrium serve --help` lists --dedup.
func hasDedupFlag(atrium string) bool {
	out, _ := exec.Command(atrium, "serve", "--help").CombinedOutput()
	return regexp.MustCompile(`(^|\s)--dedup\b`).Match(out)
}

// subgraphs talks to bench-subgraphs' request counters.
type subgraphs struct{ base string }

func (s subgraphs) waitReady(ctx context.Context, p *process, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if _, err := s.stats(ctx); err == nil {
			return nil
		} else if p.exited() {
			return p.exitError()
		} else if time.Now().After(deadline) {
			return fmt.Errorf("bench-subgraphs: no answer from %s/stats within %v: %w", s.base, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stats returns the requests each subgraph served since the last reset.
func (s subgraphs) stats(ctx context.Context) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/stats", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s/stats: status %d", s.base, resp.StatusCode)
	}
	var m map[string]int64
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return nil, fmt.Errorf("GET %s/stats: %w", s.base, err)
	}
	return m, nil
}

// settle waits until the counters stop moving, so that the requests of a wrk run that
// has just ended are all counted (or, before a reset, none leaks into the next run). It
// returns the counters.
func (s subgraphs) settle(ctx context.Context) (map[string]int64, error) {
	prev, err := s.stats(ctx)
	for i := 0; err == nil && i < 50; i++ {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		var cur map[string]int64
		if cur, err = s.stats(ctx); err == nil && maps.Equal(cur, prev) {
			return cur, nil
		}
		prev = cur
	}
	return prev, err
}

// probe sends n requests to url one at a time and returns the subgraph calls they made
// in all: the plan's calls without any concurrency.
func (s subgraphs) probe(ctx context.Context, url string, body []byte, answerLen, n int) (map[string]int64, error) {
	if err := s.reset(ctx); err != nil {
		return nil, err
	}
	for range n {
		status, b, err := post(ctx, url, body)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK || len(b) != answerLen {
			return nil, fmt.Errorf("answered status %d with %d bytes, the first time %d bytes", status, len(b), answerLen)
		}
	}
	return s.settle(ctx)
}

func (s subgraphs) reset(ctx context.Context) error {
	status, b, err := post(ctx, s.base+"/stats/reset", nil)
	if err != nil {
		return fmt.Errorf("POST %s/stats/reset: %w", s.base, err)
	}
	if status/100 != 2 {
		return fmt.Errorf("POST %s/stats/reset: status %d: %.200s", s.base, status, b)
	}
	return nil
}
