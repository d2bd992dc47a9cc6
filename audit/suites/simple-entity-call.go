package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// simple-entity-call: User is keyed by id in email and by email in nickname, so the gateway
// must fetch email before it can call nickname. The nickname subgraph and the data are not
// in the public snapshot we read; they are inferred from the SDL and the answer.
func init() {
	subgraph.Register("simple-entity-call", func() *subgraph.Suite {
		type user struct{ id, email, nickname string }
		users := []user{{id: "1", email: "user1@example.com", nickname: "user1"}}

		email := &subgraph.Subgraph{
			Name: "email",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"user": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"id": users[0].id, "email": users[0].email}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					for _, u := range users {
						if u.id == rep["id"] {
							return map[string]any{"id": u.id, "email": u.email}, nil
						}
					}
					return nil, nil
				},
			},
		}

		nickname := &subgraph.Subgraph{
			Name: "nickname",
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					for _, u := range users {
						if u.email == rep["email"] {
							return map[string]any{"email": u.email, "nickname": u.nickname}, nil
						}
					}
					return nil, nil
				},
			},
		}
		return &subgraph.Suite{Name: "simple-entity-call", Subgraphs: []*subgraph.Subgraph{email, nickname}}
	})
}
