package executor

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/bench/subgraphs"
	"github.com/atrium-gateway/atrium/connectors"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
)

// The benchmarks in this file take the executor's parts apart on the federated benchmark's
// TestQuery (testdata/bench-workload): the subgraph answers are taken once from the real
// benchmark subgraphs (bench/subgraphs), then replayed from memory, so that the figures are
// the executor's own work: parsing, merging, representations, writing the 87.6 KB answer.

// replay answers each subgraph operation with the body the real subgraph gave for it.
type replay struct {
	mu      sync.Mutex
	answers map[string][]byte // operation name + variables → body
	next    connectors.Connector
}

func (r *replay) Fetch(ctx context.Context, req *connectors.Request, dst []byte) ([]byte, error) {
	key := req.OperationName + string(req.Variables)
	r.mu.Lock()
	body, ok := r.answers[key]
	r.mu.Unlock()
	if ok {
		return append(dst, body...), nil
	}
	body, err := r.next.Fetch(ctx, req, nil)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.answers[key] = body
	r.mu.Unlock()
	return append(dst, body...), nil
}

// inMemory serves a request with the subgraph server's handler, without a socket.
type inMemory struct {
	server *subgraphs.Server
	path   string
}

func (c inMemory) Fetch(_ context.Context, req *connectors.Request, dst []byte) ([]byte, error) {
	body, err := json.Marshal(map[string]any{"query": req.Query, "operationName": req.OperationName, "variables": json.RawMessage(orNull(req.Variables))})
	if err != nil {
		return nil, err
	}
	hr := httptest.NewRequest(http.MethodPost, c.path, bytes.NewReader(body))
	hr.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	c.server.ServeHTTP(rec, hr)
	if rec.Code != http.StatusOK {
		return nil, connectors.ErrUnavailable
	}
	return append(dst, rec.Body.Bytes()...), nil
}

func orNull(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}

type workload struct {
	exec     *Executor
	plan     *planner.Plan
	expected []byte
}

func loadWorkload(tb testing.TB) *workload {
	tb.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "bench-workload", name))
		require.NoError(tb, err)
		return string(b)
	}
	sg, err := federation.Parse("supergraph.graphql", read("supergraph.graphql"))
	require.NoError(tb, err)
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, read("query.graphql"), nil)
	require.Empty(tb, errs)
	plan, err := planner.Build(sg, doc.Operations[0], nil)
	require.NoError(tb, err)
	server, err := subgraphs.NewServer()
	require.NoError(tb, err)
	conns := make([]connectors.Connector, len(sg.Subgraphs))
	for i, s := range sg.Subgraphs {
		conns[i] = &replay{answers: map[string][]byte{}, next: inMemory{server: server, path: "/" + strings.ToLower(s.Name)}}
	}
	return &workload{exec: New(sg, conns), plan: plan, expected: []byte(read("expected-response.json"))}
}

// merged runs the plan's fetches and returns the request's state with the merged tree.
func (w *workload) merged() *run {
	r := &run{e: w.exec, ctx: context.Background()}
	r.data = r.arena.NewObject()
	r.node(w.plan.Root)
	return r
}

func TestWorkloadReplayAnswersInFull(t *testing.T) {
	w := loadWorkload(t)
	for range 2 { // the second time from the recorded answers
		res := w.exec.Execute(context.Background(), w.plan, nil, nil, nil)
		require.Empty(t, res.Errors)
		require.JSONEq(t, string(w.expected), `{"data":`+string(res.Data)+`}`)
	}
}

// BenchmarkExecuteWorkload is the executor's whole work for one TestQuery: seven subgraph
// answers parsed and merged, representations built, the answer written.
func BenchmarkExecuteWorkload(b *testing.B) {
	w := loadWorkload(b)
	dst := make([]byte, 0, 128<<10)
	w.exec.Execute(context.Background(), w.plan, nil, nil, dst)
	b.ReportAllocs()
	for b.Loop() {
		dst = w.exec.Execute(context.Background(), w.plan, nil, nil, dst).Data
	}
}

// BenchmarkMergeWorkload is fetching (from memory), parsing and merging the seven answers,
// with the representations the entity fetches send, but not writing the answer.
func BenchmarkMergeWorkload(b *testing.B) {
	w := loadWorkload(b)
	w.merged()
	b.ReportAllocs()
	for b.Loop() {
		r := w.merged()
		for _, p := range r.parsers {
			parserPool.Put(p)
		}
	}
}

// BenchmarkRepresentationsWorkload builds the `representations` of every entity fetch of
// the plan from the merged tree: the walks along the fetches' paths and the deduplication.
func BenchmarkRepresentationsWorkload(b *testing.B) {
	w := loadWorkload(b)
	r := w.merged()
	var flattens []*planner.Flatten
	var find func(planner.Node)
	find = func(n planner.Node) {
		switch n := n.(type) {
		case *planner.Sequence:
			for _, c := range n.Nodes {
				find(c)
			}
		case *planner.Parallel:
			for _, c := range n.Nodes {
				find(c)
			}
		case *planner.Flatten:
			flattens = append(flattens, n)
		}
	}
	find(w.plan.Root)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		for _, fl := range flattens {
			f := fl.Node.(*planner.Fetch)
			reps := representations{}
			buf = buf[:0]
			for _, path := range fl.Paths() {
				walk(r.data, path, func(obj *fastjson.Value) { buf = reps.add(buf, obj, f.Requires, r.e.isA) })
			}
		}
	}
}

// BenchmarkWriteWorkload writes the 87.6 KB answer from the merged tree: field order,
// null checks, string escaping.
func BenchmarkWriteWorkload(b *testing.B) {
	w := loadWorkload(b)
	r := w.merged()
	buf := make([]byte, 0, 128<<10)
	b.ReportAllocs()
	b.SetBytes(int64(len(w.expected)))
	for b.Loop() {
		wr := writer{api: w.exec.sg.API, supergraph: w.exec.sg.Schema, buf: buf[:0]}
		if !wr.object(w.plan.Shape, r.data) || len(wr.errs) > 0 {
			b.Fatal("the answer did not write cleanly")
		}
		buf = wr.buf
	}
}
