package subgraph_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

const testSDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

type Query {
  products: [Product!]!
  product(id: ID!): Product
  broken: String
  brokenStrict: String!
  animals(limit: Int = 2): [Animal]
  search(filter: Filter): [String!]
  color: Color
}

type Mutation {
  add(name: String!): Int!
  count: Int!
}

input Filter { prefix: String = "a" , max: Int }

enum Color { RED GREEN }

interface Animal { name: String! }
type Dog implements Animal { name: String! barks: Boolean }
type Cat implements Animal { name: String! lives: Int }

type Product @key(fields: "id") {
  id: ID!
  name: String
  weight: Float @external
  shipping: Int @requires(fields: "weight")
  strict: String!
}
`

const fed1SDL = `
extend type Query { me: User }
extend type User @key(fields: "id") { id: ID! @external name: String }
`

// The audit harness's flag, accepted here so that `go test ./audit/... -update-status` runs.
var _ = flag.Bool("update-status", false, "used by package audit only")

func products() []any {
	return []any{
		map[string]any{"id": "1", "name": "Table", "strict": "s"},
		map[string]any{"id": "2", "name": "Chair", "strict": nil},
	}
}

func newTestSubgraph() *subgraph.Subgraph {
	count := 0
	return &subgraph.Subgraph{
		Name: "test",
		Resolvers: map[string]map[string]subgraph.Resolver{
			"Query": {
				"products": func(_, _ map[string]any) (any, error) { return products()[:1], nil },
				"product": func(_, args map[string]any) (any, error) {
					for _, p := range products() {
						if p.(map[string]any)["id"] == args["id"] {
							return p, nil
						}
					}
					return nil, nil
				},
				"broken":       func(_, _ map[string]any) (any, error) { return nil, errors.New("boom") },
				"brokenStrict": func(_, _ map[string]any) (any, error) { return nil, errors.New("strict boom") },
				"animals": func(_, args map[string]any) (any, error) {
					all := []map[string]any{
						{"__typename": "Dog", "name": "Rex", "barks": true},
						{"__typename": "Cat", "name": "Tom", "lives": 9},
						{"__typename": "Dog", "name": "Fido", "barks": false},
					}
					return all[:args["limit"].(int)], nil
				},
				"search": func(_, args map[string]any) (any, error) {
					f := args["filter"].(map[string]any)
					return []string{f["prefix"].(string)}, nil
				},
				"color": func(_, _ map[string]any) (any, error) { return "BLUE", nil },
			},
			"Mutation": {
				"add":   func(_, _ map[string]any) (any, error) { count++; return count, nil },
				"count": func(_, _ map[string]any) (any, error) { return count, nil },
			},
			"Product": {
				"shipping": func(p, _ map[string]any) (any, error) {
					w, ok := p["weight"].(float64)
					if !ok {
						return nil, errors.New("weight missing")
					}
					return int(w * 10), nil
				},
			},
		},
		Entities: map[string]func(map[string]any) (any, error){
			"Product": func(rep map[string]any) (any, error) {
				for _, p := range products() {
					if p.(map[string]any)["id"] == rep["id"] {
						out := p.(map[string]any)
						if w, ok := rep["weight"]; ok {
							out["weight"] = w
						}
						return out, nil
					}
				}
				return nil, nil
			},
		},
	}
}

func post(t *testing.T, url, query string, vars map[string]any) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	require.NoError(t, err)
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(out)
}

func TestSubgraph(t *testing.T) {
	h, err := newTestSubgraph().Handler(testSDL)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	cases := []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{
			name:  "fields, aliases, fragments, typename",
			query: `query { products { ...P n: name } } fragment P on Product { __typename id }`,
			want:  `{"data":{"products":[{"__typename":"Product","id":"1","n":"Table"}]}}`,
		},
		{
			name:  "arguments and variables",
			query: `query($id: ID!) { product(id: $id) { name } missing: product(id: 9) { name } }`,
			vars:  map[string]any{"id": "2"},
			want:  `{"data":{"product":{"name":"Chair"},"missing":null}}`,
		},
		{
			name:  "entities with requires",
			query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id shipping } } }`,
			vars: map[string]any{"r": []any{
				map[string]any{"__typename": "Product", "id": "1", "weight": 1.5},
				map[string]any{"__typename": "Product", "id": "7", "weight": 1},
			}},
			want: `{"data":{"_entities":[{"id":"1","shipping":15},null]}}`,
		},
		{
			name:  "entity of unknown type fails the whole field",
			query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
			vars:  map[string]any{"r": []any{map[string]any{"__typename": "Nope", "id": "1"}}},
			want:  `{"data":null,"errors":[{"message":"The _entities resolver tried to load an entity for type \"Nope\", but no object or interface type of that name was found in the schema","path":["_entities"]}]}`,
		},
		{
			name:  "interface with typename, inline fragments, default argument",
			query: `{ animals { __typename name ... on Dog { barks } ... on Cat { lives } } }`,
			want:  `{"data":{"animals":[{"__typename":"Dog","name":"Rex","barks":true},{"__typename":"Cat","name":"Tom","lives":9}]}}`,
		},
		{
			name:  "skip and include",
			query: `query($no: Boolean!) { animals(limit: 1) { name @skip(if: true) ... on Dog @include(if: $no) { barks } __typename } }`,
			vars:  map[string]any{"no": false},
			want:  `{"data":{"animals":[{"__typename":"Dog"}]}}`,
		},
		{
			name:  "resolver error nulls a nullable field",
			query: `{ broken products { id } }`,
			want:  `{"data":{"broken":null,"products":[{"id":"1"}]},"errors":[{"message":"boom","path":["broken"]}]}`,
		},
		{
			name:  "resolver error on a non-null root field nulls data",
			query: `{ products { id } brokenStrict }`,
			want:  `{"data":null,"errors":[{"message":"strict boom","path":["brokenStrict"]}]}`,
		},
		{
			name:  "null in a non-null field nulls the parent",
			query: `{ product(id: "2") { id strict } }`,
			want:  `{"data":{"product":null},"errors":[{"message":"Cannot return null for non-nullable field Product.strict.","path":["product","strict"]}]}`,
		},
		{
			name:  "input object defaults",
			query: `{ search(filter: {max: 1}) }`,
			want:  `{"data":{"search":["a"]}}`,
		},
		{
			name:  "enum value the schema does not know",
			query: `{ color }`,
			want:  `{"data":{"color":null},"errors":[{"message":"Enum \"Color\" cannot represent value: \"BLUE\"","path":["color"]}]}`,
		},
		{
			name:  "mutations run in order",
			query: `mutation { a: add(name: "x") b: add(name: "y") count }`,
			want:  `{"data":{"a":1,"b":2,"count":2}}`,
		},
		{
			name:  "service sdl",
			query: `{ _service { sdl } }`,
			want:  mustJSON(t, map[string]any{"data": map[string]any{"_service": map[string]any{"sdl": testSDL}}}),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.JSONEq(t, c.want, post(t, srv.URL, c.query, c.vars))
		})
	}

	t.Run("validation errors have no data", func(t *testing.T) {
		var resp map[string]any
		require.NoError(t, json.Unmarshal([]byte(post(t, srv.URL, `{ nope }`, nil)), &resp))
		require.NotContains(t, resp, "data")
		require.NotEmpty(t, resp["errors"])
	})
}

