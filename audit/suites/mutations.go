package suites

import (
	"errors"
	"strconv"
	"sync"

	"github.com/atrium-gateway/atrium/audit/subgraph"
)

type mutationsProduct struct {
	id, name string
	price    float64
}

type mutationsCategory struct {
	id, name string
}

// mutationsState is the in-memory store the three subgraphs share, like the audit's data module.
type mutationsState struct {
	mu         sync.Mutex
	products   []mutationsProduct
	categories []mutationsCategory
	numbers    map[string]int
}

func (s *mutationsState) initProducts() {
	for _, p := range s.products {
		if p.id == "p1" {
			return
		}
	}
	s.products = append(s.products, mutationsProduct{id: "p1", name: "p1-name", price: 9.99})
}

func (s *mutationsState) findProduct(id string) (mutationsProduct, bool) {
	for _, p := range s.products {
		if p.id == id {
			return p, true
		}
	}
	return mutationsProduct{}, false
}

func (s *mutationsState) deleteProduct(id string) {
	kept := s.products[:0:0]
	for _, p := range s.products {
		if p.id != id {
			kept = append(kept, p)
		}
	}
	s.products = kept
}

func (s *mutationsState) findCategory(id string) (mutationsCategory, bool) {
	for _, c := range s.categories {
		if c.id == id {
			return c, true
		}
	}
	return mutationsCategory{}, false
}

func (s *mutationsState) addCategory(args map[string]any) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, _ := args["name"].(string)
	requestID, _ := args["requestId"].(string)
	id := "c-added-" + requestID
	if _, ok := s.findCategory(id); ok {
		return nil, errors.New("Category with this requestId was already added")
	}
	s.categories = append(s.categories, mutationsCategory{id: id, name: name})
	return map[string]any{"id": id, "name": name}, nil
}

func (p mutationsProduct) object() map[string]any {
	return map[string]any{"id": p.id, "name": p.name, "price": p.price}
}

func init() {
	subgraph.Register("mutations", func() *subgraph.Suite {
		s := &mutationsState{numbers: map[string]int{}}

		a := &subgraph.Subgraph{
			Name: "a",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Query": {
					"product": func(_ map[string]any, args map[string]any) (any, error) {
						s.mu.Lock()
						defer s.mu.Unlock()
						s.initProducts()
						id, _ := args["id"].(string)
						p, ok := s.findProduct(id)
						if !ok {
							return nil, nil
						}
						return p.object(), nil
					},
					"products": func(map[string]any, map[string]any) (any, error) {
						s.mu.Lock()
						defer s.mu.Unlock()
						s.initProducts()
						out := make([]any, len(s.products))
						for i, p := range s.products {
							out[i] = p.object()
						}
						return out, nil
					},
				},
				"Mutation": {
					"multiply": func(_ map[string]any, args map[string]any) (any, error) {
						s.mu.Lock()
						defer s.mu.Unlock()
						requestID, _ := args["requestId"].(string)
						by, _ := args["by"].(int)
						result := s.numbers[requestID] * by
						s.numbers[requestID] = result
						return result, nil
					},
					"addProduct": func(_ map[string]any, args map[string]any) (any, error) {
						s.mu.Lock()
						defer s.mu.Unlock()
						input, _ := args["input"].(map[string]any)
						name, _ := input["name"].(string)
						price, _ := input["price"].(float64)
						p := mutationsProduct{id: "p-added-" + strconv.Itoa(len(s.products)), name: name, price: price}
						s.products = append(s.products, p)
						return p.object(), nil
					},
					"addCategory": func(_ map[string]any, args map[string]any) (any, error) {
						return s.addCategory(args)
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				"Product": func(rep map[string]any) (any, error) {
					s.mu.Lock()
					defer s.mu.Unlock()
					id, _ := rep["id"].(string)
					p, ok := s.findProduct(id)
					if !ok {
						return nil, nil
					}
					s.deleteProduct(p.id)
					return p.object(), nil
				},
				"Category": func(rep map[string]any) (any, error) {
					s.mu.Lock()
					defer s.mu.Unlock()
					id, _ := rep["id"].(string)
					c, ok := s.findCategory(id)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": c.id}, nil
				},
			},
		}

		b := &subgraph.Subgraph{
			Name: "b",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Mutation": {
					"delete": func(_ map[string]any, args map[string]any) (any, error) {
						s.mu.Lock()
						defer s.mu.Unlock()
						requestID, _ := args["requestId"].(string)
						n := s.numbers[requestID]
						delete(s.numbers, requestID)
						return n, nil
					},
					"addCategory": func(_ map[string]any, args map[string]any) (any, error) {
						return s.addCategory(args)
					},
				},
				"Product": {
					"isExpensive": func(parent map[string]any, _ map[string]any) (any, error) {
						price, ok := parent["price"].(float64)
						if !ok {
							return nil, errors.New("Price is not available")
						}
						return price > 100, nil
					},
				},
			},
			Entities: map[string]func(map[string]any) (any, error){
				// b answers from the store (not from the representation) and, like a, deletes
				// the product it resolved: a second entity call for it finds nothing.
				"Product": func(rep map[string]any) (any, error) {
					s.mu.Lock()
					defer s.mu.Unlock()
					id, _ := rep["id"].(string)
					p, ok := s.findProduct(id)
					if !ok {
						return nil, nil
					}
					s.deleteProduct(p.id)
					return map[string]any{"id": p.id, "isAvailable": true, "price": p.price}, nil
				},
				"Category": func(rep map[string]any) (any, error) {
					s.mu.Lock()
					defer s.mu.Unlock()
					id, _ := rep["id"].(string)
					c, ok := s.findCategory(id)
					if !ok {
						return nil, nil
					}
					return map[string]any{"id": c.id, "name": c.name}, nil
				},
			},
		}

		c := &subgraph.Subgraph{
			Name: "c",
			Resolvers: map[string]map[string]subgraph.Resolver{
				"Mutation": {
					"add": func(_ map[string]any, args map[string]any) (any, error) {
						s.mu.Lock()
						defer s.mu.Unlock()
						requestID, _ := args["requestId"].(string)
						num, _ := args["num"].(int)
						sum := s.numbers[requestID] + num
						s.numbers[requestID] = sum
						return sum, nil
					},
				},
			},
		}
		return &subgraph.Suite{Name: "mutations", Subgraphs: []*subgraph.Subgraph{a, b, c}}
	})
}
