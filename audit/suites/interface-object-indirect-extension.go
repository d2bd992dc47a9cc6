package suites

import (
	"fmt"
	"maps"
	"strconv"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// interface-object-indirect-extension: a owns the Media interface entity and its Video and
// Article types, b extends Video with authorName, and c sees Media only as an
// @interfaceObject; reaching Video.authorName from c's Playlist.media takes a's help to find
// the concrete type.
func init() {
	subgraph.Register("interface-object-indirect-extension", func() *subgraph.Suite {
		num := func(id any) float64 {
			s, _ := id.(string)
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0 // Number("x") is NaN in the TypeScript; no case reaches it.
			}
			return n
		}
		video := func(rep map[string]any) (any, error) {
			return map[string]any{
				"id": rep["id"], "title": fmt.Sprintf("title for %v", rep["id"]), "duration": 100 * num(rep["id"]),
			}, nil
		}
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					// Media's __resolveType answers "Video" for every object.
					"media": func(_, _ map[string]any) (any, error) {
						return map[string]any{"__typename": "Video", "id": "1", "title": "title for 1", "duration": 100}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				// Media has no __resolveReference: its __resolveType picks Video, whose
				// __resolveReference then runs on the representation.
				"Media": func(rep map[string]any) (any, error) {
					r := maps.Clone(rep)
					r["__typename"] = "Video"
					out, err := video(r)
					if m, ok := out.(map[string]any); ok {
						m["__typename"] = "Video"
					}
					return out, err
				},
				"Video": video,
				"Article": func(rep map[string]any) (any, error) {
					return map[string]any{
						"id": rep["id"], "title": fmt.Sprintf("title for %v", rep["id"]), "wordCount": 900 * num(rep["id"]),
					}, nil
				},
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"author": func(_, _ map[string]any) (any, error) {
						return map[string]any{"id": "1", "name": "name for 1"}, nil
					},
				},
				"Video": {
					"authorName": func(_, _ map[string]any) (any, error) { return "John Doe", nil },
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Author": func(rep map[string]any) (any, error) {
					return map[string]any{"id": rep["id"], "name": fmt.Sprintf("name for %v", rep["id"])}, nil
				},
			},
		}
		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"playlist": func(_, _ map[string]any) (any, error) {
						return map[string]any{"id": "1", "name": "name for 1", "media": map[string]any{"id": "1"}}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Playlist": func(rep map[string]any) (any, error) {
					return map[string]any{
						"id": rep["id"], "name": fmt.Sprintf("name for %v", rep["id"]), "media": map[string]any{"id": rep["id"]},
					}, nil
				},
				"Media": func(rep map[string]any) (any, error) { return map[string]any{"id": rep["id"]}, nil },
			},
		}
		return &subgraph.Suite{Name: "interface-object-indirect-extension", Subgraphs: []*subgraph.Subgraph{b, a, c}}
	})
}
