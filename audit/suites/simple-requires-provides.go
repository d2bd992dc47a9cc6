package suites

import (
	"errors"
	"fmt"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// simple-requires-provides: the classic accounts/products/inventory/reviews graph, with
// inventory requiring price and weight and reviews providing User.username. The accounts
// subgraph is not in the public snapshot we read; it serves the data's users.
func init() {
	subgraph.Register("simple-requires-provides", func() *subgraph.Suite {
		type user struct{ id, username, name string }
		users := []user{
			{id: "u1", username: "u-username-1", name: "u-name-1"},
			{id: "u2", username: "u-username-2", name: "u-name-2"},
		}
		type product struct {
			upc, name     string
			price, weight int
		}
		products := []product{
			{upc: "p1", name: "p-name-1", price: 11, weight: 1},
			{upc: "p2", name: "p-name-2", price: 22, weight: 2},
		}
		inStock := map[string]bool{"p1": true}
		type review struct{ id, body, authorID, productUpc string }
		reviews := []review{
			{id: "r1", body: "r-body-1", authorID: "u1", productUpc: "p1"},
			{id: "r2", body: "r-body-2", authorID: "u1", productUpc: "p2"},
		}
		findUser := func(id any) *user {
			for i := range users {
				if users[i].id == id {
					return &users[i]
				}
			}
			return nil
		}
		findProduct := func(upc any) *product {
			for i := range products {
				if products[i].upc == upc {
					return &products[i]
				}
			}
			return nil
		}
		reviewObject := func(r review) map[string]any {
			return map[string]any{"id": r.id, "body": r.body, "authorId": r.authorID, "productUpc": r.productUpc}
		}
		reviewsWhere := func(keep func(review) bool) []any {
			out := []any{}
			for _, r := range reviews {
				if keep(r) {
					out = append(out, reviewObject(r))
				}
			}
			return out
		}
		productObject := func(p *product) map[string]any {
			return map[string]any{"upc": p.upc, "name": p.name, "price": p.price, "weight": p.weight}
		}
		// estimate is price × weight × 10 from the representation; NaN (an error) without it.
		estimate := func(parent map[string]any) (int, error) {
			price, okP := jsNumber(parent["price"])
			weight, okW := jsNumber(parent["weight"])
			if !okP || !okW {
				return 0, errors.New("Int cannot represent non-integer value: NaN")
			}
			return int(price * weight * 10), nil
		}

		accounts := &subgraph.Subgraph{
			Name: "accounts",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"me": func(map[string]any, map[string]any) (any, error) {
						return map[string]any{"id": users[0].id, "name": users[0].name, "username": users[0].username}, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					u := findUser(rep["id"])
					if u == nil {
						return nil, nil
					}
					return map[string]any{"id": u.id, "name": u.name, "username": u.username}, nil
				},
			},
		}

		inventory := &subgraph.Subgraph{
			Name: "inventory",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"shippingEstimate": func(parent map[string]any, _ map[string]any) (any, error) {
						v, err := estimate(parent)
						if err != nil {
							return nil, err
						}
						return v, nil
					},
					"shippingEstimateTag": func(parent map[string]any, _ map[string]any) (any, error) {
						total := "NaN"
						if v, err := estimate(parent); err == nil {
							total = fmt.Sprint(v)
						}
						return fmt.Sprintf("#%v#%s#", parent["upc"], total), nil
					},
					"inStock": func(parent map[string]any, _ map[string]any) (any, error) {
						upc, _ := parent["upc"].(string)
						return inStock[upc], nil
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
						return map[string]any{"upc": p.upc, "weight": rep["weight"], "price": rep["price"]}, nil
					}
					return map[string]any{"upc": p.upc}, nil
				},
			},
		}

		productsSG := &subgraph.Subgraph{
			Name: "products",
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

		reviewsSG := &subgraph.Subgraph{
			Name: "reviews",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Review": {
					"author": func(parent map[string]any, _ map[string]any) (any, error) {
						u := findUser(parent["authorId"])
						if u == nil {
							return nil, nil
						}
						return map[string]any{"id": u.id, "username": u.username}, nil
					},
					"product": func(parent map[string]any, _ map[string]any) (any, error) {
						p := findProduct(parent["productUpc"])
						if p == nil {
							return nil, nil
						}
						return map[string]any{
							"upc":     p.upc,
							"reviews": reviewsWhere(func(r review) bool { return r.productUpc == p.upc }),
						}, nil
					},
				},
				"User": {
					"reviews": func(parent map[string]any, _ map[string]any) (any, error) {
						return reviewsWhere(func(r review) bool { return r.authorID == parent["id"] }), nil
					},
				},
				"Product": {
					"reviews": func(parent map[string]any, _ map[string]any) (any, error) {
						return reviewsWhere(func(r review) bool { return r.productUpc == parent["upc"] }), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Review": func(rep map[string]any) (any, error) {
					for _, r := range reviews {
						if r.id == rep["id"] {
							return reviewObject(r), nil
						}
					}
					return nil, nil
				},
				"User": func(rep map[string]any) (any, error) {
					u := findUser(rep["id"])
					if u == nil {
						return nil, nil
					}
					return map[string]any{"id": u.id, "username": u.username}, nil
				},
				"Product": func(rep map[string]any) (any, error) {
					return map[string]any{"upc": rep["upc"]}, nil
				},
			},
		}
		return &subgraph.Suite{Name: "simple-requires-provides", Subgraphs: []*subgraph.Subgraph{accounts, inventory, productsSG, reviewsSG}}
	})
}
