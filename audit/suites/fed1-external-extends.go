package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// fed1-external-extends: a declares User with @extends and external id and name, adds rid,
// and provides name on one root field; b owns User. The same resolvers serve the
// fed1-external-extension, fed2-external-extends and fed2-external-extension suites, which
// differ only in how their SDLs spell the extension.
func init() {
	subgraph.Register("fed1-external-extends", externalUserSuite("fed1-external-extends"))
}

// externalUserSuite builds the suites whose subgraph a extends b's User: a's name resolver
// answers "never" unless the parent object carries a name, so a gateway that asks a for a
// non-provided name gets a wrong answer.
func externalUserSuite(name string) func() *subgraph.Suite {
	return func() *subgraph.Suite {
		type user struct{ id, name, nickname, rid string }
		users := []user{
			{id: "u1", name: "u1-name", nickname: "u1-nickname", rid: "u1-rid"},
			{id: "u2", name: "u2-name", nickname: "u2-nickname", rid: "u2-rid"},
		}
		find := func(id any) *user {
			for i := range users {
				if users[i].id == id {
					return &users[i]
				}
			}
			return nil
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"randomUser": func(_, _ map[string]any) (any, error) {
						return map[string]any{"id": users[0].id, "rid": users[0].rid}, nil
					},
					"providedRandomUser": func(_, _ map[string]any) (any, error) {
						return map[string]any{"id": users[0].id, "rid": users[0].rid, "name": users[0].name}, nil
					},
				},
				"User": {
					"name": func(parent, _ map[string]any) (any, error) {
						if n, ok := parent["name"]; ok && n != nil {
							return n, nil
						}
						return "never", nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					if u := find(rep["id"]); u != nil {
						return map[string]any{"id": u.id, "rid": u.rid}, nil
					}
					return nil, nil
				},
			},
		}
		full := func(u *user) map[string]any {
			return map[string]any{"id": u.id, "name": u.name, "nickname": u.nickname}
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"userById": func(_, args map[string]any) (any, error) {
						if u := find(args["id"]); u != nil {
							return full(u), nil
						}
						return nil, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					if u := find(rep["id"]); u != nil {
						return full(u), nil
					}
					return nil, nil
				},
			},
		}
		return &subgraph.Suite{Name: name, Subgraphs: []*subgraph.Subgraph{a, b}}
	}
}
