package contract_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
	"github.com/atrium-gateway/atrium/federation/contract"
	"github.com/atrium-gateway/atrium/planner"
)

var update = flag.Bool("update", false, "rewrite the expected API schemas of testdata/contracts")

// source composes testdata/subgraphs (products, reviews, inventory; tagged "public" and
// "internal") into the supergraph every case filters.
func source(t testing.TB) string {
	t.Helper()
	files, err := filepath.Glob("testdata/subgraphs/*.graphql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var inputs []compose.Input
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		name := strings.TrimSuffix(filepath.Base(file), ".graphql")
		inputs = append(inputs, compose.Input{Name: name, URL: "http://" + name + ".local/graphql", SDL: string(b)})
	}
	r := compose.Compose(inputs)
	require.NoError(t, r.Err())
	return r.Supergraph
}

// composeOne composes one subgraph's SDL (federation v2.3 with @key and @tag imported).
func composeOne(t testing.TB, sdl string) string {
	t.Helper()
	r := compose.Compose([]compose.Input{{Name: "a", URL: "http://a.local/graphql", SDL: `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
` + sdl}})
	require.NoError(t, r.Err())
	return r.Supergraph
}

const apiSeparator = "# ---- API schema\n"

// TestContracts runs testdata/contracts/*.txt: header lines "# include: a b",
// "# exclude: c" and "# hide-unreachable-types" give the filter, then the separator line and
// the contract's API schema as clients see it. `go test ./federation/contract -update`
// rewrites the schemas. Each contract must also be a fixed point: building it again with
// the same filter changes nothing.
func TestContracts(t *testing.T) {
	t.Parallel()
	src := source(t)
	files, err := filepath.Glob("testdata/contracts/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			head, want, _ := strings.Cut(string(raw), apiSeparator)
			var f contract.Filter
			for _, line := range strings.Split(head, "\n") {
				if v, ok := strings.CutPrefix(line, "# include: "); ok {
					f.Include = strings.Fields(v)
				}
				if v, ok := strings.CutPrefix(line, "# exclude: "); ok {
					f.Exclude = strings.Fields(v)
				}
				if line == "# hide-unreachable-types" {
					f.HideUnreachableTypes = true
				}
			}
			out, err := contract.Build(src, f)
			require.NoError(t, err)
			sg, err := federation.Parse("contract", out)
			require.NoError(t, err)
			got := sg.APISDL()
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(head+apiSeparator+got), 0o644))
			} else {
				require.Equal(t, want, got)
			}
			again, err := contract.Build(out, f)
			require.NoError(t, err)
			require.Equal(t, out, again, "a contract of the contract must be the contract")
		})
	}
}

// A filter that removes nothing returns the supergraph as it was, byte for byte.
func TestFilterRemovingNothingKeepsTheSupergraph(t *testing.T) {
	t.Parallel()
	src := source(t)
	for _, f := range []contract.Filter{{}, {Exclude: []string{"no-such-tag"}}, {Exclude: []string{"beta", "partner"}}} {
		out, err := contract.Build(src, f)
		require.NoError(t, err)
		assert.Equal(t, src, out, "%+v", f)
	}
	// Hiding unreachable types when every type is reachable changes nothing either.
	out, err := contract.Build(composeOne(t, `type Query { a: A } type A { b: Int }`), contract.Filter{HideUnreachableTypes: true})
	require.NoError(t, err)
	sg, err := federation.Parse("contract", out)
	require.NoError(t, err)
	assert.NotNil(t, sg.API.Types["A"])
}

// The contract links the inaccessible spec once, and reuses a link the supergraph has.
func TestLinksTheInaccessibleSpec(t *testing.T) {
	t.Parallel()
	out, err := contract.Build(source(t), contract.Filter{Exclude: []string{"internal"}})
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(out, `@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)`))
	assert.Equal(t, 1, strings.Count(out, "directive @inaccessible on "))

	linked := compose.Compose([]compose.Input{{Name: "a", URL: "http://a.local/graphql", SDL: `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag", "@inaccessible"])
type Query { a: Int b: Int @tag(name: "x") c: Int @inaccessible }`}})
	require.NoError(t, linked.Err())
	out, err = contract.Build(linked.Supergraph, contract.Filter{Exclude: []string{"x"}})
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(out, "specs.apollo.dev/inaccessible/"))
	assert.Contains(t, out, "b: Int @tag(name: \"x\") @inaccessible\n")
	assert.Contains(t, out, "c: Int @inaccessible\n", "marked once")
}

