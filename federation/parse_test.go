package federation

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func TestParsesEveryAuditSupergraph(t *testing.T) {
	files, err := filepath.Glob("../testdata/federation-audit/*/supergraph.graphql")
	require.NoError(t, err)
	require.Len(t, files, 46)
	files = append(files, "../testdata/bench-workload/supergraph.graphql", "../demo/supergraph.graphql")
	for _, f := range files {
		sg, err := Parse(f, readFile(t, f))
		require.NoError(t, err, f)
		require.NotEmpty(t, sg.Subgraphs)
		for name := range sg.API.Types {
			assert.False(t, strings.HasPrefix(name, "join__") || strings.HasPrefix(name, "link__"), "%s: %s leaked into the API schema", f, name)
		}
	}
}

func TestJoinTables(t *testing.T) {
	sg, err := Parse("demo", readFile(t, "../demo/supergraph.graphql"))
	require.NoError(t, err)
	names := []string{}
	for _, s := range sg.Subgraphs {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"accounts", "inventory", "products", "reviews"}, names)
	inv := sg.SubgraphByName("inventory").ID
	prod := sg.SubgraphByName("products").ID
	rev := sg.SubgraphByName("reviews").ID
	ship := sg.Field("Product", "shippingEstimate")
	require.NotNil(t, ship)
	assert.True(t, ship.Resolvable(inv))
	assert.False(t, ship.Resolvable(prod))
	assert.Equal(t, "price weight", ship.In[inv].RequiresRaw)
	require.Len(t, ship.In[inv].Requires, 2)
	price := sg.Field("Product", "price")
	assert.True(t, price.In[inv].External)
	assert.False(t, price.Resolvable(inv))
	assert.True(t, price.Resolvable(prod))
	author := sg.Field("Review", "author")
	assert.Equal(t, "username", author.In[rev].ProvidesRaw)
	// upc has no @join__field: every subgraph with Product has it.
	upc := sg.Field("Product", "upc")
	for _, s := range []int{inv, prod, rev} {
		assert.True(t, upc.Resolvable(s))
	}
	keys := sg.Types["Product"].ResolvableKeys(inv)
	require.Len(t, keys, 1)
	assert.Equal(t, "upc", keys[0].Raw)
}

func TestFederation1Supergraph(t *testing.T) {
	sdl := `schema @core(feature: "https://specs.apollo.dev/core/v0.1") @core(feature: "https://specs.apollo.dev/join/v0.1") { query: Query }
directive @core(feature: String!) repeatable on SCHEMA
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet) on FIELD_DEFINITION
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on OBJECT | INTERFACE
directive @join__owner(graph: join__Graph!) on OBJECT | INTERFACE
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
scalar join__FieldSet
enum join__Graph { ACCOUNTS @join__graph(name: "accounts", url: "http://a") REVIEWS @join__graph(name: "reviews", url: "http://r") }
type Query { me: User @join__field(graph: ACCOUNTS) }
type User @join__owner(graph: ACCOUNTS) @join__type(graph: ACCOUNTS, key: "id") @join__type(graph: REVIEWS, key: "id") {
  id: ID! @join__field(graph: ACCOUNTS)
  name: String @join__field(graph: ACCOUNTS)
  reviews: [Review] @join__field(graph: REVIEWS)
}
type Review { body: String }
`
	sg, err := Parse("fed1.graphql", sdl)
	require.NoError(t, err)
	assert.Equal(t, 1, sg.FedVersion)
	assert.True(t, sg.Field("User", "reviews").Resolvable(1))
	assert.False(t, sg.Field("User", "reviews").Resolvable(0))
	// A value type without @join__type lives everywhere.
	assert.True(t, sg.Field("Review", "body").Resolvable(0))
	assert.True(t, sg.Field("Review", "body").Resolvable(1))
}

func TestInaccessibleElementsLeaveTheAPISchema(t *testing.T) {
	f := "../testdata/federation-audit/simple-inaccessible/supergraph.graphql"
	sg, err := Parse(f, readFile(t, f))
	require.NoError(t, err)
	for name, def := range sg.Schema.Types {
		for _, fd := range def.Fields {
			if fd.Directives.ForName("inaccessible") != nil {
				api := sg.API.Types[name]
				if api != nil {
					assert.Nil(t, api.Fields.ForName(fd.Name), "%s.%s is @inaccessible", name, fd.Name)
				}
			}
		}
		if def.Directives.ForName("inaccessible") != nil {
			assert.Nil(t, sg.API.Types[name], "type %s is @inaccessible", name)
		}
	}
}

