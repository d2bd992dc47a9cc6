package audit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	_ "github.com/atrium-gateway/atrium/audit/suites"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
)

var updateStatus = flag.Bool("update-status", false,
	"rewrite testdata/status.txt and REPORT.md from this run's results")

const (
	auditDir   = "../testdata/federation-audit"
	statusFile = "testdata/status.txt"
	reportFile = "REPORT.md"
)

// Case status values in testdata/status.txt.
const (
	statusPass    = "pass"
	statusFail    = "fail"
	statusMissing = "missing"
)

type auditCase struct {
	Query    string `json:"query"`
	Expected struct {
		Data   any  `json:"data"`
		Errors bool `json:"errors"`
	} `json:"expected"`
}

type auditSubgraph struct {
	Name string `json:"name"`
	SDL  string `json:"sdl"`
	URL  string `json:"url"`
}

// results collects every case's status while the suites run in parallel.
type results struct {
	mu sync.Mutex
	m  map[string]string // "<suite> <index>" -> status
}

func (r *results) set(suite string, i int, status string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[caseKey(suite, i)] = status
}

func caseKey(suite string, i int) string { return suite + " " + strconv.Itoa(i) }

// TestAudit runs every case of The Guild's federation-gateway-audit against Atrium, with the
// suite's subgraphs (ported to Go in package suites) served over loopback. A case passes
// when, as in the audit's own checker, the response's data deep-equals the expected data
// and errors are present exactly when the case expects some. testdata/status.txt records
// which cases pass: the test fails when a case changes status (run with -update-status to
// record a change) or when a suite has no port.
func TestAudit(t *testing.T) {
	suites := listSuites(t)
	recorded := readStatus(t)
	res := &results{m: map[string]string{}}

	// Cleanups run once every parallel suite has finished.
	t.Cleanup(func() {
		all := allCases(t, suites)
		if *updateStatus {
			// Cases filtered out by -run keep their recorded status.
			merged := map[string]string{}
			for k := range all {
				if st, ok := res.m[k]; ok {
					merged[k] = st
				} else if st, ok := recorded[k]; ok {
					merged[k] = st
				}
			}
			writeStatus(t, merged)
			writeReport(t, suites, merged)
			return
		}
		for k := range recorded {
			if !all[k] {
				t.Errorf("%s: in %s but not in the audit data; run `go test ./audit -update-status` to record",
					k, statusFile)
			}
		}
	})
	for _, suite := range suites {
		t.Run(suite, func(t *testing.T) {
			t.Parallel()
			runSuite(t, suite, recorded, res)
		})
	}
}

// allCases returns the key of every case in the audit data.
func allCases(t *testing.T, suites []string) map[string]bool {
	all := map[string]bool{}
	for _, s := range suites {
		var cases []auditCase
		readJSON(t, filepath.Join(auditDir, s, "tests.json"), &cases)
		for i := range cases {
			all[caseKey(s, i)] = true
		}
	}
	return all
}

func listSuites(t *testing.T) []string {
	entries, err := os.ReadDir(auditDir)
	require.NoError(t, err)
	var suites []string
	for _, e := range entries {
		if e.IsDir() {
			suites = append(suites, e.Name())
		}
	}
	require.NotEmpty(t, suites)
	return suites
}

func runSuite(t *testing.T, suite string, recorded map[string]string, res *results) {
	dir := filepath.Join(auditDir, suite)
	var cases []auditCase
	readJSON(t, filepath.Join(dir, "tests.json"), &cases)

	check := func(t *testing.T, i int, got string) {
		res.set(suite, i, got)
		if *updateStatus {
			return
		}
		want, ok := recorded[caseKey(suite, i)]
		switch {
		case !ok:
			t.Errorf("%s %d is %s but not in %s; run `go test ./audit -update-status` to record",
				suite, i, got, statusFile)
		case want != got:
			t.Errorf("%s %d was %s and is now %s; run `go test ./audit -update-status` to record",
				suite, i, want, got)
		}
	}

	build, ok := subgraph.Lookup(suite)
	if !ok {
		t.Logf("suite %s has no port in package suites", suite)
		for i := range cases {
			check(t, i, statusMissing)
		}
		return
	}
	gw, rec := startSuite(t, suite, build())
	client := &http.Client{Timeout: 20 * time.Second}
	for i, c := range cases {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			rec.reset()
			resp := postQuery(t, client, gw, c.Query)
			pass, detail := compare(c, resp)
			if !pass {
				t.Logf("query:%s\nexpected: %s\nactual:   %s\n\nplan:\n%s\nsubgraph calls:\n%s",
					c.Query, expectedJSON(c), resp.raw, resp.plan, rec.String())
			}
			status := statusFail
			if pass {
				status = statusPass
			} else {
				t.Log(detail)
			}
			check(t, i, status)
		})
	}
}

