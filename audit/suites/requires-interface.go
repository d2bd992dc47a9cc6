package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// requires-interface: a.User.city requires address { id } and a.User.country requires
// address { ... on WorkAddress { id } }; only b resolves User.address. The b subgraph and
// the data are not in the public audit snapshot we read; they are inferred from the SDL
// and the expected answers.
func init() {
	subgraph.Register("requires-interface", func() *subgraph.Suite {
		type user struct{ id, name, addressID string }
		users := []user{
			{id: "u1", name: "u1-name", addressID: "a1"},
			{id: "u2", name: "u2-name", addressID: "a2"},
		}
		type address struct{ typename, id, city, country string }
		addresses := []address{
			{typename: "HomeAddress", id: "a1", city: "a1-city", country: "a1-country"},
			{typename: "WorkAddress", id: "a2", city: "a2-city", country: "a2-country"},
		}
		findUser := func(id any) *user {
			for i := range users {
				if users[i].id == id {
					return &users[i]
				}
			}
			return nil
		}
		findAddress := func(id any) *address {
			for i := range addresses {
				if addresses[i].id == id {
					return &addresses[i]
				}
			}
			return nil
		}
		addressObject := func(ad *address) map[string]any {
			return map[string]any{"__typename": ad.typename, "id": ad.id, "city": ad.city, "country": ad.country}
		}
		// addressEntity resolves an address reference of one concrete type.
		addressEntity := func(typename string) func(map[string]any) (any, error) {
			return func(rep map[string]any) (any, error) {
				ad := findAddress(rep["id"])
				if ad == nil || ad.typename != typename {
					return nil, nil
				}
				return addressObject(ad), nil
			}
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"a": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"id": users[0].id, "name": users[0].name}, nil
					},
				},
				"User": {
					"city": func(parent map[string]any, _ map[string]any) (any, error) {
						ad, ok := parent["address"].(map[string]any)
						if !ok {
							return nil, errors.New("Cannot read properties of undefined (reading 'id')")
						}
						if found := findAddress(ad["id"]); found != nil {
							return found.city, nil
						}
						return nil, nil
					},
					"country": func(parent map[string]any, _ map[string]any) (any, error) {
						ad, _ := parent["address"].(map[string]any)
						if found := findAddress(ad["id"]); found != nil {
							return found.country, nil
						}
						return nil, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					u := findUser(rep["id"])
					if u == nil {
						return nil, nil
					}
					if ad, _ := rep["address"].(map[string]any); ad != nil {
						if id, _ := ad["id"].(string); id != "" {
							return map[string]any{"id": u.id, "name": u.name, "address": map[string]any{"id": u.addressID}}, nil
						}
					}
					return map[string]any{"id": u.id, "name": u.name}, nil
				},
				"HomeAddress": func(rep map[string]any) (any, error) {
					if ad := findAddress(rep["id"]); ad != nil {
						return addressObject(ad), nil
					}
					return nil, nil
				},
				"WorkAddress": func(rep map[string]any) (any, error) {
					if ad := findAddress(rep["id"]); ad != nil {
						return addressObject(ad), nil
					}
					return nil, nil
				},
			},
		}

		userObject := func(u *user) map[string]any {
			return map[string]any{"id": u.id, "name": u.name, "address": addressObject(findAddress(u.addressID))}
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"b": func(map[string]any, map[string]any) (any, error) {
						return userObject(&users[1]), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					u := findUser(rep["id"])
					if u == nil {
						return nil, nil
					}
					return userObject(u), nil
				},
				"HomeAddress":   addressEntity("HomeAddress"),
				"WorkAddress":   addressEntity("WorkAddress"),
				"SecondAddress": addressEntity("SecondAddress"),
			},
		}
		return &subgraph.Suite{Name: "requires-interface", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
