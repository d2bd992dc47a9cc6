package suites

import (
	"fmt"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// parentEntityCallComplexID prints a representation's id the way a template literal would.
func parentEntityCallComplexID(v any) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(v)
}

func init() {
	subgraph.Register("parent-entity-call-complex", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					return map[string]any{
						"id":       rep["id"],
						"category": map[string]any{"details": "Details for Product#" + parentEntityCallComplexID(rep["id"])},
					}, nil
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Entities: map[string]func(map[string]any) (any, error){
				// The category id is a number in the audit; ID serialization makes it "3".
				"Product": func(rep map[string]any) (any, error) {
					return map[string]any{"id": rep["id"], "category": map[string]any{"id": 3}}, nil
				},
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Entities: map[string]func(map[string]any) (any, error){
				"Category": func(rep map[string]any) (any, error) {
					return map[string]any{"id": rep["id"], "name": "Category#" + parentEntityCallComplexID(rep["id"])}, nil
				},
			},
		}
		d := &subgraph.Subgraph{
			Name: "d",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"productFromD": func(_ map[string]any, args map[string]any) (any, error) {
						return map[string]any{"id": args["id"], "name": "Product#" + parentEntityCallComplexID(args["id"])}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					return map[string]any{"id": rep["id"], "name": "Product#" + parentEntityCallComplexID(rep["id"])}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "parent-entity-call-complex", Subgraphs: []*subgraph.Subgraph{a, b, c, d}}
	})
}