// startSuite serves the suite's subgraphs and a gateway over its supergraph, with every
// subgraph URL pointed at the local servers. It returns the gateway URL.
func startSuite(t *testing.T, suite string, s *subgraph.Suite) (string, *recorder) {
	dir := filepath.Join(auditDir, suite)
	var sgs []auditSubgraph
	readJSON(t, filepath.Join(dir, "subgraphs.json"), &sgs)
	raw, err := os.ReadFile(filepath.Join(dir, "supergraph.graphql"))
	require.NoError(t, err)
	supergraph := string(raw)

	rec := &recorder{}
	for _, sg := range sgs {
		port := s.Subgraph(sg.Name)
		require.NotNil(t, port, "suite %s has no port of subgraph %s", suite, sg.Name)
		h, err := port.Handler(sg.SDL)
		require.NoError(t, err)
		srv := httptest.NewServer(rec.wrap(sg.Name, h))
		t.Cleanup(srv.Close)
		quoted := strconv.Quote(sg.URL)
		require.Contains(t, supergraph, quoted, "supergraph of %s has no URL for %s", suite, sg.Name)
		supergraph = strings.ReplaceAll(supergraph, quoted, strconv.Quote(srv.URL+"/"+sg.Name))
	}
	require.Len(t, s.Subgraphs, len(sgs), "suite %s ports a different set of subgraphs", suite)

	parsed, err := federation.Parse(suite+"/supergraph.graphql", supergraph)
	require.NoError(t, err)
	snap, err := gateway.NewSnapshot(parsed, gateway.Options{SubgraphTimeout: 5 * time.Second, Debug: true})
	require.NoError(t, err)
	gw := httptest.NewServer(snap)
	t.Cleanup(gw.Close)
	return gw.URL + "/graphql", rec
}

type response struct {
	raw  string
	body map[string]any
	plan string
	err  error
}

func postQuery(t *testing.T, client *http.Client, url, query string) response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(gateway.PlanHeader, "true")
	httpResp, err := client.Do(req)
	if err != nil {
		return response{err: err}
	}
	defer httpResp.Body.Close()
	out, err := io.ReadAll(httpResp.Body)
	r := response{raw: string(out), err: err}
	if err == nil {
		r.err = json.Unmarshal(out, &r.body)
	}
	if ext, ok := r.body["extensions"].(map[string]any); ok {
		r.plan, _ = ext["queryPlanText"].(string)
		delete(r.body, "extensions")
		if b, err := json.Marshal(r.body); err == nil {
			r.raw = string(b)
		}
	}
	return r
}

// compare applies the audit's check: data deep-equal (absent counts as null), and errors
// present exactly when expected.
func compare(c auditCase, r response) (bool, string) {
	if r.err != nil {
		return false, "request failed: " + r.err.Error()
	}
	errs, _ := r.body["errors"].([]any)
	if gotErrs := len(errs) > 0; gotErrs != c.Expected.Errors {
		return false, fmt.Sprintf("errors: expected %v, got %v", c.Expected.Errors, gotErrs)
	}
	if !reflect.DeepEqual(c.Expected.Data, r.body["data"]) {
		return false, "data differs"
	}
	return true, ""
}

