package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// child-type-mismatch: User.id is nullable in a and non-null in b, and b's Account union
// nests further accounts.
func init() {
	subgraph.Register("child-type-mismatch", func() *subgraph.Suite {
		type user struct{ id, name string }
		users := []user{{id: "u1", name: "u1-name"}}
		accounts := func(_, _ map[string]any) (any, error) {
			out := []any{}
			for _, u := range users {
				out = append(out, map[string]any{"__typename": "User", "id": u.id, "name": u.name})
			}
			return append(out, map[string]any{"__typename": "Admin", "id": "a1", "name": "a1-name"}), nil
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"users": func(_, _ map[string]any) (any, error) {
						out := []any{}
						for _, u := range users {
							out = append(out, map[string]any{"__typename": "User", "id": u.id})
						}
						return out, nil
					},
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {"accounts": accounts},
				"User":  {"similarAccounts": accounts},
				"Admin": {"similarAccounts": accounts},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					for _, u := range users {
						if u.id == rep["id"] {
							return map[string]any{"id": u.id, "name": u.name}, nil
						}
					}
					return nil, nil
				},
			},
		}
		return &subgraph.Suite{Name: "child-type-mismatch", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
