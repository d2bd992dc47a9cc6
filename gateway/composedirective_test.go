package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/gateway"
)

// composedDirectiveGateway serves testdata/compose-directive: products and reviews compose
// @cache (type-system locations) and @trace (FIELD and FIELD_DEFINITION) from their own
// spec with @composeDirective, so the supergraph defines and applies both.
func composedDirectiveGateway(t *testing.T) *stack {
	t.Helper()
	const link = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
  @link(url: "https://myorg.dev/cache/v1.0", import: ["@cache", "@trace"])
  @composeDirective(name: "@cache")
directive @cache(maxAge: Int!, scope: CacheScope = PUBLIC) repeatable on FIELD_DEFINITION | OBJECT
directive @trace on FIELD | FIELD_DEFINITION
enum CacheScope { PUBLIC PRIVATE }
`
	productsSrv := &subgraph.Subgraph{Name: "products", Resolvers: map[string]map[string]subgraph.Resolver{
		"Query": {"product": func(_ map[string]any, args map[string]any) (any, error) {
			return map[string]any{"upc": args["upc"], "name": "Table"}, nil
		}},
	}}
	reviewsSrv := &subgraph.Subgraph{Name: "reviews", Entities: map[string]func(map[string]any) (any, error){
		"Product": func(rep map[string]any) (any, error) {
			return map[string]any{"upc": rep["upc"], "reviews": []any{"sturdy"}}, nil
		},
	}}
	return startSupergraph(t, "compose-directive/supergraph.graphql", map[string]schemaSubgraph{
		"http://127.0.0.1:4322/graphql": {productsSrv, link + `
			type Query { product(upc: ID!): Product @cache(maxAge: 60) @trace }
			type Product @key(fields: "upc") @cache(maxAge: 300) { upc: ID! name: String }`},
		"http://127.0.0.1:4323/graphql": {reviewsSrv, link + `
			type Product @key(fields: "upc") { upc: ID! reviews: [String] @cache(maxAge: 30, scope: PRIVATE) }`},
	}, gateway.Options{})
}

// Composed directives are the subgraphs' business: like Apollo's API schema, Atrium's
// drops every element of a linked spec, so clients see neither @cache nor @trace (even
// though @trace has an executable location), while fields carrying them are served.
func TestComposedDirectivesStayBehindTheGateway(t *testing.T) {
	t.Parallel()
	s := composedDirectiveGateway(t)

	t.Run("introspection", func(t *testing.T) {
		body := s.query(t, `{
			__schema { directives { name } }
			product: __type(name: "Product") { fields { name } }
		}`, nil)
		assert.Contains(t, body, `{"name":"deprecated"}`)
		assert.Contains(t, body, `{"name":"reviews"}`)
		for _, name := range []string{`"cache"`, `"trace"`, `"link"`, `"join__`} {
			assert.NotContains(t, body, name)
		}
	})

	t.Run("a composed executable directive is not part of the API", func(t *testing.T) {
		r := s.post(t, `{"query":"{ product(upc: \"1\") { name @trace } }"}`)
		assert.Contains(t, r.Body, `"errors"`)
		assert.Contains(t, r.Body, `trace`)
		assert.NotContains(t, r.Body, `"data":{`)
	})

	t.Run("fields with composed directives are served", func(t *testing.T) {
		body := s.query(t, `{ product(upc: "1") { upc name reviews } }`, nil)
		assert.JSONEq(t, `{"data": {"product": {"upc": "1", "name": "Table", "reviews": ["sturdy"]}}}`, body)
	})
}
