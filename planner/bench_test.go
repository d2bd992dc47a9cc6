package planner_test

import (
	"os"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/planner"
)

// BenchmarkPlanBenchmarkQuery is a cold plan (no cache) of the gateway benchmark's query.
func BenchmarkPlanBenchmarkQuery(b *testing.B) {
	sg := loadSupergraph(b, "../testdata/bench-workload/supergraph.graphql")
	q, err := os.ReadFile("../testdata/bench-workload/query.graphql")
	if err != nil {
		b.Fatal(err)
	}
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, string(q), nil)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	op := doc.Operations[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := planner.Build(sg, op, nil); err != nil {
			b.Fatal(err)
		}
	}
}
