package gateway_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/gateway"
)

// BenchmarkDemoQuery measures one request through the gateway (plan cached) to the four
// demo subgraphs on loopback: transport, planning cache, four fetches, merging and writing.
func BenchmarkDemoQuery(b *testing.B) {
	s := startStack(b, gateway.Options{})
	body, _ := json.Marshal(map[string]string{"query": `{ topProducts { name price inStock shippingEstimate reviews { body author { username name } } } }`})
	h := s.Snap
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `"errors"`) {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
}

func benchWorkload(b *testing.B) (*federation.Supergraph, string) {
	b.Helper()
	sdl, err := os.ReadFile("../testdata/bench-workload/supergraph.graphql")
	if err != nil {
		b.Fatal(err)
	}
	sg, err := federation.Parse("bench", string(sdl))
	if err != nil {
		b.Fatal(err)
	}
	q, err := os.ReadFile("../testdata/bench-workload/query.graphql")
	if err != nil {
		b.Fatal(err)
	}
	return sg, string(q)
}

// BenchmarkParseValidate is the cold cost of a new operation: parse and validate the
// benchmark query against the API schema (what the document cache saves).
func BenchmarkParseValidate(b *testing.B) {
	sg, q := benchWorkload(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, errs := gqlparser.LoadQueryWithRules(sg.API, q, nil); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkPlanCached is a plan-cache hit for the benchmark query, key building included.
func BenchmarkPlanCached(b *testing.B) {
	sg, q := benchWorkload(b)
	snap, err := gateway.NewSnapshot(sg, gateway.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, q, nil)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	op := doc.Operations[0]
	if _, err := snap.Plan(op, nil); err != nil {
		b.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond) // ristretto admits asynchronously
	b.ReportAllocs()
	for b.Loop() {
		if _, err := snap.Plan(op, nil); err != nil {
			b.Fatal(err)
		}
	}
}
