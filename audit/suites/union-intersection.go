package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// union-intersection: the unions Media and ViewerMedia have different members in a
// (Book | Song) and b (Book | Movie).
func init() {
	subgraph.Register("union-intersection", func() *subgraph.Suite {
		book := func() map[string]any {
			return map[string]any{
				"__typename": "Book",
				"id":         "b1",
				"title":      "The Lord of the Rings",
				"aTitle":     "A: The Lord of the Rings",
				"bTitle":     "B: The Lord of the Rings",
			}
		}
		song := func() map[string]any {
			return map[string]any{"__typename": "Song", "id": "s2", "title": "Song Title", "aTitle": "A: Song Title"}
		}
		movie := func() map[string]any {
			return map[string]any{"__typename": "Movie", "id": "m3", "title": "A Movie Title", "bTitle": "B Movie Title"}
		}
		value := func(v func() map[string]any) subgraph.Resolver {
			return func(map[string]any, map[string]any) (any, error) { return v(), nil }
		}
		// byID resolves a reference to the one stored object of a type.
		byID := func(v func() map[string]any) func(map[string]any) (any, error) {
			return func(rep map[string]any) (any, error) {
				obj := v()
				if rep["id"] != obj["id"] {
					return nil, nil
				}
				return obj, nil
			}
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"media":  value(book),
					"aMedia": value(book),
					"book":   value(book),
					"song":   value(song),
					"viewer": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"media": book(), "aMedia": book(), "book": book(), "song": song()}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book": byID(book),
				"Song": byID(song),
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"media":  value(book),
					"bMedia": value(book),
					"book":   value(book),
					"viewer": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"media": book(), "bMedia": movie(), "book": book()}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book":  byID(book),
				"Movie": byID(movie),
			},
		}
		return &subgraph.Suite{Name: "union-intersection", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
