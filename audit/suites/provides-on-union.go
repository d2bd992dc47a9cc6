package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// providesOnUnionPunish mirrors the audit's PUNISH_FOR_POOR_PLANS default ("1").
const providesOnUnionPunish = true

var providesOnUnionMedia = []struct{ typename, id, title string }{
	{typename: "Book", id: "m1", title: "Book 1"},
	{typename: "Movie", id: "m2", title: "Movie 1"},
}

func providesOnUnionEntity(rep map[string]any) (any, error) {
	id, _ := rep["id"].(string)
	for _, m := range providesOnUnionMedia {
		if m.id == id {
			return map[string]any{"__typename": m.typename, "id": m.id, "title": m.title}, nil
		}
	}
	return nil, nil
}

func init() {
	subgraph.Register("provides-on-union", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"media": func(map[string]any, map[string]any) (any, error) {
						if providesOnUnionPunish {
							return nil, errors.New("You should not be using the 'a' subgraph!")
						}
						out := make([]any, len(providesOnUnionMedia))
						for i, m := range providesOnUnionMedia {
							out[i] = map[string]any{"__typename": m.typename, "id": m.id}
						}
						return out, nil
					},
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					// Provides Book.title; Movie gets only its id.
					"media": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, len(providesOnUnionMedia))
						for i, m := range providesOnUnionMedia {
							obj := map[string]any{"__typename": m.typename, "id": m.id}
							if m.typename == "Book" {
								obj["title"] = m.title
							}
							out[i] = obj
						}
						return out, nil
					},
				},
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Entities: map[string]func(map[string]any) (any, error){
				"Book": func(rep map[string]any) (any, error) {
					if providesOnUnionPunish {
						return nil, errors.New("You should be using the 'b' subgraph!")
					}
					return providesOnUnionEntity(rep)
				},
				"Movie": providesOnUnionEntity,
			},
		}
		return &subgraph.Suite{Name: "provides-on-union", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