// A Federation 1 supergraph (@core, tag and inaccessible v0.1): the @inaccessible
// definition gains the locations a contract needs, as Apollo's contracts augment it.
func TestFederation1Supergraph(t *testing.T) {
	t.Parallel()
	sdl := `schema @core(feature: "https://specs.apollo.dev/core/v0.2") @core(feature: "https://specs.apollo.dev/join/v0.1", for: EXECUTION) @core(feature: "https://specs.apollo.dev/tag/v0.1") @core(feature: "https://specs.apollo.dev/inaccessible/v0.1", for: SECURITY) { query: Query }
directive @core(feature: String!, as: String, for: core__Purpose) repeatable on SCHEMA
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet) on FIELD_DEFINITION
directive @join__type(graph: join__Graph!, key: join__FieldSet) repeatable on OBJECT | INTERFACE
directive @join__owner(graph: join__Graph!) on OBJECT | INTERFACE
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
enum core__Purpose { EXECUTION SECURITY }
scalar join__FieldSet
enum join__Graph { ACCOUNTS @join__graph(name: "accounts", url: "http://a") }
enum Role { ADMIN MEMBER }
type Query { me: User @join__field(graph: ACCOUNTS) users(role: Role): [User] @join__field(graph: ACCOUNTS) @tag(name: "admin") }
type User @join__owner(graph: ACCOUNTS) @join__type(graph: ACCOUNTS, key: "id") {
  id: ID! @join__field(graph: ACCOUNTS)
  name: String @join__field(graph: ACCOUNTS)
}
`
	out, err := contract.Build(sdl, contract.Filter{Exclude: []string{"admin"}, HideUnreachableTypes: true})
	require.NoError(t, err)
	assert.Contains(t, out, "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM")
	sg, err := federation.Parse("contract", out)
	require.NoError(t, err)
	assert.Nil(t, sg.API.Types["Role"], "only users(role:) reached Role")
	assert.Nil(t, sg.API.Query.Fields.ForName("users"))

	// Without the inaccessible feature, the contract adds it with @core.
	noInaccessible := strings.NewReplacer(` @core(feature: "https://specs.apollo.dev/inaccessible/v0.1", for: SECURITY)`, "",
		"directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION\n", "").Replace(sdl)
	out, err = contract.Build(noInaccessible, contract.Filter{Exclude: []string{"admin"}})
	require.NoError(t, err)
	assert.Contains(t, out, `@core(feature: "https://specs.apollo.dev/inaccessible/v0.1", for: SECURITY)`)
	sg, err = federation.Parse("contract", out)
	require.NoError(t, err)
	assert.Nil(t, sg.API.Query.Fields.ForName("users"))
}

