package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// simple-override: b takes Post.createdAt over from a with @override(from: "a").
func init() {
	subgraph.Register("simple-override", postFeeds("simple-override"))
}

// postFeeds builds the two-subgraph post feed shared by simple-override and
// unavailable-override (which differ only in their SDLs' @override source). Subgraph a and
// the data are not in the public snapshot we read; they are inferred from b and the answers:
// both serve the same posts, a's aFeed the second and b's bFeed the first.
func postFeeds(suite string) func() *subgraph.Suite {
	return func() *subgraph.Suite {
		posts := []map[string]any{
			{"id": "p1", "createdAt": "p1-createdAt"},
			{"id": "p2", "createdAt": "p2-createdAt"},
		}
		list := func(ps ...map[string]any) []any {
			out := make([]any, 0, len(ps))
			for _, p := range ps {
				out = append(out, map[string]any{"id": p["id"], "createdAt": p["createdAt"]})
			}
			return out
		}
		entity := func(rep map[string]any) (any, error) {
			for _, p := range posts {
				if p["id"] == rep["id"] {
					return map[string]any{"id": p["id"], "createdAt": p["createdAt"]}, nil
				}
			}
			return nil, nil
		}
		feeds := func(name, own string, ownPosts ...map[string]any) *subgraph.Subgraph {
			return &subgraph.Subgraph{
				Name: name,
				Resolvers: map[string]map[string]subgraph.Resolver{
					"Query": {
						"feed": func(map[string]any, map[string]any) (any, error) { return list(posts...), nil },
						own:    func(map[string]any, map[string]any) (any, error) { return list(ownPosts...), nil },
					},
				},
				Entities: map[string]func(map[string]any) (any, error){"Post": entity},
			}
		}
		return &subgraph.Suite{Name: suite, Subgraphs: []*subgraph.Subgraph{
			feeds("a", "aFeed", posts[1]),
			feeds("b", "bFeed", posts[0]),
		}}
	}
}
