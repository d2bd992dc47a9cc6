package planner_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
)

// FuzzPlan plans arbitrary operations against the demo, the benchmark and several audit
// supergraphs: a valid operation gets a plan or a planning error, never a panic or a hang,
// and the plan prints.
func FuzzPlan(f *testing.F) {
	paths := []string{"../demo/supergraph.graphql", "../testdata/bench-workload/supergraph.graphql"}
	for _, s := range []string{"simple-requires-provides", "abstract-types", "requires-requires", "union-intersection", "simple-interface-object", "mutations"} {
		paths = append(paths, filepath.Join("../testdata/federation-audit", s, "supergraph.graphql"))
	}
	var graphs []*federation.Supergraph
	for _, p := range paths {
		graphs = append(graphs, loadSupergraph(f, p))
	}
	b, err := os.ReadFile("../testdata/bench-workload/query.graphql")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint8(1), string(b))
	f.Add(uint8(0), `{ me { reviews { product { shippingEstimate } } } }`)
	for i, p := range paths[2:] {
		var cases []struct{ Query string }
		raw, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "tests.json"))
		_ = json.Unmarshal(raw, &cases)
		for _, c := range cases {
			f.Add(uint8(i+2), c.Query)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		sg := graphs[int(which)%len(graphs)]
		doc, errs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
		if len(errs) > 0 || len(doc.Operations) != 1 {
			return
		}
		p, err := planner.Build(sg, doc.Operations[0], map[string]any{})
		if err != nil {
			var perr *planner.Error
			if e, ok := err.(*planner.Error); !ok || e.Message == "" {
				t.Fatalf("planning error of type %T: %v (%v)", err, err, perr)
			}
			return
		}
		_ = p.String()
		if _, err := json.Marshal(p); err != nil {
			t.Fatal(err)
		}
	})
}
