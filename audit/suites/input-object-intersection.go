package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// input-object-intersection: UsersFilter has only first in a and first plus offset in b, so
// the supergraph's UsersFilter has only first and offset must be rejected. Both subgraphs
// answer [] when they do receive an offset.
func init() {
	subgraph.Register("input-object-intersection", func() *subgraph.Suite {
		users := []map[string]any{{"id": "u1", "name": "u1-name"}, {"id": "u2", "name": "u2-name"}}
		list := func(_, args map[string]any) (any, error) {
			filter, _ := args["filter"].(map[string]any)
			if _, hasOffset := filter["offset"]; hasOffset {
				return []any{}, nil
			}
			return users, nil
		}
		entity := func(rep map[string]any) (any, error) {
			for _, u := range users {
				if u["id"] == rep["id"] {
					return u, nil
				}
			}
			return nil, nil
		}
		sg := func(name, field string) *subgraph.Subgraph {
			return &subgraph.Subgraph{
				Name:      name,
				Resolvers: map[string]map[string]subgraph.Resolver{"Query": {field: list}},
				Entities:  map[string]func(map[string]any) (any, error){"User": entity},
			}
		}
		return &subgraph.Suite{
			Name:      "input-object-intersection",
			Subgraphs: []*subgraph.Subgraph{sg("a", "usersInA"), sg("b", "usersInB")},
		}
	})
}
