package subgraphs

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// workload holds copies of testdata/bench-workload's subgraph SDLs and data.json, embedded so
// that the binary runs from anywhere. A test keeps them equal to the originals.
//
//go:embed workload/*.graphql workload/data.json
var workload embed.FS

// Names are the four subgraphs, in the order of their paths and of Stats' JSON.
var Names = [...]string{"accounts", "inventory", "products", "reviews"}

type data struct {
	Users []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Username string `json:"username"`
		Birthday int    `json:"birthday"`
	} `json:"users"`
	Products []struct {
		UPC     string `json:"upc"`
		Name    string `json:"name"`
		Price   int    `json:"price"`
		Weight  int    `json:"weight"`
		InStock bool   `json:"inStock"`
	} `json:"products"`
	Reviews []struct {
		ID         string `json:"id"`
		Body       string `json:"body"`
		ProductUPC string `json:"productUpc"`
	} `json:"reviews"`
}

// SDL returns the embedded SDL of one of the four subgraphs.
func SDL(name string) (string, error) {
	b, err := workload.ReadFile("workload/" + name + ".graphql")
	if err != nil {
		return "", fmt.Errorf("bench subgraph %q: no SDL: %w", name, err)
	}
	return string(b), nil
}

// definitions returns the four subgraphs with the benchmark's resolvers (its Rust
// async-graphql subgraphs) over data.json, by name. Values are fresh maps per call: the audit
// engine reads them and never writes.
func definitions() (map[string]*subgraph.Subgraph, error) {
	raw, err := workload.ReadFile("workload/data.json")
	if err != nil {
		return nil, err
	}
	var d data
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("bench subgraphs: data.json: %w", err)
	}

	user := func(i int) map[string]any {
		u := d.Users[i]
		return map[string]any{"id": u.ID, "name": u.Name, "username": u.Username, "birthday": u.Birthday}
	}
	userByID := func(id any) any {
		for i := range d.Users {
			if d.Users[i].ID == id {
				return user(i)
			}
		}
		return nil
	}
	accounts := &subgraph.Subgraph{
		Name: "accounts",
		Resolvers: map[string]map[string]subgraph.Resolver{
			"Query": {
				"me": func(_, _ map[string]any) (any, error) { return user(0), nil },
				"user": func(_, args map[string]any) (any, error) {
					return userByID(args["id"]), nil
				},
				"users": func(_, _ map[string]any) (any, error) {
					out := make([]any, len(d.Users))
					for i := range d.Users {
						out[i] = user(i)
					}
					return out, nil
				},
			},
		},
		Entities: map[string]func(map[string]any) (any, error){
			"User": func(rep map[string]any) (any, error) { return userByID(rep["id"]), nil },
		},
	}

	product := func(i int) map[string]any {
		p := d.Products[i]
		return map[string]any{"upc": p.UPC, "name": p.Name, "price": p.Price, "weight": p.Weight}
	}
	productIndex := func(upc any) int {
		for i := range d.Products {
			if d.Products[i].UPC == upc {
				return i
			}
		}
		return -1
	}
	products := &subgraph.Subgraph{
		Name: "products",
		Resolvers: map[string]map[string]subgraph.Resolver{
			"Query": {
				// Rust's `take(first as usize)`: a negative first wraps to "all".
				"topProducts": func(_, args map[string]any) (any, error) {
					n, _ := args["first"].(int)
					if n < 0 || n > len(d.Products) {
						n = len(d.Products)
					}
					out := make([]any, n)
					for i := range n {
						out[i] = product(i)
					}
					return out, nil
				},
			},
		},
		Entities: map[string]func(map[string]any) (any, error){
			"Product": func(rep map[string]any) (any, error) {
				if i := productIndex(rep["upc"]); i >= 0 {
					return product(i), nil
				}
				return nil, nil
			},
		},
	}

	// The inventory subgraph keeps no price or weight and ignores those of the
	// representation, so shippingEstimate (price > 1000 ? 0 : weight / 2) is always null.
	inventory := &subgraph.Subgraph{
		Name: "inventory",
		Entities: map[string]func(map[string]any) (any, error){
			"Product": func(rep map[string]any) (any, error) {
				i := productIndex(rep["upc"])
				if i < 0 {
					return nil, nil
				}
				return map[string]any{"upc": d.Products[i].UPC, "inStock": d.Products[i].InStock}, nil
			},
		},
	}

	review := func(i int) map[string]any {
		r := d.Reviews[i]
		return map[string]any{"id": r.ID, "body": r.Body, "productUpc": r.ProductUPC}
	}
	firstTwo := func() []any { return []any{review(0), review(1)} }
	reviews := &subgraph.Subgraph{
		Name: "reviews",
		Resolvers: map[string]map[string]subgraph.Resolver{
			"Review": {
				// Every review's author is user 1, with the username it @provides.
				"author": func(_, _ map[string]any) (any, error) {
					return map[string]any{"id": d.Users[0].ID, "username": d.Users[0].Username}, nil
				},
				"product": func(parent, _ map[string]any) (any, error) {
					return map[string]any{"upc": parent["productUpc"]}, nil
				},
			},
			"User": {
				// Every user's reviews are reviews 1 and 2.
				"reviews": func(_, _ map[string]any) (any, error) { return firstTwo(), nil },
			},
			"Product": {
				"reviews": func(parent, _ map[string]any) (any, error) {
					out := []any{}
					for i := range d.Reviews {
						if d.Reviews[i].ProductUPC == parent["upc"] {
							out = append(out, review(i))
						}
					}
					return out, nil
				},
			},
		},
		Entities: map[string]func(map[string]any) (any, error){
			"Review": func(rep map[string]any) (any, error) {
				for i := range d.Reviews {
					if d.Reviews[i].ID == rep["id"] {
						return review(i), nil
					}
				}
				return nil, nil
			},
			// The benchmark's reviews subgraph answers a User entity with the username
			// "user" (an @external field a correct plan never asks it for).
			"User": func(rep map[string]any) (any, error) {
				return map[string]any{"id": rep["id"], "username": "user"}, nil
			},
			"Product": func(rep map[string]any) (any, error) {
				return map[string]any{"upc": rep["upc"]}, nil
			},
		},
	}
	return map[string]*subgraph.Subgraph{
		"accounts": accounts, "inventory": inventory, "products": products, "reviews": reviews,
	}, nil
}
