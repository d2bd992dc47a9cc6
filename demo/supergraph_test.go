package demo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// ports are the routing ports of demo/supergraph.graphql (and demo-subgraphs' defaults).
var ports = map[string]int{"accounts": 4001, "products": 4002, "reviews": 4003, "inventory": 4004}

func parseFile(t *testing.T, path string) *ast.SchemaDocument {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	doc, err := parser.ParseSchema(&ast.Source{Name: path, Input: string(src)})
	require.NoError(t, err)
	return doc
}

// arg returns the raw value of a directive argument, "" if absent.
func arg(d *ast.Directive, name string) string {
	if a := d.Arguments.ForName(name); a != nil {
		return a.Value.Raw
	}
	return ""
}

// joinFields returns a field's @join__field directives by graph.
func joinFields(f *ast.FieldDefinition) map[string]*ast.Directive {
	out := map[string]*ast.Directive{}
	for _, d := range f.Directives.ForNames("join__field") {
		out[arg(d, "graph")] = d
	}
	return out
}

// TestSupergraphMatchesSubgraphs checks the hand-written supergraph against the subgraph
// schemas, both ways: each subgraph's types, keys and fields (with their type, arguments,
// @external, @requires and @provides) are in the supergraph under its join__Graph value, and
// every field the supergraph routes to a subgraph is in that subgraph's schema.
func TestSupergraphMatchesSubgraphs(t *testing.T) {
	t.Parallel()
	super := parseFile(t, "supergraph.graphql")

	graphs := super.Definitions.ForName("join__Graph")
	require.NotNil(t, graphs)
	require.Len(t, graphs.EnumValues, len(subgraphs))
	for name := range subgraphs {
		v := graphs.EnumValues.ForName(strings.ToUpper(name))
		require.NotNil(t, v, "join__Graph has no value for %s", name)
		d := v.Directives.ForName("join__graph")
		assert.Equal(t, name, arg(d, "name"))
		assert.Equal(t, fmt.Sprintf("http://127.0.0.1:%d/graphql", ports[name]), arg(d, "url"))
	}

	// objects[graph][type] is the subgraph's object type; Query exists in every subgraph.
	objects := map[string]map[string]*ast.Definition{}
	for name := range subgraphs {
		graph := strings.ToUpper(name)
		doc := parseFile(t, filepath.Join(name, "schema.graphqls"))
		objects[graph] = map[string]*ast.Definition{"Query": {Name: "Query"}}
		for _, def := range slices.Concat(doc.Definitions, doc.Extensions) {
			if def.Kind == ast.Object {
				objects[graph][def.Name] = def
			}
		}
	}

	for graph, types := range objects {
		for _, def := range types {
			where := graph + " " + def.Name
			sup := super.Definitions.ForName(def.Name)
			require.NotNil(t, sup, "%s: not in the supergraph", where)
			i := slices.IndexFunc(sup.Directives.ForNames("join__type"),
				func(d *ast.Directive) bool { return arg(d, "graph") == graph })
			require.GreaterOrEqual(t, i, 0, "%s: no @join__type(graph: %s)", where, graph)
			key := ""
			if k := def.Directives.ForName("key"); k != nil {
				key = arg(k, "fields")
			}
			assert.Equal(t, key, arg(sup.Directives.ForNames("join__type")[i], "key"), "%s: key", where)

			for _, f := range def.Fields {
				where := where + "." + f.Name
				sf := sup.Fields.ForName(f.Name)
				require.NotNil(t, sf, "%s: not in the supergraph", where)
				assert.Equal(t, f.Type.String(), sf.Type.String(), "%s: type", where)
				assert.Equal(t, len(f.Arguments), len(sf.Arguments), "%s: arguments", where)
				for _, a := range f.Arguments {
					sa := sf.Arguments.ForName(a.Name)
					require.NotNil(t, sa, "%s(%s:): not in the supergraph", where, a.Name)
					assert.Equal(t, a.Type.String(), sa.Type.String(), "%s(%s:)", where, a.Name)
				}
				joins := joinFields(sf)
				if len(joins) == 0 {
					continue // in every subgraph that has the type: checked below
				}
				j := joins[graph]
				require.NotNil(t, j, "%s: no @join__field(graph: %s)", where, graph)
				external := ""
				if f.Directives.ForName("external") != nil {
					external = "true"
				}
				assert.Equal(t, external, arg(j, "external"), "%s: external", where)
				for _, dir := range []string{"requires", "provides"} {
					want := ""
					if d := f.Directives.ForName(dir); d != nil {
						want = arg(d, "fields")
					}
					assert.Equal(t, want, arg(j, dir), "%s: %s", where, dir)
				}
			}
		}
	}

	for _, sup := range super.Definitions {
		if sup.Kind != ast.Object {
			continue
		}
		for _, jt := range sup.Directives.ForNames("join__type") {
			graph := arg(jt, "graph")
			def := objects[graph][sup.Name]
			require.NotNil(t, def, "%s: @join__type(graph: %s) but no such type there", sup.Name, graph)
			for _, sf := range sup.Fields {
				joins := joinFields(sf)
				if _, routed := joins[graph]; routed || len(joins) == 0 {
					assert.NotNil(t, def.Fields.ForName(sf.Name),
						"%s.%s: routed to %s, which does not define it", sup.Name, sf.Name, graph)
				}
			}
		}
	}
}
