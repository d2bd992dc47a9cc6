package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// nonResolvableBread is the one product; subgraph b resolves both the Product interface
// entity and the Bread entity to it.
func nonResolvableBread(rep map[string]any) (any, error) {
	if id, _ := rep["id"].(string); id != "p1" {
		return nil, nil
	}
	return map[string]any{"__typename": "Bread", "id": "p1", "name": "Bread"}, nil
}

func init() {
	subgraph.Register("non-resolvable-interface-object", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					// Node has no implementation in a: the "Node" typename cannot be resolved.
					"a": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Node", "id": "n1"}, nil
					},
					"product": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Product", "id": "p1"}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Node": func(map[string]any) (any, error) {
					return nil, errors.New("Not resolvable as it is an interface object")
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"b": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Node", "id": "n1"}, nil
					},
				},
				"Node": {
					"field": func(map[string]any, map[string]any) (any, error) {
						return "foo", nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Node": func(map[string]any) (any, error) {
					return nil, errors.New("Not resolvable")
				},
				"Product": nonResolvableBread,
				"Bread":   nonResolvableBread,
			},
		}
		return &subgraph.Suite{Name: "non-resolvable-interface-object", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
