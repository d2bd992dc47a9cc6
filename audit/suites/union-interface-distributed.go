package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// union-interface-distributed: Oven implements Node and WithWarranty only in b, Toaster only
// in a, so a's Query.node must fail for an oven. The data file is not in the public snapshot
// we read; it is inferred from the answers.
func init() {
	subgraph.Register("union-interface-distributed", func() *subgraph.Suite {
		type item struct {
			typename, id string
			warranty     int
		}
		products := []item{
			{typename: "Oven", id: "oven1"},
			{typename: "Oven", id: "oven2"},
			{typename: "Toaster", id: "toaster1", warranty: 3},
			{typename: "Toaster", id: "toaster2", warranty: 4},
		}
		find := func(id any) *item {
			for i := range products {
				if products[i].id == id {
					return &products[i]
				}
			}
			return nil
		}
		object := func(p *item) map[string]any {
			if p.typename == "Oven" {
				return map[string]any{"__typename": "Oven", "id": p.id}
			}
			return map[string]any{"__typename": "Toaster", "id": p.id, "warranty": p.warranty}
		}
		toasters := func(map[string]any, map[string]any) (any, error) {
			out := []any{}
			for i := range products {
				if products[i].typename == "Toaster" {
					out = append(out, object(&products[i]))
				}
			}
			return out, nil
		}
		// entityOf resolves a reference to a stored item of one type; extra is merged in.
		entityOf := func(typename string, extra map[string]any) func(map[string]any) (any, error) {
			return func(rep map[string]any) (any, error) {
				p := find(rep["id"])
				if p == nil || p.typename != typename {
					return nil, nil
				}
				out := object(p)
				for k, v := range extra {
					out[k] = v
				}
				return out, nil
			}
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(products))
						for i := range products {
							out = append(out, object(&products[i]))
						}
						return out, nil
					},
					"node": func(_ map[string]any, args map[string]any) (any, error) {
						if p := find(args["id"]); p != nil {
							return object(p), nil
						}
						return nil, nil
					},
					"nodes":    toasters,
					"toasters": toasters,
				},
				"Oven": {
					"warranty": func(map[string]any, map[string]any) (any, error) { return nil, errors.New("Never") },
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Oven":    entityOf("Oven", nil),
				"Toaster": entityOf("Toaster", nil),
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Entities: map[string]func(map[string]any) (any, error){
				"Oven": entityOf("Oven", map[string]any{"warranty": 1}),
			},
		}
		return &subgraph.Suite{Name: "union-interface-distributed", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
