package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// enum-intersection: UserType has REGULAR in a, and REGULAR plus an @inaccessible ANONYMOUS
// in b; user u2 is ANONYMOUS, which a cannot serialize and the gateway must not expose.
func init() {
	subgraph.Register("enum-intersection", func() *subgraph.Suite {
		type user struct{ id, typ string }
		users := []user{{id: "u1", typ: "REGULAR"}, {id: "u2", typ: "ANONYMOUS"}}
		object := func(u user) map[string]any { return map[string]any{"id": u.id, "type": u.typ} }
		where := func(keep func(user) bool) []any {
			out := []any{}
			for _, u := range users {
				if keep(u) {
					out = append(out, object(u))
				}
			}
			return out
		}
		all := func(_, _ map[string]any) (any, error) { return where(func(user) bool { return true }), nil }
		entity := func(rep map[string]any) (any, error) {
			for _, u := range users {
				if u.id == rep["id"] {
					return object(u), nil
				}
			}
			return nil, nil
		}
		a := &subgraph.Subgraph{
			Name:      "a",
			Resolvers: map[string]map[string]subgraph.Resolver{"Query": {"users": all}},
			Entities:  map[string]func(map[string]any) (any, error){"User": entity},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"usersB": all,
					"usersByType": func(_, args map[string]any) (any, error) {
						return where(func(u user) bool { return u.typ == args["type"] }), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){"User": entity},
		}
		return &subgraph.Suite{Name: "enum-intersection", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
