package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

func init() {
	subgraph.Register("partial-union", func() *subgraph.Suite {
		// a declares the whole union Alpha | Beta | Gamma and is the only owner of getResponse.
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"getResponse": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{
							"message": "Hello, Federation!",
							"actions": []any{
								map[string]any{"__typename": "Alpha", "id": "alpha-1", "value": "alpha value"},
								map[string]any{"__typename": "Beta", "id": "beta-1", "name": "beta name", "details": "beta details"},
								map[string]any{"__typename": "Gamma", "id": "gamma-1", "label": "gamma label"},
							},
						}, nil
					},
				},
			},
		}
		// b only shares Response and the Alpha member; it has no root field and no resolvers.
		b := &subgraph.Subgraph{Name: "b"}
		return &subgraph.Suite{Name: "partial-union", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
