package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// typename: __typename on unions, interfaces and an @interfaceObject whose concrete type only
// a knows. The subgraphs are not in the public snapshot we read; they are inferred from the
// SDL and the answers.
func init() {
	subgraph.Register("typename", func() *subgraph.Suite {
		type admin struct {
			id     string
			isMain bool
		}
		admins := []admin{{id: "u1", isMain: true}, {id: "u2", isMain: false}}
		names := map[string]string{"u1": "u1-name", "u2": "u2-name"}
		adminEntity := func(rep map[string]any) (any, error) {
			for _, ad := range admins {
				if ad.id == rep["id"] {
					return map[string]any{"__typename": "Admin", "id": ad.id, "isMain": ad.isMain}, nil
				}
			}
			return nil, nil
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"union": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Oven", "id": "1"}, nil
					},
					"interface": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"__typename": "Toaster", "id": "2"}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User":  adminEntity,
				"Admin": adminEntity,
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"users": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(admins))
						for _, ad := range admins {
							out = append(out, map[string]any{"id": ad.id, "name": names[ad.id]})
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					id, _ := rep["id"].(string)
					name, ok := names[id]
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": id, "name": name}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "typename", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
