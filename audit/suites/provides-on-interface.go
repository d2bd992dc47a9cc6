package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// providesOnInterfacePunish mirrors the audit's punishPoorPlans: resolvers that a good plan
// never needs fail.
const providesOnInterfacePunish = true

type providesOnInterfaceAnimal struct {
	typename, id, name string
	age                int
}

var providesOnInterfaceBook = struct {
	id      string
	animals []string
}{id: "m1", animals: []string{"a1", "a2"}}

var providesOnInterfaceAnimals = []providesOnInterfaceAnimal{
	{typename: "Dog", id: "a1", name: "Fido", age: 3},
	{typename: "Cat", id: "a2", name: "Whiskers", age: 6},
}

func providesOnInterfaceFind(id any) (providesOnInterfaceAnimal, bool) {
	s, _ := id.(string)
	for _, a := range providesOnInterfaceAnimals {
		if a.id == s {
			return a, true
		}
	}
	return providesOnInterfaceAnimal{}, false
}

// providesOnInterfaceAnimalList maps the book's animal ids through fields, which builds the
// object each subgraph returns for one animal.
func providesOnInterfaceAnimalList(ids []string, fields func(providesOnInterfaceAnimal) map[string]any) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		if a, ok := providesOnInterfaceFind(id); ok {
			out[i] = fields(a)
		}
	}
	return out
}

func providesOnInterfaceNamed(a providesOnInterfaceAnimal) map[string]any {
	return map[string]any{"__typename": a.typename, "id": a.id, "name": a.name}
}

func providesOnInterfaceAge(parent map[string]any, _ map[string]any) (any, error) {
	a, ok := providesOnInterfaceFind(parent["id"])
	if !ok {
		return nil, nil
	}
	return a.age, nil
}

func init() {
	subgraph.Register("provides-on-interface", func() *subgraph.Suite {
		book := providesOnInterfaceBook
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"media": func(map[string]any, map[string]any) (any, error) {
						if providesOnInterfacePunish {
							return nil, errors.New("You should be using the 'a' subgraph!")
						}
						return map[string]any{
							"__typename": "Book",
							"id":         book.id,
							"animals": providesOnInterfaceAnimalList(book.animals, func(a providesOnInterfaceAnimal) map[string]any {
								return map[string]any{"__typename": a.typename, "id": a.id}
							}),
						}, nil
					},
					"book": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{
							"__typename": "Book",
							"id":         book.id,
							"animals": providesOnInterfaceAnimalList(book.animals, func(a providesOnInterfaceAnimal) map[string]any {
								if a.typename == "Dog" {
									return providesOnInterfaceNamed(a)
								}
								return map[string]any{"__typename": a.typename, "id": a.id}
							}),
						}, nil
					},
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"media": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{
							"__typename": "Book",
							"id":         book.id,
							"animals":    providesOnInterfaceAnimalList(book.animals, providesOnInterfaceNamed),
						}, nil
					},
				},
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Book": {
					"animals": func(parent map[string]any, _ map[string]any) (any, error) {
						ids, _ := parent["animals"].([]string)
						return providesOnInterfaceAnimalList(ids, providesOnInterfaceNamed), nil
					},
				},
				"Cat": {"age": providesOnInterfaceAge},
				"Dog": {"age": providesOnInterfaceAge},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book": func(rep map[string]any) (any, error) {
					if id, _ := rep["id"].(string); id != book.id {
						return nil, nil
					}
					return map[string]any{"__typename": "Book", "id": book.id, "animals": book.animals}, nil
				},
				"Cat": func(rep map[string]any) (any, error) {
					a, ok := providesOnInterfaceFind(rep["id"])
					if !ok {
						return nil, nil
					}
					return map[string]any{"__typename": "Cat", "id": a.id, "name": a.name, "age": a.age}, nil
				},
				"Dog": func(rep map[string]any) (any, error) {
					if providesOnInterfacePunish {
						return nil, errors.New("You should be using the 'c' subgraph!")
					}
					a, ok := providesOnInterfaceFind(rep["id"])
					if !ok {
						return nil, nil
					}
					return map[string]any{"__typename": "Dog", "id": a.id, "name": a.name, "age": a.age}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "provides-on-interface", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