func TestRefusesBadSupergraphs(t *testing.T) {
	demo := readFile(t, "../demo/supergraph.graphql")
	cases := []struct {
		name, sdl, want string
	}{
		{"not GraphQL", "type Query {", "sg.graphql:1:"},
		{"a subgraph schema", "type Query { me: String }", "not a supergraph"},
		{"unsupported join version", strings.Replace(demo, "join/v0.3", "join/v0.9", 1), "unsupported join spec version v0.9"},
		{"unknown graph", strings.Replace(demo, `@join__type(graph: PRODUCTS, key: "upc")`, `@join__type(graph: NOPE, key: "upc")`, 1), "NOPE"},
		{"bad key", strings.Replace(demo, `@join__type(graph: PRODUCTS, key: "upc")`, `@join__type(graph: PRODUCTS, key: "nope")`, 1), `key "nope": type Product has no field nope`},
		{"unparsable requires", strings.Replace(demo, `requires: "price weight"`, `requires: "price {"`, 1), "requires"},
		{"unknown security feature", strings.Replace(demo, `@link(url: "https://specs.apollo.dev/link/v1.0")`, `@link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://example.com/policy/v0.1", for: SECURITY)`, 1), "unsupported feature"},
		{"no subgraphs", "schema @link(url: \"https://specs.apollo.dev/link/v1.0\") @link(url: \"https://specs.apollo.dev/join/v0.3\", for: EXECUTION) { query: Query }\ndirective @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA\nscalar link__Import\nenum link__Purpose { SECURITY EXECUTION }\ntype Query { a: Int }", "join__Graph"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("sg.graphql", c.sdl)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			var perr *Error
			require.ErrorAs(t, err, &perr)
		})
	}
}

func TestErrorNamesTheLine(t *testing.T) {
	demo := readFile(t, "../demo/supergraph.graphql")
	bad := strings.Replace(demo, `@join__type(graph: PRODUCTS, key: "upc")`, `@join__type(graph: NOPE, key: "upc")`, 1)
	_, err := Parse("supergraph.graphql", bad)
	var perr *Error
	require.ErrorAs(t, err, &perr)
	line := 0
	for i, l := range strings.Split(bad, "\n") {
		if strings.Contains(l, "graph: NOPE") {
			line = i + 1
		}
	}
	assert.Equal(t, line, perr.Line)
}

// FuzzParse: any text gives a supergraph or an *Error, never a panic.
func FuzzParse(f *testing.F) {
	// Small seeds: the audit supergraphs are parsed by TestParsesEveryAuditSupergraph, and
	// whole 6 KB files make the mutator crawl.
	f.Add("type Query { a: Int }")
	f.Add(`schema @link(url: "https://specs.apollo.dev/join/v0.3") { query: Query }
enum join__Graph { A @join__graph(name: "a", url: "http://a") }
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: String) repeatable on OBJECT
directive @link(url: String) repeatable on SCHEMA
type Query @join__type(graph: A) { t: T }
type T @join__type(graph: A, key: "id") { id: ID! }`)
	f.Fuzz(func(t *testing.T, sdl string) {
		sg, err := Parse("fuzz.graphql", sdl)
		if err != nil {
			var perr *Error
			if !asError(err, &perr) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if sg.API == nil || len(sg.Subgraphs) == 0 {
			t.Fatal("a parsed supergraph needs an API schema and subgraphs")
		}
	})
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

// A supergraph with composed directives (@composeDirective) loads: custom @link features are
// read, their directives applied anywhere, and the API schema drops them all, as Apollo's
// does. The inaccessible spec here is aliased (_0inaccessible) and imported renamed, while a
// composed directive is named @inaccessible: only the spec's hides anything.
func TestComposedDirectivesLeaveTheAPISchema(t *testing.T) {
	sdl := `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", as: "_0inaccessible", for: SECURITY, import: [{name: "@inaccessible", as: "@federation__inaccessible"}])
  @link(url: "https://myspecs.dev/f-oo/v1.0", as: "_1foo", import: [{name: "@foo", as: "@inaccessible"}, "@trace"])
  @inaccessible(name: "schema")
{
  query: Query
}

directive @federation__inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @inaccessible(name: String!) repeatable on SCHEMA | FIELD_DEFINITION
directive @trace on FIELD | FIELD_DEFINITION
directive @plain on FIELD
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
enum join__Graph { A @join__graph(name: "a", url: "http://a/graphql") }
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }

type Query @join__type(graph: A) {
  a: String @inaccessible(name: "a") @trace
  b: String @federation__inaccessible
}
`
	sg, err := Parse("custom.graphql", sdl)
	require.NoError(t, err)
	q := sg.API.Types["Query"]
	require.NotNil(t, q)
	assert.NotNil(t, q.Fields.ForName("a"), "a custom @inaccessible hides nothing")
	assert.Nil(t, q.Fields.ForName("b"))
	assert.Empty(t, q.Fields.ForName("a").Directives)
	for _, d := range []string{"inaccessible", "federation__inaccessible", "trace"} {
		assert.Nil(t, sg.API.Directives[d], "@%s belongs to a linked spec", d)
	}
	assert.NotNil(t, sg.API.Directives["plain"], "an executable directive of no spec stays")
}
