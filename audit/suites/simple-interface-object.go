package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// simple-interface-object: b and c extend the interfaces NodeWithName and Account of a
// through @interfaceObject. The b subgraph and the data are not in the public snapshot we
// read; they are inferred from the SDL and the answers.
func init() {
	subgraph.Register("simple-interface-object", func() *subgraph.Suite {
		type user struct {
			id, name, username string
			age                int
		}
		users := []user{
			{id: "u1", name: "u1-name", username: "u1-username", age: 11},
			{id: "u2", name: "u2-name", username: "u2-username", age: 22},
		}
		type account struct {
			typename, id, name string
			isMain, isActive   bool
		}
		accounts := []account{
			{typename: "Admin", id: "u1", name: "Alice", isMain: true, isActive: true},
			{typename: "Admin", id: "u2", name: "Bob", isMain: false, isActive: true},
			{typename: "Regular", id: "u3", name: "Charlie", isMain: false, isActive: false},
		}
		findUser := func(id any) *user {
			for i := range users {
				if users[i].id == id {
					return &users[i]
				}
			}
			return nil
		}
		findAccount := func(id any) *account {
			for i := range accounts {
				if accounts[i].id == id {
					return &accounts[i]
				}
			}
			return nil
		}
		userObject := func(u *user) map[string]any {
			return map[string]any{"__typename": "User", "id": u.id, "name": u.name, "age": u.age}
		}
		userEntity := func(rep map[string]any) (any, error) {
			if u := findUser(rep["id"]); u != nil {
				return userObject(u), nil
			}
			return nil, nil
		}
		// isMain prefers the value already on the object, else reads the stored account.
		isMain := func(parent map[string]any, _ map[string]any) (any, error) {
			if b, ok := parent["isMain"].(bool); ok {
				return b, nil
			}
			if ac := findAccount(parent["id"]); ac != nil {
				return ac.isMain, nil
			}
			return nil, nil
		}
		accountObject := func(ac *account) map[string]any {
			return map[string]any{"__typename": ac.typename, "id": ac.id, "isMain": ac.isMain, "isActive": ac.isActive}
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"users": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(users))
						for i := range users {
							out = append(out, userObject(&users[i]))
						}
						return out, nil
					},
				},
				"Admin":   {"isMain": isMain},
				"Regular": {"isMain": isMain},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"NodeWithName": userEntity,
				"User":         userEntity,
				"Account": func(rep map[string]any) (any, error) {
					ac := findAccount(rep["id"])
					if ac == nil {
						return nil, nil
					}
					return map[string]any{"__typename": ac.typename, "id": ac.id, "isActive": ac.isActive}, nil
				},
				"Admin": func(rep map[string]any) (any, error) {
					ac := findAccount(rep["id"])
					if ac == nil || ac.typename != "Admin" {
						return nil, nil
					}
					return accountObject(ac), nil
				},
				"Regular": func(rep map[string]any) (any, error) {
					ac := findAccount(rep["id"])
					if ac == nil {
						return nil, nil
					}
					return accountObject(ac), nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"anotherUsers": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(users))
						for _, u := range users {
							out = append(out, map[string]any{"id": u.id, "username": u.username})
						}
						return out, nil
					},
					"accounts": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(accounts))
						for _, ac := range accounts {
							out = append(out, map[string]any{"id": ac.id, "name": ac.name})
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"NodeWithName": func(rep map[string]any) (any, error) {
					u := findUser(rep["id"])
					if u == nil {
						return nil, nil
					}
					return map[string]any{"id": u.id, "username": u.username}, nil
				},
				"Account": func(rep map[string]any) (any, error) {
					ac := findAccount(rep["id"])
					if ac == nil {
						return nil, nil
					}
					return map[string]any{"id": ac.id, "name": ac.name}, nil
				},
			},
		}

		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Account": {
					"isActive": func(map[string]any, map[string]any) (any, error) { return false, nil },
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Account": func(rep map[string]any) (any, error) {
					ac := findAccount(rep["id"])
					if ac == nil {
						return nil, nil
					}
					// A wrong __typename on purpose: the gateway must not rely on it.
					return map[string]any{"__typename": "Never", "id": ac.id}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "simple-interface-object", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
