package main

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCheckRoutingURLs(t *testing.T) {
	t.Parallel()
	ok := `ACCOUNTS @join__graph(name: "accounts", url: "http://127.0.0.1:14200/accounts")
  REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:14200/reviews")`
	if err := checkRoutingURLs([]byte(ok)); err != nil {
		t.Error(err)
	}
	if b, err := os.ReadFile("../../../testdata/bench-workload/supergraph.graphql"); err == nil {
		if err := checkRoutingURLs(b); err != nil {
			t.Errorf("the workload's supergraph: %v", err)
		}
	}
	bad := ok + `
  PRODUCTS @join__graph(name: "products", url: "http://10.1.2.3:4000/products")`
	if err := checkRoutingURLs([]byte(bad)); err == nil || !strings.Contains(err.Error(), "10.1.2.3") {
		t.Errorf("off-machine routing URL: error %v", err)
	}
	if err := checkRoutingURLs([]byte("type Query { a: Int }")); err == nil {
		t.Error("a supergraph without routing URLs was accepted")
	}
}

// fakeBin makes a bin folder whose atrium prints help with or without --dedup.
func fakeBin(t *testing.T, dedup bool) string {
	t.Helper()
	dir := t.TempDir()
	help := "Flags:\n      --debug   plans\n      --listen string   address\n"
	if dedup {
		help += "      --dedup   deduplicate identical in-flight requests\n"
	}
	script := "#!/bin/sh\ncat <<'END'\n" + help + "END\n"
	for _, name := range []string{"atrium", "bench-floor", "bench-subgraphs"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		// A fork by a parallel test may hold the file open for writing a moment longer:
		// running it then fails with ETXTBSY ("text file busy"), which CI once took for a
		// binary without --dedup. Wait until it runs.
		for i := 0; ; i++ {
			err := exec.Command(path).Run()
			if err == nil {
				break
			}
			if !errors.Is(err, syscall.ETXTBSY) || i == 100 {
				t.Fatalf("running %s: %v", path, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return dir
}

func same(addr string) (string, error) { return addr, nil }

func TestPlanModes(t *testing.T) {
	t.Parallel()
	w := workload{Supergraph: "/abs/supergraph.graphql"}
	labels := func(ms []mode) (out []string) {
		for _, m := range ms {
			out = append(out, m.label+": "+strings.Join(m.argv[1:], " ")+" "+strings.Join(m.env, " "))
		}
		return out
	}

	bin := fakeBin(t, true)
	cfg := config{Bin: bin, Modes: []string{"floor", "atrium", "atrium-dedup", "gateway"}, Gateway: "my-gw --port $PORT", GatewayName: "other"}
	ms, skipped, err := planModes(cfg, w, same)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(labels(ms), "\n")
	want := strings.Join([]string{
		"floor: -listen 127.0.0.1:14300 -subgraphs http://127.0.0.1:14200 ",
		"atrium dedup off: serve --supergraph /abs/supergraph.graphql --listen 127.0.0.1:14400 --dedup=false ",
		"atrium dedup on: serve --supergraph /abs/supergraph.graphql --listen 127.0.0.1:14400 --dedup ",
		"other: -c my-gw --port $PORT SUPERGRAPH=/abs/supergraph.graphql PORT=14500",
	}, "\n")
	if got != want || len(skipped) != 0 {
		t.Errorf("planModes:\n%s\nwant:\n%s\nskipped %v", got, want, skipped)
	}

	// An atrium without --dedup: the dedup mode is skipped, the plain one has no flag.
	cfg = config{Bin: fakeBin(t, false), Modes: []string{"atrium", "atrium-dedup"}}
	ms, skipped, err = planModes(cfg, w, same)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || strings.Contains(strings.Join(ms[0].argv, " "), "dedup") || len(skipped) != 1 {
		t.Errorf("without --dedup: modes %v, skipped %v", labels(ms), skipped)
	}

	for _, tc := range []struct {
		cfg  config
		want string
	}{
		{config{Bin: bin, Modes: []string{"envoy"}}, `unknown mode "envoy"`},
		{config{Bin: bin, Modes: []string{"gateway"}}, "-gateway is empty"},
		{config{Bin: t.TempDir(), Modes: []string{"floor"}}, "`make bench` builds it"},
	} {
		if _, _, err := planModes(tc.cfg, w, same); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("planModes(%v): error %v, want %q", tc.cfg.Modes, err, tc.want)
		}
	}
}

func TestLoadWorkload(t *testing.T) {
	t.Parallel()
	cfg := config{Workload: "../../../testdata/bench-workload", Script: "../../post.lua"}
	w, err := loadWorkload(cfg)
	if w.Dir != "" {
		defer os.RemoveAll(w.Dir)
	}
	if err != nil {
		t.Skip("workload not available here:", err)
	}
	b, err := os.ReadFile(w.BodyFile)
	if err != nil || string(b) != string(w.Body) {
		t.Fatalf("body file: %v", err)
	}
	if !strings.HasPrefix(string(b), `{"operationName":"TestQuery","query":"fragment User on User`) {
		t.Errorf("body: %.100s", b)
	}
	if !filepath.IsAbs(w.Supergraph) || !filepath.IsAbs(w.Script) || len(w.Expected) != 87599 {
		t.Errorf("workload: %q %q %d", w.Supergraph, w.Script, len(w.Expected))
	}
}

func TestPickAddr(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	busy := ln.Addr().String()
	got, err := pickAddr(busy)
	if err != nil || got == busy || !strings.HasPrefix(got, "127.0.0.1:") {
		t.Errorf("pickAddr(busy %s) = %s, %v", busy, got, err)
	}
	if got, err := pickAddr(got); err != nil || got == busy {
		t.Errorf("pickAddr(free) = %s, %v", got, err)
	}
}
