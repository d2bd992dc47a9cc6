package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// jsNumber reads a numeric value the way the audit's JavaScript subgraphs see one; ok is
// false when v is not a number (absent, null or another type).
func jsNumber(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// requires-requires: d requires fields that c computes from fields it requires itself.
func init() {
	subgraph.Register("requires-requires", func() *subgraph.Suite {
		type product struct {
			id          string
			price       float64
			hasDiscount bool
		}
		products := []product{{id: "p1", price: 699.99, hasDiscount: true}}
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
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := find(rep["id"])
					if p == nil {
						return nil, nil
					}
					return map[string]any{"id": p.id, "price": p.price}, nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"product": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"id": products[0].id, "hasDiscount": products[0].hasDiscount}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := find(rep["id"])
					if p == nil {
						return nil, nil
					}
					return map[string]any{"id": p.id, "hasDiscount": p.hasDiscount}, nil
				},
			},
		}

		c := &subgraph.Subgraph{
			Name: "c",
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := find(rep["id"])
					if p == nil {
						return nil, nil
					}
					out := map[string]any{"id": p.id}
					if price, ok := rep["price"]; ok {
						n, _ := jsNumber(price)
						out["price"] = price
						out["isExpensive"] = n > 500
					}
					if discount, ok := rep["hasDiscount"]; ok {
						out["hasDiscount"] = discount
						out["isExpensiveWithDiscount"] = discount != true
					}
					return out, nil
				},
			},
		}

		d := &subgraph.Subgraph{
			Name: "d",
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := find(rep["id"])
					if p == nil {
						return nil, nil
					}
					out := map[string]any{"id": p.id}
					if expensive, ok := rep["isExpensive"]; ok {
						out["isExpensive"] = expensive
						out["canAfford"] = expensive != true
					}
					if expensive, ok := rep["isExpensiveWithDiscount"]; ok {
						out["isExpensiveWithDiscount"] = expensive
						out["canAffordWithDiscount"] = expensive != true
					}
					return out, nil
				},
			},
		}
		return &subgraph.Suite{Name: "requires-requires", Subgraphs: []*subgraph.Subgraph{a, b, c, d}}
	})
}
