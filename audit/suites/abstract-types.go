package suites

import (
	"errors"
	"slices"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// abstract-types: the Product interface and the PublisherType union spread over seven
// subgraphs; inventory requires dimensions, reviews requires similar { id }, and agency
// extends the union with Group.
func init() {
	subgraph.Register("abstract-types", func() *subgraph.Suite {
		type user struct{ id, email, name string }
		users := []user{
			{id: "u1", email: "u1@example.com", name: "u1-name"},
			{id: "u2", email: "u2@example.com", name: "u2-name"},
			{id: "u3", email: "u3@example.com", name: "u3-name"},
		}
		type product struct {
			typename, id, sku, title, createdBy string
			size                                string
			weight                              float64
			publisher                           map[string]any
			hidden                              bool
		}
		self := func() map[string]any { return map[string]any{"__typename": "Self", "email": users[0].email} }
		agency := func() map[string]any { return map[string]any{"__typename": "Agency", "id": "a1"} }
		books := []product{
			{typename: "Book", id: "p1", sku: "sku-1", title: "Book 1", createdBy: "u1", size: "small", weight: 0.5, publisher: self()},
			{typename: "Book", id: "p3", sku: "sku-3", title: "Book 2", createdBy: "u2", size: "small", weight: 0.6, publisher: agency()},
		}
		magazines := []product{
			{typename: "Magazine", id: "p2", sku: "sku-2", title: "Magazine 1", createdBy: "u1", size: "small", weight: 0.2, publisher: agency()},
			{typename: "Magazine", id: "p4", sku: "sku-4", title: "Magazine 2", createdBy: "u2", size: "small", weight: 0.3, publisher: self(), hidden: true},
		}
		products := slices.Concat(books, magazines)
		type review struct {
			id              int
			body, productID string
			score           int
		}
		reviews := []review{
			{id: 1, body: "review 1", productID: "p1", score: 3},
			{id: 2, body: "review 2", productID: "p1", score: 4},
			{id: 3, body: "review 3", productID: "p2", score: 5},
		}
		agencies := []map[string]any{
			{"id": "a1", "companyName": "Agency 1", "email": map[string]any{"address": "a1@example.com"}},
		}

		find := func(list []product, id any) *product {
			for i := range list {
				if list[i].id == id {
					return &list[i]
				}
			}
			return nil
		}
		findUser := func(match func(user) bool) *user {
			for i := range users {
				if match(users[i]) {
					return &users[i]
				}
			}
			return nil
		}
		dimensions := func(p *product) map[string]any {
			return map[string]any{"size": p.size, "weight": p.weight}
		}
		// full is the products subgraph's view of a product.
		full := func(p *product) map[string]any {
			return map[string]any{
				"__typename": p.typename, "id": p.id, "sku": p.sku, "dimensions": dimensions(p),
				"createdBy": p.createdBy, "hidden": p.hidden, "publisherType": p.publisher,
			}
		}
		fullList := func(list []product, keep func(product) bool) []any {
			out := []any{}
			for i := range list {
				if keep(list[i]) {
					out = append(out, full(&list[i]))
				}
			}
			return out
		}
		countCreated := func(userID any) int {
			n := 0
			for _, p := range products {
				if p.createdBy == userID {
					n++
				}
			}
			return n
		}

		// products subgraph
		createdBy := func(parent, _ map[string]any) (any, error) {
			u := findUser(func(u user) bool { return u.id == parent["createdBy"] })
			if u == nil {
				return nil, nil
			}
			return map[string]any{"__typename": "User", "id": u.id, "email": u.email}, nil
		}
		similarIn := func(list []product) subgraph.Resolver {
			return func(parent, _ map[string]any) (any, error) {
				return fullList(list, func(p product) bool { return p.id != parent["id"] }), nil
			}
		}
		entityIn := func(list []product) func(map[string]any) (any, error) {
			return func(rep map[string]any) (any, error) {
				if p := find(list, rep["id"]); p != nil {
					return full(p), nil
				}
				return nil, nil
			}
		}
		productsSG := &subgraph.Subgraph{
			Name: "products",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"products": func(_, _ map[string]any) (any, error) {
						return fullList(products, func(product) bool { return true }), nil
					},
					"similar": func(_, args map[string]any) (any, error) {
						p := find(products, args["id"])
						if p == nil {
							return []any{}, nil
						}
						return fullList(products, func(o product) bool {
							return o.id != p.id && o.typename == p.typename
						}), nil
					},
				},
				"Book":     {"similar": similarIn(books), "createdBy": createdBy},
				"Magazine": {"similar": similarIn(magazines), "createdBy": createdBy},
				"User": {
					"totalProductsCreated": func(parent, _ map[string]any) (any, error) {
						return countCreated(parent["id"]), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book":     entityIn(books),
				"Magazine": entityIn(magazines),
				"User": func(rep map[string]any) (any, error) {
					u := findUser(func(u user) bool { return u.email == rep["email"] })
					if u == nil {
						return nil, nil
					}
					return map[string]any{"__typename": "User", "id": u.id, "email": u.email}, nil
				},
			},
		}

		// reviews subgraph: Book and Magazine share one set of resolvers.
		reviewObject := func(r review) map[string]any {
			var prod any
			if p := find(products, r.productID); p != nil {
				prod = map[string]any{"__typename": p.typename, "id": p.id}
			}
			return map[string]any{"__typename": "Review", "id": r.id, "body": r.body, "product": prod}
		}
		reviewsOf := func(id any) []review {
			var out []review
			for _, r := range reviews {
				if r.productID == id {
					out = append(out, r)
				}
			}
			return out
		}
		reviewResolvers := map[string]subgraph.Resolver{
			"reviews": func(parent, _ map[string]any) (any, error) {
				out := []any{}
				for _, r := range reviewsOf(parent["id"]) {
					out = append(out, reviewObject(r))
				}
				return out, nil
			},
			"reviewsCount": func(parent, _ map[string]any) (any, error) {
				return len(reviewsOf(parent["id"])), nil
			},
			"reviewsScore": func(parent, _ map[string]any) (any, error) {
				rs := reviewsOf(parent["id"])
				if len(rs) == 0 {
					return 0, nil
				}
				sum := 0
				for _, r := range rs {
					sum += r.score
				}
				return float64(sum) / float64(len(rs)), nil
			},
			// The TypeScript reads product.similar.id, which is undefined for the list the
			// gateway sends, so it throws; kept as it is.
			"reviewsOfSimilar": func(parent, _ map[string]any) (any, error) {
				similar, isObj := parent["similar"].(map[string]any)
				if !isObj {
					if parent["similar"] == nil {
						return nil, errors.New("Cannot read properties of undefined (reading 'id')")
					}
					return nil, errors.New("Cannot read properties of undefined (reading 'includes')")
				}
				ids, isList := similar["id"].([]any)
				if !isList {
					return nil, errors.New("Cannot read properties of undefined (reading 'includes')")
				}
				out := []any{}
				for _, p := range products {
					if p.typename == parent["__typename"] && slices.Contains(ids, any(p.id)) {
						for _, r := range reviewsOf(p.id) {
							out = append(out, reviewObject(r))
						}
					}
				}
				return out, nil
			},
		}
		reviewEntity := func(rep map[string]any) (any, error) {
			p := find(products, rep["id"])
			if p == nil {
				return nil, nil
			}
			return map[string]any{"__typename": p.typename, "id": p.id, "similar": rep["similar"]}, nil
		}
		reviewsSG := &subgraph.Subgraph{
			Name: "reviews",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"review": func(_, args map[string]any) (any, error) {
						for _, r := range reviews {
							if r.id == args["id"] {
								return reviewObject(r), nil
							}
						}
						return nil, nil
					},
				},
				"Book":     reviewResolvers,
				"Magazine": reviewResolvers,
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book":     reviewEntity,
				"Magazine": reviewEntity,
			},
		}

		// inventory subgraph
		inventoryEntity := func(list []product) func(map[string]any) (any, error) {
			return func(rep map[string]any) (any, error) {
				p := find(list, rep["id"])
				if p == nil {
					return nil, nil
				}
				return map[string]any{"__typename": p.typename, "id": p.id, "dimensions": rep["dimensions"]}, nil
			}
		}
		delivery := func(parent, args map[string]any) (any, error) {
			if zip, _ := args["zip"].(string); zip == "" {
				return nil, nil
			}
			dims, isObj := parent["dimensions"].(map[string]any)
			if !isObj {
				return nil, nil
			}
			weight, _ := dims["weight"].(float64) // JSON numbers decode as float64
			switch {
			case dims["size"] == "small" && weight < 1:
				return map[string]any{"estimatedDelivery": "1 day", "fastestDelivery": "same day"}, nil
			case dims["size"] == "large" && weight >= 1:
				return map[string]any{"estimatedDelivery": "3 days", "fastestDelivery": "2 days"}, nil
			}
			return nil, nil
		}
		inventorySG := &subgraph.Subgraph{
			Name: "inventory",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Book":     {"delivery": delivery},
				"Magazine": {"delivery": delivery},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Book":     inventoryEntity(books),
				"Magazine": inventoryEntity(magazines),
			},
		}

		usersSG := &subgraph.Subgraph{
			Name: "users",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"User": {
					"totalProductsCreated": func(parent, _ map[string]any) (any, error) {
						return countCreated(parent["id"]), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"User": func(rep map[string]any) (any, error) {
					u := findUser(func(u user) bool { return u.email == rep["email"] })
					if u == nil {
						return nil, nil
					}
					return map[string]any{"__typename": "User", "id": u.id, "email": u.email, "name": u.name}, nil
				},
			},
		}

		agencySG := &subgraph.Subgraph{
			Name: "agency",
			Entities: map[string]func(map[string]any) (any, error){
				"Agency": func(rep map[string]any) (any, error) {
					for _, a := range agencies {
						if a["id"] == rep["id"] {
							return a, nil
						}
					}
					return nil, nil
				},
				"Group": func(rep map[string]any) (any, error) {
					id, _ := rep["id"].(string)
					return map[string]any{"id": id, "name": "Group " + id, "email": "group" + id + "@example.com"}, nil
				},
			},
		}

		titled := func(name string, list []product) *subgraph.Subgraph {
			object := func(p *product) map[string]any {
				return map[string]any{"__typename": p.typename, "id": p.id, "title": p.title}
			}
			return &subgraph.Subgraph{
				Name: name,
				Resolvers: map[string]map[string]subgraph.Resolver{
					"Query": {
						name: func(_, _ map[string]any) (any, error) {
							out := []any{}
							for i := range list {
								out = append(out, object(&list[i]))
							}
							return out, nil
						},
					},
				},
				Entities: map[string]func(map[string]any) (any, error){
					list[0].typename: func(rep map[string]any) (any, error) {
						if p := find(list, rep["id"]); p != nil {
							return object(p), nil
						}
						return nil, nil
					},
				},
			}
		}

		return &subgraph.Suite{
			Name: "abstract-types",
			Subgraphs: []*subgraph.Subgraph{
				agencySG, inventorySG, titled("books", books), usersSG, reviewsSG, productsSG,
				titled("magazines", magazines),
			},
		}
	})
}
