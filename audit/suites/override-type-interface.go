package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

type overrideTypeInterfacePost struct {
	id, createdAt, body string
}

var overrideTypeInterfaceImagePosts = []overrideTypeInterfacePost{
	{id: "i1", createdAt: "i1-createdAt"},
	{id: "i2", createdAt: "i2-createdAt"},
}

var overrideTypeInterfaceTextPosts = []overrideTypeInterfacePost{
	{id: "t1", createdAt: "t1-createdAt", body: "t1-body"},
	{id: "t2", createdAt: "t2-createdAt", body: "t2-body"},
}

func overrideTypeInterfaceFeed() []any {
	out := make([]any, len(overrideTypeInterfaceImagePosts))
	for i, p := range overrideTypeInterfaceImagePosts {
		out[i] = map[string]any{"__typename": "ImagePost", "id": p.id, "createdAt": p.createdAt}
	}
	return out
}

func overrideTypeInterfaceFind(posts []overrideTypeInterfacePost, rep map[string]any) (overrideTypeInterfacePost, bool) {
	id, _ := rep["id"].(string)
	for _, p := range posts {
		if p.id == id {
			return p, true
		}
	}
	return overrideTypeInterfacePost{}, false
}

func overrideTypeInterfaceImagePost(rep map[string]any) (any, error) {
	p, ok := overrideTypeInterfaceFind(overrideTypeInterfaceImagePosts, rep)
	if !ok {
		return nil, nil
	}
	return map[string]any{"id": p.id, "createdAt": p.createdAt}, nil
}

func init() {
	subgraph.Register("override-type-interface", func() *subgraph.Suite {
		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"feed": func(map[string]any, map[string]any) (any, error) {
						return overrideTypeInterfaceFeed(), nil
					},
				},
				// b overrides ImagePost.createdAt: a's answer must never reach a client.
				"ImagePost": {
					"createdAt": func(map[string]any, map[string]any) (any, error) {
						return "NEVER", nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"ImagePost": overrideTypeInterfaceImagePost,
			},
		}
		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"anotherFeed": func(map[string]any, map[string]any) (any, error) {
						return overrideTypeInterfaceFeed(), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"TextPost": func(rep map[string]any) (any, error) {
					p, ok := overrideTypeInterfaceFind(overrideTypeInterfaceTextPosts, rep)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": p.id, "createdAt": p.createdAt, "body": p.body}, nil
				},
				"ImagePost": overrideTypeInterfaceImagePost,
			},
		}
		return &subgraph.Suite{Name: "override-type-interface", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