func expectedJSON(c auditCase) string {
	m := map[string]any{"data": c.Expected.Data}
	if c.Expected.Errors {
		m["errors"] = true
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// recorder keeps the subgraph requests and responses of the case being run, for the log of
// a failing case.
type recorder struct {
	mu    sync.Mutex
	calls []string
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		return "(none)\n"
	}
	return strings.Join(r.calls, "")
}

func (r *recorder) wrap(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		rw := httptest.NewRecorder()
		next.ServeHTTP(rw, req)
		for k, v := range rw.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rw.Code)
		_, _ = w.Write(rw.Body.Bytes())
		r.mu.Lock()
		r.calls = append(r.calls, fmt.Sprintf("  -> %s: %s\n  <- %s", name, body, rw.Body.String()))
		r.mu.Unlock()
	})
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), path)
}

func readStatus(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{}
	f, err := os.Open(statusFile)
	if os.IsNotExist(err) {
		if !*updateStatus {
			t.Errorf("%s is missing; run `go test ./audit -update-status` to create it", statusFile)
		}
		return m
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 3 || (fields[2] != statusPass && fields[2] != statusFail && fields[2] != statusMissing) {
			t.Fatalf("%s:%d: want `<suite> <index> pass|fail|missing`, got %q", statusFile, n, line)
		}
		m[fields[0]+" "+fields[1]] = fields[2]
	}
	require.NoError(t, sc.Err())
	return m
}

// sortedKeys orders "<suite> <index>" keys by suite, then numerically by index.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(a, b int) bool {
		sa, ia, _ := strings.Cut(keys[a], " ")
		sb, ib, _ := strings.Cut(keys[b], " ")
		if sa != sb {
			return sa < sb
		}
		na, _ := strconv.Atoi(ia)
		nb, _ := strconv.Atoi(ib)
		return na < nb
	})
	return keys
}

func writeStatus(t *testing.T, m map[string]string) {
	var b strings.Builder
	b.WriteString("# Status of every federation-gateway-audit case against Atrium: <suite> <index> pass|fail|missing.\n")
	b.WriteString("# Written by `go test ./audit -update-status`; `go test ./audit` fails when a case changes.\n")
	for _, k := range sortedKeys(m) {
		fmt.Fprintf(&b, "%s %s\n", k, m[k])
	}
	require.NoError(t, os.MkdirAll(filepath.Dir(statusFile), 0o755))
	require.NoError(t, os.WriteFile(statusFile, []byte(b.String()), 0o644))
}

func writeReport(t *testing.T, suites []string, m map[string]string) {
	type tally struct {
		pass, total int
		missing     bool
		failing     []string
	}
	per := map[string]*tally{}
	for _, s := range suites {
		per[s] = &tally{}
	}
	for _, k := range sortedKeys(m) {
		suite, idx, _ := strings.Cut(k, " ")
		tl := per[suite]
		tl.total++
		switch m[k] {
		case statusPass:
			tl.pass++
		case statusFail:
			tl.failing = append(tl.failing, idx)
		case statusMissing:
			tl.missing = true
		}
	}
	var pass, total, suitesPassing int
	var rows strings.Builder
	for _, s := range suites {
		tl := per[s]
		pass += tl.pass
		total += tl.total
		if tl.pass == tl.total {
			suitesPassing++
		}
		note := strings.Join(tl.failing, ", ")
		if tl.missing {
			note = "no port"
		}
		fmt.Fprintf(&rows, "| %s | %d/%d | %s |\n", s, tl.pass, tl.total, note)
	}
	var b strings.Builder
	b.WriteString("# Federation gateway audit: Atrium's results\n\n")
	b.WriteString("The Guild's federation-gateway-audit run by `go test ./audit` against real subgraphs on\n")
	b.WriteString("loopback (ported in `audit/suites`). Written by `go test ./audit -update-status`.\n\n")
	fmt.Fprintf(&b, "**Total: %d/%d cases pass; %d/%d suites pass fully.**\n\n", pass, total, suitesPassing, len(suites))
	b.WriteString("| Suite | Passed | Failing cases |\n|---|---|---|\n")
	b.WriteString(rows.String())
	b.WriteString("\nTo see why a case fails: `go test ./audit -run 'TestAudit/<suite>/<index>' -v`\n")
	b.WriteString("(the log has the query, the expected and actual responses, the query plan and every subgraph call).\n")
	require.NoError(t, os.WriteFile(reportFile, []byte(b.String()), 0o644))
}
