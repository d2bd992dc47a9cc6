package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

type keysMashupA struct {
	id, pID, name   string
	one, two, three string
}

var keysMashupAs = map[string]keysMashupA{
	"1": {id: "1", pID: "a.1.pId", name: "a.1", one: "a.1.compositeId.one", two: "a.1.compositeId.two", three: "a.1.compositeId.three"},
	"2": {id: "2", pID: "a.2.pId", name: "a.2", one: "a.2.compositeId.one", two: "a.2.compositeId.two", three: "a.2.compositeId.three"},
}

var keysMashupBs = map[string][]string{
	"100": {"1"},
	"200": {"1", "2"},
}

// object is A without its name: what subgraph b knows of it.
func (a keysMashupA) object() map[string]any {
	return map[string]any{
		"__typename":  "A",
		"id":          a.id,
		"pId":         a.pID,
		"compositeId": map[string]any{"one": a.one, "two": a.two, "three": a.three},
	}
}

func init() {
	subgraph.Register("keys-mashup", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Entities: map[string]func(map[string]any) (any, error){
				// Only the "id" key is resolvable in a.
				"A": func(rep map[string]any) (any, error) {
					id, _ := rep["id"].(string)
					obj, ok := keysMashupAs[id]
					if !ok {
						return nil, nil
					}
					out := obj.object()
					out["name"] = obj.name
					return out, nil
				},
			},
		}
		bObject := func(id string) any {
			as, ok := keysMashupBs[id]
			if !ok {
				return nil
			}
			return map[string]any{"__typename": "B", "id": id, "a": as}
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"b": func(map[string]any, map[string]any) (any, error) {
						return bObject("100"), nil
					},
				},
				"B": {
					"a": func(parent map[string]any, _ map[string]any) (any, error) {
						ids, _ := parent["a"].([]string)
						out := make([]any, len(ids))
						for i, id := range ids {
							if obj, ok := keysMashupAs[id]; ok {
								out[i] = obj.object()
							}
						}
						return out, nil
					},
				},
				"A": {
					"nameInB": func(parent map[string]any, _ map[string]any) (any, error) {
						name, _ := parent["name"].(string)
						if name == "" {
							return nil, errors.New("A.name was not provided")
						}
						return "b.a.nameInB " + name, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"B": func(rep map[string]any) (any, error) {
					id, _ := rep["id"].(string)
					return bObject(id), nil
				},
				"A": func(rep map[string]any) (any, error) {
					id, _ := rep["id"].(string)
					obj, ok := keysMashupAs[id]
					if !ok {
						return nil, nil
					}
					out := obj.object()
					if name, _ := rep["name"].(string); name != "" {
						out["name"] = name
					}
					return out, nil
				},
			},
		}
		return &subgraph.Suite{Name: "keys-mashup", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
