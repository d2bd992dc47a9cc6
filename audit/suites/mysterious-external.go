package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

type mysteriousExternalProduct struct {
	id, name string
	price    float64
}

var mysteriousExternalProducts = []mysteriousExternalProduct{
	{id: "1", name: "name-1", price: 100},
	{id: "2", name: "name-2", price: 200},
}

func mysteriousExternalFind(rep map[string]any) (mysteriousExternalProduct, bool) {
	id, _ := rep["id"].(string)
	for _, p := range mysteriousExternalProducts {
		if p.id == id {
			return p, true
		}
	}
	return mysteriousExternalProduct{}, false
}

func init() {
	subgraph.Register("mysterious-external", func() *subgraph.Suite {
		price := &subgraph.Subgraph{
			Name: "price",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"cheapestProduct": func(map[string]any, map[string]any) (any, error) {
						var cheapest *mysteriousExternalProduct
						for i := range mysteriousExternalProducts {
							p := &mysteriousExternalProducts[i]
							if cheapest == nil || p.price < cheapest.price {
								cheapest = p
							}
						}
						if cheapest == nil {
							return nil, nil
						}
						return map[string]any{"id": cheapest.id, "name": cheapest.name, "price": cheapest.price}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p, ok := mysteriousExternalFind(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": p.id, "price": p.price}, nil
				},
			},
		}
		product := &subgraph.Subgraph{
			Name: "product",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, len(mysteriousExternalProducts))
						for i, p := range mysteriousExternalProducts {
							out[i] = map[string]any{"id": p.id, "name": p.name}
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p, ok := mysteriousExternalFind(rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": p.id, "name": p.name}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "mysterious-external", Subgraphs: []*subgraph.Subgraph{price, product}}
	})
}
