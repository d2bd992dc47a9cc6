package suites

import (
	"errors"
	"fmt"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// requires-with-fragments: b.Entity.requirer requires an abstract field (data: Foo) through
// nested type conditions, one of whose types (Baz) is @inaccessible in b. The data file is
// not in the public snapshot we read; it is inferred from the answers.
func init() {
	subgraph.Register("requires-with-fragments", func() *subgraph.Suite {
		type entity struct{ id, data string }
		entities := []entity{{id: "e1", data: "b1"}, {id: "e2", data: "q1"}}
		values := map[string]map[string]any{
			"b1": {"__typename": "Baz", "foo": "b1-foo", "bar": "b1-bar", "baz": "b1-baz"},
			"q1": {"__typename": "Qux", "foo": "q1-foo", "bar": "q1-bar", "qux": "q1-qux"},
		}
		find := func(id any) *entity {
			for i := range entities {
				if entities[i].id == id {
					return &entities[i]
				}
			}
			return nil
		}
		entityObject := func(e *entity) map[string]any { return map[string]any{"id": e.id, "data": e.data} }
		data := func(parent map[string]any, _ map[string]any) (any, error) {
			e := find(parent["id"])
			if e == nil || e.data == "" {
				return nil, nil
			}
			if v, ok := values[e.data]; ok {
				return v, nil
			}
			return nil, errors.New("Invalid data")
		}
		// requirer reads data.foo as JavaScript would: a representation without data leaves
		// the stored data id (a string) in place, and a missing foo reads as "undefined".
		requirer := func(suffix string) subgraph.Resolver {
			return func(parent map[string]any, _ map[string]any) (any, error) {
				d, present := parent["data"]
				if !present {
					return nil, errors.New("Expected entity to have a data field")
				}
				foo := "undefined"
				if m, ok := d.(map[string]any); ok && m["foo"] != nil {
					foo = fmt.Sprint(m["foo"])
				}
				return foo + suffix, nil
			}
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"a": func(map[string]any, map[string]any) (any, error) { return entityObject(&entities[1]), nil },
				},
				"Entity": {"data": data},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Entity": func(rep map[string]any) (any, error) {
					e := find(rep["id"])
					if e == nil {
						return nil, nil
					}
					return entityObject(e), nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"b":  func(map[string]any, map[string]any) (any, error) { return entityObject(&entities[0]), nil },
					"bb": func(map[string]any, map[string]any) (any, error) { return entityObject(&entities[1]), nil },
				},
				"Entity": {
					"data":      data,
					"requirer":  requirer("_requirer"),
					"requirer2": requirer("_requirer2"),
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Entity": func(rep map[string]any) (any, error) {
					e := find(rep["id"])
					if e == nil {
						return nil, nil
					}
					out := entityObject(e)
					for k, v := range rep {
						out[k] = v
					}
					return out, nil
				},
			},
		}
		return &subgraph.Suite{Name: "requires-with-fragments", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
