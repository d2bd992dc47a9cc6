package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// shared-root: three subgraphs share Query.product(s) on a non-entity Product, each adding
// one field.
func init() {
	subgraph.Register("shared-root", func() *subgraph.Suite {
		const id = "1"
		fields := map[string]func() map[string]any{
			"name":     func() map[string]any { return map[string]any{"id": "1", "brand": "Brand 1", "model": "Model 1"} },
			"price":    func() map[string]any { return map[string]any{"id": "1", "amount": 1000, "currency": "USD"} },
			"category": func() map[string]any { return map[string]any{"id": "1", "name": "Category 1"} },
		}
		// root serves one subgraph's Query fields: the product with its id and the one field
		// that subgraph owns (the subgraph and the field share a name).
		root := func(field string) *subgraph.Subgraph {
			product := func() map[string]any { return map[string]any{"id": id, field: fields[field]()} }
			return &subgraph.Subgraph{
				Name: field,
				Resolvers: map[string]map[string]subgraph.Resolver{
					"Query": {
						"product": func(map[string]any, map[string]any) (any, error) { return product(), nil },
						"products": func(map[string]any, map[string]any) (any, error) {
							return []any{product()}, nil
						},
					},
				},
			}
		}
		return &subgraph.Suite{Name: "shared-root", Subgraphs: []*subgraph.Subgraph{root("name"), root("price"), root("category")}}
	})
}