// Queries on kept fields still plan when the keys and @requires fields they need are hidden:
// the planner reads the whole supergraph, clients only the API schema.
func TestPlansThroughHiddenKeys(t *testing.T) {
	t.Parallel()
	out, err := contract.Build(source(t), contract.Filter{Include: []string{"public"}, Exclude: []string{"internal"}})
	require.NoError(t, err)
	sg, err := federation.Parse("contract", out)
	require.NoError(t, err)
	require.Nil(t, sg.API.Types["Product"].Fields.ForName("upc"), "the key is hidden")
	require.Nil(t, sg.API.Types["Product"].Fields.ForName("weight"), "the required field is hidden")

	plan := func(query string) string {
		t.Helper()
		doc, errs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
		require.Empty(t, errs)
		p, err := planner.Build(sg, doc.Operations[0], nil)
		require.NoError(t, err)
		return p.String()
	}
	// reviews and inventory are reached through the hidden key upc; shippingEstimate
	// @requires the hidden weight.
	assert.Equal(t, `QueryPlan {
  Sequence {
    Fetch(service: "products") {
      {
        products {
          name
          __typename
          upc
          price
          weight
        }
      }
    },
    Parallel {
      Flatten(path: "products.@") {
        Fetch(service: "reviews") {
          {
            ... on Product {
              __typename
              upc
            }
          } =>
          {
            ... on Product {
              reviews {
                body
              }
            }
          }
        },
      },
      Flatten(path: "products.@") {
        Fetch(service: "inventory") {
          {
            ... on Product {
              __typename
              upc
              price
              weight
            }
          } =>
          {
            ... on Product {
              shippingEstimate
            }
          }
        },
      },
    },
  },
}`, strings.TrimSpace(plan(`{ products { name reviews { body } shippingEstimate } }`)))
	p := plan(`{ search(term: "tea") { ... on Product { inStock } ... on Category { name } } }`)
	assert.Contains(t, p, `Fetch(service: "inventory")`)

	// The hidden fields are not there for clients.
	for _, q := range []string{`{ products { upc } }`, `{ products { weight } }`, `{ products { cost } }`,
		`{ products(includeDrafts: true) { name } }`, `{ review(id: "1") { authorEmail } }`} {
		_, errs := gqlparser.LoadQueryWithRules(sg.API, q, nil)
		assert.NotEmpty(t, errs, q)
	}
}

// Removing every mutation removes the mutation root from the API.
func TestRemovesAnEmptyMutationRoot(t *testing.T) {
	t.Parallel()
	out, err := contract.Build(composeOne(t, `type Query { a: Int } type Mutation { m: Int @tag(name: "w") }`), contract.Filter{Exclude: []string{"w"}})
	require.NoError(t, err)
	sg, err := federation.Parse("contract", out)
	require.NoError(t, err)
	assert.Nil(t, sg.API.Mutation)
	assert.Nil(t, sg.API.Types["Mutation"])
}

