package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// requires-circular: a.Post.byExpert requires byNovice, which b computes from
// Author.yearsOfExperience, which only a resolves. The b subgraph is not in the public
// audit snapshot we read; its behaviour is inferred from the SDL and the expected answers.
func init() {
	subgraph.Register("requires-circular", func() *subgraph.Suite {
		type author struct {
			id, name          string
			yearsOfExperience int
		}
		authors := []author{
			{id: "a1", name: "John", yearsOfExperience: 5},
			{id: "a2", name: "Jane", yearsOfExperience: 20},
		}
		type post struct{ id, body, authorID string }
		posts := []post{
			{id: "p1", body: "p1-body", authorID: "a1"},
			{id: "p2", body: "p2-body", authorID: "a2"},
		}
		findPost := func(id any) *post {
			for i := range posts {
				if posts[i].id == id {
					return &posts[i]
				}
			}
			return nil
		}
		findAuthor := func(id any) *author {
			for i := range authors {
				if authors[i].id == id {
					return &authors[i]
				}
			}
			return nil
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"feed": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(posts))
						for _, p := range posts {
							out = append(out, map[string]any{"id": p.id})
						}
						return out, nil
					},
				},
				"Post": {
					"byExpert": func(parent map[string]any, _ map[string]any) (any, error) {
						novice, ok := parent["byNovice"].(bool)
						if !ok {
							// Left null on purpose: a skipped @requires must show.
							return nil, nil
						}
						return !novice, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Post": func(rep map[string]any) (any, error) {
					p := findPost(rep["id"])
					if p == nil {
						return nil, nil
					}
					if rep["byNovice"] == nil {
						return map[string]any{"id": p.id}, nil
					}
					return map[string]any{"id": p.id, "byNovice": rep["byNovice"]}, nil
				},
				"Author": func(rep map[string]any) (any, error) {
					au := findAuthor(rep["id"])
					if au == nil {
						return nil, nil
					}
					return map[string]any{"id": au.id, "name": au.name, "yearsOfExperience": au.yearsOfExperience}, nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Post": {
					"byNovice": func(parent map[string]any, _ map[string]any) (any, error) {
						au, _ := parent["author"].(map[string]any)
						years, ok := jsNumber(au["yearsOfExperience"])
						if !ok {
							return nil, errors.New("Post.byNovice: author.yearsOfExperience missing from the representation")
						}
						return years < 10, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Post": func(rep map[string]any) (any, error) {
					p := findPost(rep["id"])
					if p == nil {
						return nil, nil
					}
					au := map[string]any{"id": p.authorID}
					if ra, ok := rep["author"].(map[string]any); ok {
						if y, present := ra["yearsOfExperience"]; present {
							au["yearsOfExperience"] = y
						}
					}
					return map[string]any{"id": p.id, "author": au}, nil
				},
				"Author": func(rep map[string]any) (any, error) {
					au := findAuthor(rep["id"])
					if au == nil {
						return nil, nil
					}
					return map[string]any{"id": au.id}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "requires-circular", Subgraphs: []*subgraph.Subgraph{a, b}}
	})
}
