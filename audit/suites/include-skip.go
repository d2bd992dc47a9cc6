package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// include-skip: c's fields require b's isExpensive, which requires a's price; fields under a
// false @include or a true @skip must not be fetched at all (their resolvers fail).
func init() {
	subgraph.Register("include-skip", func() *subgraph.Suite {
		type product struct {
			id    string
			price float64
		}
		products := []product{{id: "p1", price: 699.99}}
		find := func(id any) *product {
			for i := range products {
				if products[i].id == id {
					return &products[i]
				}
			}
			return nil
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"product": func(_, _ map[string]any) (any, error) {
						return map[string]any{"id": products[0].id, "price": products[0].price}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					if p := find(rep["id"]); p != nil {
						return map[string]any{"id": p.id, "price": p.price}, nil
					}
					return nil, nil
				},
			},
		}
		// withRequired returns the product with the required field copied from rep, if sent.
		withRequired := func(field string) func(map[string]any) (any, error) {
			return func(rep map[string]any) (any, error) {
				p := find(rep["id"])
				if p == nil {
					return nil, nil
				}
				out := map[string]any{"id": p.id}
				if v, ok := rep[field]; ok {
					out[field] = v
				}
				return out, nil
			}
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"isExpensive": func(parent, _ map[string]any) (any, error) {
						price, _ := parent["price"].(float64)
						if price == 0 {
							return nil, errors.New("Price is missing")
						}
						return price > 500, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){"Product": withRequired("price")},
		}
		needsIsExpensive := func(parent, _ map[string]any) (any, error) {
			if _, isBool := parent["isExpensive"].(bool); !isBool {
				return nil, errors.New("isExpensive is missing")
			}
			return true, nil
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"include": needsIsExpensive,
					"skip":    needsIsExpensive,
					"neverCalledInclude": func(_, _ map[string]any) (any, error) {
						return nil, errors.New("neverCalledInclude should not be called")
					},
					"neverCalledSkip": func(_, _ map[string]any) (any, error) {
						return nil, errors.New("neverCalledSkip should not be called")
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){"Product": withRequired("isExpensive")},
		}
		return &subgraph.Suite{Name: "include-skip", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
