package executor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/valyala/fastjson"
	"github.com/vektah/gqlparser/v2"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/planner"
)

// TestRepresentationsOfNestedAbstractRequirements pins the representation built for a
// @requires that selects into an interface or union, as Apollo's router builds it: the
// fetch that reads the required fields selects __typename inside the abstract field (the
// type conditions are decided with it), but the representation holds only the required
// fields (no __typename inside the nested object) and the top-level __typename.
func TestRepresentationsOfNestedAbstractRequirements(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		suite, query string
		// fetched is what the fetch that reads the requirement selects on the abstract field.
		fetched string
		data    string // the merged answer so far
		want    string // the representations sent to the requiring subgraph
	}{
		{
			// address: Address (interface); country requires address { ... on WorkAddress { id } }.
			suite: "requires-interface", query: `{ b { country } }`,
			fetched: `address{__typename ...on WorkAddress{id}}`,
			data:    `{"b":{"__typename":"User","id":"u2","address":{"__typename":"WorkAddress","id":"a2"}}}`,
			want:    `{"__typename":"User","id":"u2","address":{"id":"a2"}}`,
		},
		{
			suite: "requires-interface", query: `{ b { country } }`,
			fetched: `address{__typename ...on WorkAddress{id}}`,
			data:    `{"b":{"__typename":"User","id":"u1","address":{"__typename":"HomeAddress"}}}`,
			want:    `{"__typename":"User","id":"u1","address":{}}`,
		},
		{
			// city requires address { id }: no type condition, still no nested __typename.
			suite: "requires-interface", query: `{ b { city } }`,
			fetched: `address{__typename id}`,
			data:    `{"b":{"__typename":"User","id":"u1","address":{"__typename":"HomeAddress","id":"a1"}}}`,
			want:    `{"__typename":"User","id":"u1","address":{"id":"a1"}}`,
		},
		{
			// data: Foo (interface); requirer requires data { foo ... on Bar { bar ... on Baz { baz } ... on Qux { qux } } }.
			suite: "requires-with-fragments", query: `{ a { requirer } }`,
			fetched: `data{__typename ...on Bar{foo bar} ...on Baz{foo bar baz} ...on Qux{foo bar qux}}`,
			data:    `{"a":{"__typename":"Entity","id":"e2","data":{"__typename":"Qux","foo":"q1-foo","bar":"q1-bar","qux":"q1-qux"}}}`,
			want:    `{"__typename":"Entity","id":"e2","data":{"foo":"q1-foo","bar":"q1-bar","qux":"q1-qux"}}`,
		},
	} {
		t.Run(c.suite+" "+c.query, func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(filepath.Join("..", "testdata", "federation-audit", c.suite, "supergraph.graphql"))
			require.NoError(t, err)
			sg, err := federation.Parse("supergraph.graphql", string(raw))
			require.NoError(t, err)
			doc, errs := gqlparser.LoadQueryWithRules(sg.API, c.query, nil)
			require.Empty(t, errs)
			plan, err := planner.Build(sg, doc.Operations[0], nil)
			require.NoError(t, err)

			seq, ok := plan.Root.(*planner.Sequence)
			require.True(t, ok, "want a sequence")
			first := seq.Nodes[0].(*planner.Fetch)
			require.Contains(t, first.Operation, c.fetched)
			fl := seq.Nodes[len(seq.Nodes)-1].(*planner.Flatten)
			f := fl.Node.(*planner.Fetch)

			e := New(sg, nil)
			data, err := fastjson.Parse(c.data)
			require.NoError(t, err)
			var reps representations
			var buf []byte
			walk(data, fl.Path, func(obj *fastjson.Value) { buf = reps.add(buf, obj, f.Requires, e.isA) })
			require.Equal(t, c.want, string(buf))
			require.NotContains(t, strings.TrimPrefix(string(buf), `{"__typename"`), "__typename")
		})
	}
}
