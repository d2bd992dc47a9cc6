package suites

import (
	"errors"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// requires-with-argument: @requires selections whose fields take arguments, within one
// subgraph pair (products: a requires from b) and across three (posts: d requires
// comments(limit: 3) { authorId } where authorId lives in c).
func init() {
	subgraph.Register("requires-with-argument", func() *subgraph.Suite {
		type product struct {
			upc, name            string
			price, weight, catAv int
		}
		// The category averages are not in the public snapshot we read; they follow the
		// requires-with-argument-conflict data (average = price), which matches the answers.
		products := []product{
			{upc: "p1", name: "p-name-1", price: 11, weight: 1, catAv: 11},
			{upc: "p2", name: "p-name-2", price: 22, weight: 2, catAv: 22},
		}
		findProduct := func(upc any) *product {
			for i := range products {
				if products[i].upc == upc {
					return &products[i]
				}
			}
			return nil
		}
		category := func(p *product) map[string]any { return map[string]any{"averagePrice": p.catAv} }
		productObject := func(p *product) map[string]any {
			return map[string]any{"upc": p.upc, "name": p.name, "price": p.price, "weight": p.weight, "category": category(p)}
		}
		posts := []string{"p1", "p2"}
		type comment struct{ id, postID, authorID, body string }
		comments := []comment{
			{id: "c1", postID: "p1", authorID: "a2", body: "c1-body"},
			{id: "c2", postID: "p1", authorID: "a2", body: "c2-body"},
			{id: "c3", postID: "p1", authorID: "a2", body: "c3-body"},
			{id: "c4", postID: "p2", authorID: "a1", body: "c4-body"},
			{id: "c5", postID: "p2", authorID: "a1", body: "c5-body"},
			{id: "c6", postID: "p2", authorID: "a1", body: "c6-body"},
			{id: "c7", postID: "p2", authorID: "a1", body: "c3-body"},
		}
		authors := map[string]string{"a1": "a1-name", "a2": "a2-name"}
		hasPost := func(id any) bool {
			for _, p := range posts {
				if p == id {
					return true
				}
			}
			return false
		}
		findComment := func(id any) *comment {
			for i := range comments {
				if comments[i].id == id {
					return &comments[i]
				}
			}
			return nil
		}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"shippingEstimate": func(parent map[string]any, _ map[string]any) (any, error) {
						price, okP := jsNumber(parent["price"])
						weight, okW := jsNumber(parent["weight"])
						if !okP || !okW {
							return nil, errors.New("Int cannot represent non-integer value: NaN")
						}
						return int(price * weight * 10), nil
					},
					"isExpensiveCategory": func(parent map[string]any, _ map[string]any) (any, error) {
						cat, ok := parent["category"].(map[string]any)
						if !ok {
							return nil, errors.New("Cannot read properties of undefined (reading 'averagePrice')")
						}
						avg, _ := jsNumber(cat["averagePrice"])
						return avg > 11, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := findProduct(rep["upc"])
					if p == nil {
						return nil, nil
					}
					_, hasWeight := rep["weight"]
					_, hasPrice := rep["price"]
					if hasWeight && hasPrice {
						return map[string]any{"upc": p.upc, "weight": rep["weight"], "price": rep["price"], "category": category(p)}, nil
					}
					return map[string]any{"upc": p.upc, "category": category(p)}, nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(products))
						for i := range products {
							out = append(out, productObject(&products[i]))
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					p := findProduct(rep["upc"])
					if p == nil {
						return nil, nil
					}
					return productObject(p), nil
				},
			},
		}

		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"feed": func(map[string]any, map[string]any) (any, error) {
						out := make([]any, 0, len(posts))
						for _, id := range posts {
							out = append(out, map[string]any{"id": id})
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Post": func(rep map[string]any) (any, error) {
					if !hasPost(rep["id"]) {
						return nil, nil
					}
					return map[string]any{"id": rep["id"]}, nil
				},
				"Comment": func(rep map[string]any) (any, error) {
					cm := findComment(rep["id"])
					if cm == nil {
						return nil, nil
					}
					return map[string]any{"id": cm.id, "authorId": cm.authorID, "body": cm.body}, nil
				},
			},
		}

		d := &subgraph.Subgraph{
			Name: "d",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Post": {
					"author": func(parent map[string]any, _ map[string]any) (any, error) {
						id, _ := parent["authorId"].(string)
						name, ok := authors[id]
						if id == "" || !ok {
							return nil, nil
						}
						return map[string]any{"id": id, "name": name}, nil
					},
					"comments": func(parent map[string]any, args map[string]any) (any, error) {
						limit, _ := jsNumber(args["limit"])
						out := []any{}
						for _, cm := range comments {
							if cm.postID == parent["id"] && len(out) < int(limit) {
								out = append(out, map[string]any{"id": cm.id})
							}
						}
						return out, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Post": func(rep map[string]any) (any, error) {
					if !hasPost(rep["id"]) {
						return nil, nil
					}
					if list, ok := rep["comments"].([]any); ok {
						if len(list) != 3 {
							return nil, errors.New("Expected 3 comments")
						}
						third, _ := list[2].(map[string]any)
						return map[string]any{"id": rep["id"], "authorId": third["authorId"]}, nil
					}
					return map[string]any{"id": rep["id"]}, nil
				},
				"Comment": func(rep map[string]any) (any, error) {
					cm := findComment(rep["id"])
					if cm == nil {
						return nil, nil
					}
					return map[string]any{"id": cm.id}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "requires-with-argument", Subgraphs: []*subgraph.Subgraph{a, b, c, d}}
	})
}
