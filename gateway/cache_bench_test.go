package gateway

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
)

// BenchmarkParseValidateCached is the warm cost of a known operation: a document-cache hit
// for the benchmark query, which stands for parsing and validating it again (compare
// BenchmarkParseValidate, the cold cost).
func BenchmarkParseValidateCached(b *testing.B) {
	_, query, doc := benchWorkload(b)
	docs, err := newDocumentCache(1000)
	if err != nil {
		b.Fatal(err)
	}
	docs.Add(context.Background(), query, doc)
	time.Sleep(10 * time.Millisecond) // ristretto admits asynchronously
	b.ReportAllocs()
	for b.Loop() {
		if got, ok := docs.Get(context.Background(), query); !ok || got != doc {
			b.Fatal("document cache miss")
		}
	}
}

// benchWorkload loads the benchmark's supergraph and query, and the query parsed and
// validated against the API schema.
func benchWorkload(tb testing.TB) (*federation.Supergraph, string, *ast.QueryDocument) {
	tb.Helper()
	sdl, err := os.ReadFile("../testdata/bench-workload/supergraph.graphql")
	if err != nil {
		tb.Fatal(err)
	}
	q, err := os.ReadFile("../testdata/bench-workload/query.graphql")
	if err != nil {
		tb.Fatal(err)
	}
	sg, err := federation.Parse("bench", string(sdl))
	if err != nil {
		tb.Fatal(err)
	}
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, string(q), nil)
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	return sg, string(q), doc
}
