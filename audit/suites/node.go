package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

type nodeProduct struct {
	id, name string
	price    float64
}

type nodeCategory struct {
	id, name string
}

var nodeProducts = []nodeProduct{
	{id: "p-1", name: "Product 1", price: 10},
	{id: "p-2", name: "Product 2", price: 20},
}

var nodeCategories = []nodeCategory{
	{id: "pc-1", name: "Category 1"},
	{id: "c-2", name: "Category 2"},
}

func nodeFindProduct(rep map[string]any) (nodeProduct, bool) {
	id, _ := rep["id"].(string)
	for _, p := range nodeProducts {
		if p.id == id {
			return p, true
		}
	}
	return nodeProduct{}, false
}

func nodeFindCategory(rep map[string]any) (nodeCategory, bool) {
	id, _ := rep["id"].(string)
	for _, c := range nodeCategories {
		if c.id == id {
			return c, true
		}
	}
	return nodeCategory{}, false
}

// nodeIDEntities resolves Product and Category to their ids only, as the node and node-two
// subgraphs do.
func nodeIDEntities() map[string]func(map[string]any) (any, error) {
	return map[string]func(map[string]any) (any, error){
		"Product": func(rep map[string]any) (any, error) {
			p, ok := nodeFindProduct(rep)
			if !ok {
				return nil, nil
			}
			return map[string]any{"id": p.id}, nil
		},
		"Category": func(rep map[string]any) (any, error) {
			c, ok := nodeFindCategory(rep)
			if !ok {
				return nil, nil
			}
			return map[string]any{"id": c.id}, nil
		},
	}
}

func init() {
	subgraph.Register("node", func() *subgraph.Suite {
		node := &subgraph.Subgraph{
			Name: "node",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"productNode": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Product", "id": nodeProducts[0].id}, nil
					},
					"categoryNode": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Category", "id": nodeCategories[0].id}, nil
					},
				},
			},
			Entities: nodeIDEntities(),
		}
		nodeTwo := &subgraph.Subgraph{Name: "node-two", Entities: nodeIDEntities()}
		types := &subgraph.Subgraph{
			Name: "types",
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p, ok := nodeFindProduct(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": p.id, "name": p.name, "price": p.price}, nil
				},
				"Category": func(rep map[string]any) (any, error) {
					c, ok := nodeFindCategory(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": c.id, "name": c.name}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "node", Subgraphs: []*subgraph.Subgraph{node, nodeTwo, types}}
	})
}
