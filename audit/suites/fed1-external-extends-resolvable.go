package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// fed1-external-extends-resolvable: b extends a's Product with two keys of external fields,
// "id name" and "upc", though only b can resolve upc; the gateway must fetch id and name from
// a to reach b's price and upc.
func init() {
	subgraph.Register("fed1-external-extends-resolvable", func() *subgraph.Suite {
		type product struct {
			id, pid, upc, name string
			price              float64
		}
		products := []product{{id: "p1", pid: "p1-pid", price: 12.3, upc: "upc1", name: "p1-name"}}
		inA := func(p product) map[string]any { return map[string]any{"id": p.id, "name": p.name, "pid": p.pid} }
		inB := func(p product) map[string]any {
			return map[string]any{"id": p.id, "name": p.name, "upc": p.upc, "price": p.price}
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {"productInA": func(_, _ map[string]any) (any, error) { return inA(products[0]), nil }},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					if products[0].id != rep["id"] {
						return nil, nil
					}
					return inA(products[0]), nil
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {"productInB": func(_, _ map[string]any) (any, error) { return inB(products[0]), nil }},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					_, byID := rep["id"]
					for _, p := range products {
						if (byID && p.id == rep["id"] && p.name == rep["name"]) || (!byID && p.upc == rep["upc"]) {
							return inB(p), nil
						}
					}
					return nil, nil
				},
			},
		}
		return &subgraph.Suite{Name: "fed1-external-extends-resolvable", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
