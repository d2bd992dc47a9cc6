package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// interface-object-with-requires: b sees a's NodeWithName interface entity as an
// @interfaceObject and computes username from the external name, which only a resolves.
func init() {
	subgraph.Register("interface-object-with-requires", func() *subgraph.Suite {
		type user struct {
			id, name, username string
			age                int
		}
		users := []user{
			{id: "u1", name: "u1-name", username: "u1-username", age: 11},
			{id: "u2", name: "u2-name", username: "u2-username", age: 22},
		}
		find := func(id any) *user {
			for i := range users {
				if users[i].id == id {
					return &users[i]
				}
			}
			return nil
		}
		inA := func(u *user) map[string]any {
			return map[string]any{"__typename": "User", "id": u.id, "name": u.name, "age": u.age}
		}
		entityA := func(rep map[string]any) (any, error) {
			if u := find(rep["id"]); u != nil {
				return inA(u), nil
			}
			return nil, nil
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"users": func(_, _ map[string]any) (any, error) {
						out := []any{}
						for i := range users {
							out = append(out, inA(&users[i]))
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){"NodeWithName": entityA, "User": entityA},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"anotherUsers": func(_, _ map[string]any) (any, error) {
						out := []any{}
						for _, u := range users {
							out = append(out, map[string]any{"__typename": "User", "id": u.id, "username": u.username})
						}
						return out, nil
					},
				},
				"NodeWithName": {
					"username": func(parent, _ map[string]any) (any, error) {
						u := find(parent["id"])
						if u == nil {
							return nil, nil
						}
						if name, _ := parent["name"].(string); name == "" {
							return nil, errors.New("Requires field 'name' not provided")
						}
						return u.username, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"NodeWithName": func(rep map[string]any) (any, error) {
					u := find(rep["id"])
					if u == nil {
						return nil, nil
					}
					return map[string]any{"__typename": "User", "id": u.id, "name": rep["name"]}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "interface-object-with-requires", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
