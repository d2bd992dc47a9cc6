package suites

import (
	"errors"
	"fmt"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// requires-with-argument-conflict: two @requires on a.Product select b.Product.price with
// different arguments (USD and EUR), so each needs its own representation. The public
// snapshot's a.subgraph.ts predates the answers we hold (EUR estimate = EUR price × weight ×
// 10); shippingEstimateEUR is computed from the representation like shippingEstimate.
func init() {
	subgraph.Register("requires-with-argument-conflict", func() *subgraph.Suite {
		type product struct {
			upc, name            string
			price, weight, catAv int
		}
		products := []product{
			{upc: "p1", name: "p-name-1", price: 11, weight: 1, catAv: 11},
			{upc: "p2", name: "p-name-2", price: 22, weight: 2, catAv: 22},
		}
		find := func(upc any) *product {
			for i := range products {
				if products[i].upc == upc {
					return &products[i]
				}
			}
			return nil
		}
		category := func(p *product) map[string]any { return map[string]any{"averagePrice": p.catAv} }
		productObject := func(p *product) map[string]any {
			return map[string]any{"upc": p.upc, "name": p.name, "price": p.price, "weight": p.weight, "category": category(p)}
		}
		estimate := func(parent map[string]any, _ map[string]any) (any, error) {
			price, okP := jsNumber(parent["price"])
			weight, okW := jsNumber(parent["weight"])
			if !okP || !okW {
				return nil, errors.New("Int cannot represent non-integer value: NaN")
			}
			return int(price * weight * 10), nil
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"shippingEstimate":    estimate,
					"shippingEstimateEUR": estimate,
					"isExpensiveCategory": func(parent map[string]any, _ map[string]any) (any, error) {
						cat, ok := parent["category"].(map[string]any)
						if !ok {
							return nil, errors.New("Cannot read properties of undefined (reading 'averagePrice')")
						}
						avg, _ := jsNumber(cat["averagePrice"])
						return avg > 11, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := find(rep["upc"])
					if p == nil {
						return nil, nil
					}
					_, hasWeight := rep["weight"]
					_, hasPrice := rep["price"]
					if hasWeight && hasPrice {
						return map[string]any{"upc": p.upc, "weight": rep["weight"], "price": rep["price"], "category": category(p)}, nil
					}
					return map[string]any{"upc": p.upc, "category": category(p)}, nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(products))
						for i := range products {
							out = append(out, productObject(&products[i]))
						}
						return out, nil
					},
				},
				"Product": {
					"price": func(parent map[string]any, args map[string]any) (any, error) {
						price, _ := jsNumber(parent["price"])
						switch args["currency"] {
						case "EUR":
							return int(price * 2), nil
						case "USD":
							return int(price), nil
						}
						return nil, fmt.Errorf("Unsupported currency %v", args["currency"])
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := find(rep["upc"])
					if p == nil {
						return nil, nil
					}
					return productObject(p), nil
				},
			},
		}
		return &subgraph.Suite{Name: "requires-with-argument-conflict", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
