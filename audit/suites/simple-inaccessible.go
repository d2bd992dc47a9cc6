package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// simple-inaccessible: an @inaccessible enum value (FAMILY) used as an argument default and
// returned by a field. The age subgraph and the data are not in the public snapshot we
// read; they are inferred from the SDL and the answers.
func init() {
	subgraph.Register("simple-inaccessible", func() *subgraph.Suite {
		type user struct {
			id      string
			age     int
			friends []string
		}
		users := []user{
			{id: "u1", age: 11, friends: []string{"u2"}},
			{id: "u2", age: 22, friends: []string{"u1"}},
		}
		find := func(id any) *user {
			for i := range users {
				if users[i].id == id {
					return &users[i]
				}
			}
			return nil
		}
		withFriends := func(u *user) map[string]any {
			ids := make([]any, 0, len(u.friends))
			for _, f := range u.friends {
				ids = append(ids, f)
			}
			return map[string]any{"id": u.id, "friends": ids}
		}

		friends := &subgraph.Subgraph{
			Name: "friends",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"usersInFriends": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(users))
						for i := range users {
							out = append(out, withFriends(&users[i]))
						}
						return out, nil
					},
				},
				"User": {
					"friends": func(parent map[string]any, _ map[string]any) (any, error) {
						ids, _ := parent["friends"].([]any)
						out := make([]any, 0, len(ids))
						for _, id := range ids {
							if f := find(id); f != nil {
								out = append(out, withFriends(f))
							} else {
								out = append(out, nil)
							}
						}
						return out, nil
					},
					"type": func(map[string]any, map[string]any) (any, error) { return "FAMILY", nil },
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					u := find(rep["id"])
					if u == nil {
						return nil, nil
					}
					return withFriends(u), nil
				},
			},
		}

		age := &subgraph.Subgraph{
			Name: "age",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"usersInAge": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(users))
						for _, u := range users {
							out = append(out, map[string]any{"id": u.id, "age": u.age})
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					u := find(rep["id"])
					if u == nil {
						return nil, nil
					}
					return map[string]any{"id": u.id, "age": u.age}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "simple-inaccessible", Subgraphs: []*subgraph.Subgraph{friends, age}}
	})
}
