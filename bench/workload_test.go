package bench_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/bench/floor"
	"github.com/atrium-gateway/atrium/bench/subgraphs"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/planner"
)

const (
	workloadDir = "../testdata/bench-workload/"
	// routingBase is the subgraphs' base URL in supergraph.graphql.
	routingBase = "http://127.0.0.1:14200"
)

func readWorkload(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(workloadDir + name)
	require.NoError(t, err)
	return string(b)
}

// workload is the benchmark running in-process: the subgraphs on loopback (wrapped by an
// optional middleware), Atrium and the floor in front of them.
type workload struct {
	subgraphs *subgraphs.Server
	atrium    *gateway.Snapshot
	floor     *floor.Floor
	plan      *planner.Plan
	request   []byte // the client's POST body
	expected  []byte
}

func startWorkload(t testing.TB, wrap func(http.Handler) http.Handler) *workload {
	t.Helper()
	subs, err := subgraphs.NewServer()
	require.NoError(t, err)
	var h http.Handler = subs
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	sdl := strings.ReplaceAll(readWorkload(t, "supergraph.graphql"), routingBase, srv.URL)
	sg, err := federation.Parse("supergraph.graphql", sdl)
	require.NoError(t, err)
	snap, err := gateway.NewSnapshot(sg, gateway.Options{})
	require.NoError(t, err)
	t.Cleanup(snap.Close)

	query := readWorkload(t, "query.graphql")
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
	require.Empty(t, errs)
	plan, err := planner.Build(sg, doc.Operations[0], nil)
	require.NoError(t, err)
	body, err := json.Marshal(map[string]string{"query": query})
	require.NoError(t, err)
	return &workload{
		subgraphs: subs,
		atrium:    snap,
		floor:     floor.New(srv.URL, nil),
		plan:      plan,
		request:   body,
		expected:  []byte(readWorkload(t, "expected-response.json")),
	}
}

// serve sends the client request to h and returns the status and body.
func (w *workload) serve(h http.Handler) (int, []byte) {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(w.request))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// post is serve for a request that must succeed.
func (w *workload) post(t testing.TB, h http.Handler) []byte {
	t.Helper()
	code, body := w.serve(h)
	require.Equal(t, http.StatusOK, code, string(body))
	return body
}

// planCalls counts the plan's fetches per subgraph.
func planCalls(p *planner.Plan) map[string]int64 {
	out := map[string]int64{"accounts": 0, "inventory": 0, "products": 0, "reviews": 0}
	walkFetches(p.Root, nil, func(f *planner.Fetch, _ []string) { out[f.ServiceName]++ })
	return out
}

// walkFetches calls fn for every fetch of the plan in plan order, with its Flatten paths
// joined by dots (Path, then each of More; none for a root fetch).
func walkFetches(n planner.Node, paths []string, fn func(*planner.Fetch, []string)) {
	switch n := n.(type) {
	case *planner.Sequence:
		for _, c := range n.Nodes {
			walkFetches(c, paths, fn)
		}
	case *planner.Parallel:
		for _, c := range n.Nodes {
			walkFetches(c, paths, fn)
		}
	case *planner.Flatten:
		paths = nil
		for _, p := range n.Paths() {
			paths = append(paths, strings.Join(p, "."))
		}
		walkFetches(n.Node, paths, fn)
	case *planner.Fetch:
		fn(n, paths)
	}
}

// schedule writes the plan's shape in floor.Schedule's notation.
func schedule(n planner.Node) string {
	list := func(kind string, nodes []planner.Node) string {
		parts := make([]string, len(nodes))
		for i, c := range nodes {
			parts[i] = schedule(c)
		}
		return kind + "(" + strings.Join(parts, ", ") + ")"
	}
	switch n := n.(type) {
	case *planner.Sequence:
		return list("Sequence", n.Nodes)
	case *planner.Parallel:
		return list("Parallel", n.Nodes)
	case *planner.Flatten:
		return schedule(n.Node)
	case *planner.Fetch:
		return n.OperationName
	}
	return "?"
}