func TestRefusesInvalidContracts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		sdl    string // one subgraph; "" is the tagged source
		filter contract.Filter
		want   []string
	}{{
		name:   "no included Query field",
		filter: contract.Filter{Include: []string{"partner"}},
		want:   []string{"the contract removes every field of Query (Query.products: it has no included tag)"},
	}, {
		name:   "Query excluded as a whole",
		sdl:    `type Query @tag(name: "x") { a: Int b: Int }`,
		filter: contract.Filter{Exclude: []string{"x"}},
		want:   []string{`the contract removes every field of Query (Query.a: it is tagged "x")`},
	}, {
		name:   "required argument",
		sdl:    `type Query { product(upc: ID! @tag(name: "beta"), first: Int @tag(name: "beta")): String }`,
		filter: contract.Filter{Exclude: []string{"beta"}},
		want:   []string{`the contract removes required argument Query.product(upc:) (it is tagged "beta") but keeps Query.product`},
	}, {
		name:   "required argument of a removed type",
		sdl:    `input Where @tag(name: "beta") { a: Int } type Query { q(where: Where!): Int other: Int }`,
		filter: contract.Filter{Exclude: []string{"beta"}},
		want:   []string{"the contract removes required argument Query.q(where:) (its type Where is removed) but keeps Query.q"},
	}, {
		name:   "required input field",
		sdl:    `input ReviewInput { body: String! @tag(name: "beta") note: String } type Query { r(i: ReviewInput): Int }`,
		filter: contract.Filter{Exclude: []string{"beta"}},
		want:   []string{`the contract removes required input field ReviewInput.body (it is tagged "beta") but keeps ReviewInput`},
	}, {
		name:   "interface field without its implementation",
		sdl:    `interface Named { name: String } type User implements Named @key(fields: "id") { id: ID! name: String @tag(name: "beta") } type Query { user: User named: Named }`,
		filter: contract.Filter{Exclude: []string{"beta"}},
		want:   []string{`the contract keeps Named.name but removes User.name (it is tagged "beta"), which implements it`},
	}, {
		name:   "default value of a removed enum value",
		sdl:    `enum Color { RED GREEN @tag(name: "beta") } type Query { paint(c: Color = GREEN, cs: [Color!] = [RED, GREEN]): Int }`,
		filter: contract.Filter{Exclude: []string{"beta"}},
		want: []string{`the contract removes enum value Color.GREEN (it is tagged "beta"), the default value of Query.paint(c:)`,
			`the contract removes enum value Color.GREEN (it is tagged "beta"), the default value of Query.paint(cs:)`},
	}, {
		name:   "every problem at once",
		sdl:    `input In { a: Int! @tag(name: "beta") b: Int } type Query { q(x: ID! @tag(name: "beta"), in: In): Int }`,
		filter: contract.Filter{Exclude: []string{"beta"}},
		want:   []string{"the contract has 2 problems", "removes required argument Query.q(x:)", "removes required input field In.a"},
	}, {
		name:   "empty tag name",
		filter: contract.Filter{Include: []string{"public", " "}},
		want:   []string{"filter.Include[1]: empty tag name"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sdl := tc.sdl
			if sdl == "" {
				sdl = source(t)
			} else {
				sdl = composeOne(t, sdl)
			}
			out, err := contract.Build(sdl, tc.filter)
			require.Error(t, err)
			assert.Empty(t, out)
			var cerr *contract.Error
			require.True(t, errors.As(err, &cerr), "%v", err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestRefusesWhatIsNotASupergraph(t *testing.T) {
	t.Parallel()
	_, err := contract.Build(`type Query { a: Int @tag(name: "x") }`, contract.Filter{Exclude: []string{"x"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the source supergraph does not load")
	assert.Contains(t, err.Error(), "not a supergraph")
}

// The cascade: what a removal leaves empty or dangling goes too, and nothing else.
func TestRemovalsCascade(t *testing.T) {
	t.Parallel()
	out, err := contract.Build(composeOne(t, `
type Query { search: [Result] pets: [Pet] owner: Owner kinds(k: Kind): Int a: Int }
union Result = Cat | Dog
type Cat @tag(name: "x") { name: String }
type Dog { name: String @tag(name: "x") }
interface Pet { name: String @tag(name: "x") }
type Owner { since: Int pet: Pet }
enum Kind { CAT @tag(name: "x") DOG @tag(name: "x") }
`), contract.Filter{Exclude: []string{"x"}})
	require.NoError(t, err)
	sg, err := federation.Parse("contract", out)
	require.NoError(t, err)
	api := sg.API
	for _, gone := range []string{"Result", "Cat", "Dog", "Pet", "Kind"} {
		assert.Nil(t, api.Types[gone], gone)
	}
	assert.Equal(t, []string{"owner", "kinds", "a"}, fieldNames(api.Query.Fields), "search and pets lost their types")
	assert.Empty(t, api.Query.Fields.ForName("kinds").Arguments, "kinds(k:) lost its type")
	assert.Equal(t, []string{"since"}, fieldNames(api.Types["Owner"].Fields))
}

func fieldNames(fields []*ast.FieldDefinition) []string {
	var out []string
	for _, f := range fields {
		if !strings.HasPrefix(f.Name, "__") {
			out = append(out, f.Name)
		}
	}
	return out
}

func ExampleBuild() {
	r := compose.Compose([]compose.Input{{Name: "shop", URL: "http://shop/graphql", SDL: `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@tag"])
type Query { products: [Product] @tag(name: "public") orders: [Order] }
type Product @key(fields: "id") { id: ID! name: String @tag(name: "public") cost: Int }
type Order { id: ID! }`}})
	out, err := contract.Build(r.Supergraph, contract.Filter{Include: []string{"public"}, HideUnreachableTypes: true})
	if err != nil {
		panic(err)
	}
	sg, err := federation.Parse("contract", out)
	if err != nil {
		panic(err)
	}
	fmt.Print(sg.APISDL())

	_, err = contract.Build(r.Supergraph, contract.Filter{Include: []string{"partner"}})
	fmt.Println(err)
	// Output:
	// type Product {
	//   name: String
	// }
	// type Query {
	//   products: [Product]
	// }
	// the contract removes every field of Query (Query.products: it has no included tag): tag at least one of its fields with an included tag, or exclude fewer
}
