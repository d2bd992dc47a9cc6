package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// circular-reference-interface: Product.samePriceProduct is declared on an interface in a,
// and Book narrows it to Book with @provides(fields: "price"); books 1 and 3 share a price.
func init() {
	subgraph.Register("circular-reference-interface", func() *subgraph.Suite {
		type book struct {
			id    string
			price float64
		}
		books := []book{{id: "1", price: 10.99}, {id: "2", price: 5.99}, {id: "3", price: 10.99}}
		object := func(b book) map[string]any {
			return map[string]any{"__typename": "Book", "id": b.id, "price": b.price}
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"product": func(_, _ map[string]any) (any, error) { return object(books[0]), nil },
				},
				"Book": {
					"samePriceProduct": func(parent, _ map[string]any) (any, error) {
						for _, b := range books {
							if b.price == parent["price"] && b.id != parent["id"] {
								return object(b), nil
							}
						}
						return nil, nil
					},
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Entities: map[string]func(map[string]any) (any, error){
				"Book": func(rep map[string]any) (any, error) {
					for _, b := range books {
						if b.id == rep["id"] {
							return object(b), nil
						}
					}
					return nil, nil
				},
			},
		}
		return &subgraph.Suite{Name: "circular-reference-interface", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