func TestFederation1Extensions(t *testing.T) {
	sg := &subgraph.Subgraph{
		Name: "fed1",
		Resolvers: map[string]map[string]subgraph.Resolver{"Query": {
			"me": func(_, _ map[string]any) (any, error) { return map[string]any{"id": "u1"}, nil },
		}},
		Entities: map[string]func(map[string]any) (any, error){},
	}
	h, err := sg.Handler(fed1SDL)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	require.JSONEq(t, `{"data":{"me":{"id":"u1","name":null}}}`, post(t, srv.URL, `{ me { id name } }`, nil))
	// Without an Entities func the representation itself is the entity.
	require.JSONEq(t,
		`{"data":{"_entities":[{"__typename":"User","id":"u2","name":"Ann"}]}}`,
		post(t, srv.URL, `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on User { id name } } }`,
			map[string]any{"r": []any{map[string]any{"__typename": "User", "id": "u2", "name": "Ann"}}}))
}

func TestRegister(t *testing.T) {
	subgraph.Register("subgraph-test-suite", func() *subgraph.Suite {
		return &subgraph.Suite{Name: "subgraph-test-suite", Subgraphs: []*subgraph.Subgraph{{Name: "a"}}}
	})
	build, ok := subgraph.Lookup("subgraph-test-suite")
	require.True(t, ok)
	require.NotNil(t, build().Subgraph("a"))
	require.Contains(t, subgraph.Names(), "subgraph-test-suite")
	require.Panics(t, func() { subgraph.Register("subgraph-test-suite", nil) })
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
