package suites

import (
	"fmt"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

var overrideWithRequiresUsers = []struct{ id, name string }{
	{id: "u1", name: "u1-name"},
	{id: "u2", name: "u2-name"},
	{id: "u3", name: "u3-name"},
}

func overrideWithRequiresUser(i int) map[string]any {
	u := overrideWithRequiresUsers[i]
	return map[string]any{"id": u.id, "name": u.name}
}

// overrideWithRequiresEntity resolves a User; with withName it copies the stored name in
// when the representation carries a name (the @requires field), as a and c do.
func overrideWithRequiresEntity(withName bool) func(map[string]any) (any, error) {
	return func(rep map[string]any) (any, error) {
		id, _ := rep["id"].(string)
		for _, u := range overrideWithRequiresUsers {
			if u.id != id {
				continue
			}
			if _, hasName := rep["name"]; hasName || !withName {
				return map[string]any{"id": u.id, "name": u.name}, nil
			}
			return map[string]any{"id": u.id}, nil
		}
		return nil, nil
	}
}

// overrideWithRequiresPrefixed prints the parent's name like a JavaScript template literal
// (a missing name prints "undefined").
func overrideWithRequiresPrefixed(prefix string) subgraph.Resolver {
	return func(parent map[string]any, _ map[string]any) (any, error) {
		name, ok := parent["name"]
		if !ok {
			return prefix + "undefined", nil
		}
		if name == nil {
			return prefix + "null", nil
		}
		return prefix + fmt.Sprint(name), nil
	}
}

func overrideWithRequiresNever(map[string]any, map[string]any) (any, error) {
	return "NEVER", nil
}

func init() {
	subgraph.Register("override-with-requires", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"userInA": func(map[string]any, map[string]any) (any, error) {
						return overrideWithRequiresUser(0), nil
					},
				},
				"User": {
					"aName": overrideWithRequiresPrefixed("a__"),
					"name":  overrideWithRequiresNever,
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": overrideWithRequiresEntity(true),
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"userInB": func(map[string]any, map[string]any) (any, error) {
						return overrideWithRequiresUser(1), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": overrideWithRequiresEntity(false),
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"userInC": func(map[string]any, map[string]any) (any, error) {
						return overrideWithRequiresUser(2), nil
					},
				},
				"User": {
					"cName": overrideWithRequiresPrefixed("c__"),
					"name":  overrideWithRequiresNever,
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": overrideWithRequiresEntity(true),
			},
		}
		return &subgraph.Suite{Name: "override-with-requires", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
