package gateway_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/audit/subgraph"
	"github.com/atrium-gateway/atrium/gateway"
)

// progressiveSubgraph serves Product entities whose every field says which subgraph
// answered ("old:price", "new:price").
func progressiveSubgraph(name, sdl string) schemaSubgraph {
	product := func(id any) map[string]any {
		p := map[string]any{"id": id}
		for _, f := range []string{"price", "stock", "name", "sku", "weight"} {
			p[f] = name + ":" + f
		}
		return p
	}
	return schemaSubgraph{sdl: sdl, sub: &subgraph.Subgraph{
		Name: name,
		Resolvers: map[string]map[string]subgraph.Resolver{"Query": {
			"products": func(map[string]any, map[string]any) (any, error) { return []any{product("p1")}, nil },
		}},
		Entities: map[string]func(map[string]any) (any, error){
			"Product": func(rep map[string]any) (any, error) { return product(rep["id"]), nil },
		},
	}}
}

func progressiveGateway(t *testing.T, opts gateway.Options) *stack {
	t.Helper()
	const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])` + "\n"
	return startSupergraph(t, "progressive-override/supergraph.graphql", map[string]schemaSubgraph{
		"http://127.0.0.1:4302/graphql": progressiveSubgraph("old", link+`
			type Product @key(fields: "id") { id: ID! price: String! stock: String! name: String! sku: String! }
			type Query { products: [Product] }`),
		"http://127.0.0.1:4301/graphql": progressiveSubgraph("new", link+`
			type Product @key(fields: "id") {
				id: ID!
				price: String! @override(from: "old", label: "new-prices")
				stock: String! @override(from: "old", label: "percent(50)")
				name: String! @override(from: "old", label: "percent(0)")
				sku: String! @override(from: "old", label: "percent(100)")
				weight: String! @override(from: "gone", label: "never-switched-on")
			}`),
	}, opts)
}

type productAnswer struct {
	Products []map[string]string `json:"products"`
}

func TestProgressiveOverride(t *testing.T) {
	t.Parallel()
	const query = `{ products { id price stock name sku weight } }`

	t.Run("labels off", func(t *testing.T) {
		t.Parallel()
		srv := progressiveGateway(t, gateway.Options{})
		stock := map[string]int{}
		for range 200 {
			var got productAnswer
			srv.data(t, query, &got)
			require.Len(t, got.Products, 1)
			p := got.Products[0]
			assert.Equal(t, "old:price", p["price"], "a switched label is off unless configured")
			assert.Equal(t, "old:name", p["name"], "percent(0) never overrides")
			assert.Equal(t, "new:sku", p["sku"], "percent(100) always overrides")
			assert.Equal(t, "new:weight", p["weight"], "an override from a subgraph that is gone is unconditional")
			stock[p["stock"]]++
		}
		// percent(50) over 200 requests: both sides, roughly half each (a binomial
		// outside 60..140 has a probability below 1e-5).
		assert.Len(t, stock, 2, "%v", stock)
		assert.InDelta(t, 100, stock["new:stock"], 40, "%v", stock)
	})

	t.Run("label switched on", func(t *testing.T) {
		t.Parallel()
		srv := progressiveGateway(t, gateway.Options{OverrideLabels: []string{"new-prices"}})
		for range 20 {
			var got productAnswer
			srv.data(t, query, &got)
			require.Len(t, got.Products, 1)
			assert.Equal(t, "new:price", got.Products[0]["price"])
			assert.Equal(t, "old:name", got.Products[0]["name"])
		}
	})
}

func TestProgressiveOverrideNeedsNoLabelsInQueries(t *testing.T) {
	t.Parallel()
	// An unknown label in the configuration is harmless: nothing carries it.
	srv := progressiveGateway(t, gateway.Options{OverrideLabels: []string{"no-such-label"}})
	var got productAnswer
	srv.data(t, `{ products { price } }`, &got)
	assert.Equal(t, "old:price", got.Products[0]["price"])
}