func TestAtriumAnswersTheBenchmarkQuery(t *testing.T) {
	t.Parallel()
	w := startWorkload(t, nil)
	atrium := httptest.NewServer(w.atrium)
	t.Cleanup(atrium.Close)

	w.subgraphs.Reset()
	resp, err := http.Post(atrium.URL, "application/json", bytes.NewReader(w.request))
	require.NoError(t, err)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(got))
	require.JSONEq(t, string(w.expected), string(got))

	// 7 calls: the planner sends each entity fetch wanted at several places of the answer
	// once (3 products entity fetches became one, 4 inventory fetches one, 2 accounts one);
	// before that merging, TestQuery took 13.
	require.Equal(t, 7, w.plan.Fetches)
	calls := w.subgraphs.Stats()
	assert.Equal(t, planCalls(w.plan), calls, "one subgraph call per fetch of the plan")
	var total int64
	for _, n := range calls {
		total += n
	}
	assert.Equal(t, int64(w.plan.Fetches), total)
}

func TestFloorAnswersTheBenchmarkQuery(t *testing.T) {
	t.Parallel()
	w := startWorkload(t, nil)
	w.subgraphs.Reset()
	got := w.post(t, w.floor)
	// Byte for byte: expected-response.json is compact JSON in the query's field order.
	require.Equal(t, string(w.expected), string(got))
	assert.Equal(t, planCalls(w.plan), w.subgraphs.Stats(), "one subgraph call per fetch of the plan")

	// Concurrent requests share the pools (run with -race).
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			code, body := w.serve(w.floor)
			assert.Equal(t, http.StatusOK, code)
			assert.Equal(t, string(w.expected), string(body))
		})
	}
	wg.Wait()
}

// TestFloorMatchesAtriumsPlan fails when Atrium's plan for TestQuery changes: the floor's
// operations, paths and schedule are copies of it and must then be updated by hand.
func TestFloorMatchesAtriumsPlan(t *testing.T) {
	t.Parallel()
	sg, err := federation.Parse("supergraph.graphql", readWorkload(t, "supergraph.graphql"))
	require.NoError(t, err)
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, readWorkload(t, "query.graphql"), nil)
	require.Empty(t, errs)
	plan, err := planner.Build(sg, doc.Operations[0], nil)
	require.NoError(t, err)

	var got []floor.Fetch
	walkFetches(plan.Root, nil, func(f *planner.Fetch, paths []string) {
		fe := floor.Fetch{Service: f.ServiceName, OperationName: f.OperationName, Operation: f.Operation}
		if len(paths) > 0 {
			fe.Path = paths[0]
		}
		if len(paths) > 1 {
			fe.More = paths[1:]
		}
		got = append(got, fe)
	})
	want := slices.Clone(floor.Fetches[:])
	byName := func(a, b floor.Fetch) int { return strings.Compare(a.OperationName, b.OperationName) }
	slices.SortFunc(got, byName)
	slices.SortFunc(want, byName)
	assert.Equal(t, want, got, "Atrium's fetches changed: update bench/floor/plan.go and floor.go")
	assert.Equal(t, floor.Schedule, schedule(plan.Root), "Atrium's plan shape changed: update floor.Schedule and Floor.Answer")
}

// TestFloorSendsAtriumsRequests compares the subgraph requests, body for body: same
// operations, same representations in the same order.
func TestFloorSendsAtriumsRequests(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		bodies []string
	)
	w := startWorkload(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			bodies = append(bodies, r.URL.Path+" "+string(b))
			mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(b))
			next.ServeHTTP(rw, r)
		})
	})
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := bodies
		bodies = nil
		slices.Sort(out)
		return out
	}
	w.post(t, w.atrium)
	atrium := take()
	w.post(t, w.floor)
	fl := take()
	require.Len(t, atrium, w.plan.Fetches)
	assert.Equal(t, atrium, fl)
}

func benchmarkHandler(b *testing.B, h func(*workload) http.Handler) {
	w := startWorkload(b, nil)
	handler := h(w)
	require.JSONEq(b, string(w.expected), string(w.post(b, handler)))
	b.ReportAllocs()
	for b.Loop() {
		if code, body := w.serve(handler); code != http.StatusOK || len(body) != len(w.expected) {
			b.Fatalf("status %d, %d bytes: %.300s", code, len(body), body)
		}
	}
}

// BenchmarkGatewayBenchQuery is one TestQuery through Atrium's handler (plan cached): 7
// subgraph calls on loopback to the in-process subgraphs (cached answers), merging, writing.
func BenchmarkGatewayBenchQuery(b *testing.B) {
	benchmarkHandler(b, func(w *workload) http.Handler { return w.atrium })
}

// BenchmarkFloorBenchQuery is the same request through the floor: the same 7 calls,
// stitched by hand.
func BenchmarkFloorBenchQuery(b *testing.B) {
	benchmarkHandler(b, func(w *workload) http.Handler { return w.floor })
}
