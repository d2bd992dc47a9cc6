package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// complex-entity-call: ProductList and Product have nested, multi-field keys that differ per
// subgraph (products{id}, products{id pid}, products{id pid category{id tag}} selected{id}),
// so the gateway must collect key fields from several subgraphs before each entity call.
func init() {
	subgraph.Register("complex-entity-call", func() *subgraph.Suite {
		type product struct {
			id, pid, categoryID string
			price               float64
		}
		products := []product{
			{id: "1", pid: "p1", categoryID: "c1", price: 100},
			{id: "2", pid: "p2", categoryID: "c2", price: 200},
		}
		type category struct{ id, tag, mainProduct string }
		categories := []category{{id: "c1", tag: "t1", mainProduct: "1"}, {id: "c2", tag: "t2", mainProduct: "2"}}

		productObject := func(p product) map[string]any {
			return map[string]any{"id": p.id, "pid": p.pid, "categoryId": p.categoryID, "price": p.price}
		}
		categoryObject := func(c category) map[string]any {
			return map[string]any{"id": c.id, "tag": c.tag, "mainProduct": c.mainProduct}
		}
		findProduct := func(match func(product) bool) any {
			for _, p := range products {
				if match(p) {
					return productObject(p)
				}
			}
			return nil
		}
		findCategory := func(id any) any {
			for _, c := range categories {
				if c.id == id {
					return categoryObject(c)
				}
			}
			return nil
		}
		productsWhere := func(match func(product) bool) []any {
			out := []any{}
			for _, p := range products {
				if match(p) {
					out = append(out, productObject(p))
				}
			}
			return out
		}
		keyList := func(rep map[string]any) []map[string]any {
			var out []map[string]any
			list, _ := rep["products"].([]any)
			for _, k := range list {
				if m, ok := k.(map[string]any); ok {
					out = append(out, m)
				}
			}
			return out
		}
		categoryResolver := func(parent, _ map[string]any) (any, error) {
			return findCategory(parent["categoryId"]), nil
		}
		// matchesWithCategory is price's key check: id, pid and the product's category id and tag.
		matchesWithCategory := func(p product, k map[string]any) bool {
			if p.id != k["id"] || p.pid != k["pid"] {
				return false
			}
			cat, _ := k["category"].(map[string]any)
			for _, c := range categories {
				if c.id == p.categoryID {
					return cat != nil && c.id == cat["id"] && c.tag == cat["tag"]
				}
			}
			return false
		}
		first := func(list []any) any {
			if len(list) > 0 {
				return list[0]
			}
			return nil
		}

		link := &subgraph.Subgraph{
			Name: "link",
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					if pid, ok := rep["pid"]; ok {
						return findProduct(func(p product) bool { return p.id == rep["id"] && p.pid == pid }), nil
					}
					return findProduct(func(p product) bool { return p.id == rep["id"] }), nil
				},
			},
		}
		list := &subgraph.Subgraph{
			Name: "list",
			Entities: map[string]func(map[string]any) (any, error){
				"ProductList": func(rep map[string]any) (any, error) {
					keys := keyList(rep)
					prods := productsWhere(func(p product) bool {
						for _, k := range keys {
							if k["id"] == p.id && k["pid"] == p.pid {
								return true
							}
						}
						return false
					})
					var selected any
					if len(prods) > 1 {
						selected = prods[1]
					}
					return map[string]any{"products": prods, "first": first(prods), "selected": selected}, nil
				},
				"Product": func(rep map[string]any) (any, error) {
					return findProduct(func(p product) bool { return p.id == rep["id"] && p.pid == rep["pid"] }), nil
				},
			},
		}
		price := &subgraph.Subgraph{
			Name: "price",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Product": {
					"price": func(parent, _ map[string]any) (any, error) {
						return map[string]any{"price": parent["price"]}, nil
					},
					"category": categoryResolver,
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					return findProduct(func(p product) bool { return matchesWithCategory(p, rep) }), nil
				},
				"Category": func(rep map[string]any) (any, error) {
					return findCategory(rep["id"]), nil
				},
				"ProductList": func(rep map[string]any) (any, error) {
					keys := keyList(rep)
					prods := productsWhere(func(p product) bool {
						for _, k := range keys {
							if matchesWithCategory(p, k) {
								return true
							}
						}
						return false
					})
					sel, _ := rep["selected"].(map[string]any)
					var selected any
					if sel != nil {
						selected = findProduct(func(p product) bool { return p.id == sel["id"] })
					}
					return map[string]any{"products": prods, "first": first(prods), "selected": selected}, nil
				},
			},
		}
		productsSG := &subgraph.Subgraph{
			Name: "products",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"topProducts": func(_, _ map[string]any) (any, error) {
						return map[string]any{"products": productsWhere(func(product) bool { return true })}, nil
					},
				},
				"Product": {"category": categoryResolver},
				"Category": {
					"mainProduct": func(parent, _ map[string]any) (any, error) {
						return findProduct(func(p product) bool { return p.id == parent["mainProduct"] }), nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"ProductList": func(rep map[string]any) (any, error) {
					keys := keyList(rep)
					return map[string]any{"products": productsWhere(func(p product) bool {
						for _, k := range keys {
							if k["id"] == p.id {
								return true
							}
						}
						return false
					})}, nil
				},
				"Product": func(rep map[string]any) (any, error) {
					return findProduct(func(p product) bool { return p.id == rep["id"] }), nil
				},
				"Category": func(rep map[string]any) (any, error) {
					return findCategory(rep["id"]), nil
				},
			},
		}
		return &subgraph.Suite{
			Name:      "complex-entity-call",
			Subgraphs: []*subgraph.Subgraph{link, list, price, productsSG},
		}
	})
}
