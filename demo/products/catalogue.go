package products

import (
	"fmt"
	"sync"

	"github.com/atrium-gateway/atrium/demo/products/graph/model"
)

// product is one row of the catalogue. Prices are in cents, weights in grams.
type product struct {
	upc, name     string
	price, weight int
}

var seed = []product{
	{upc: "1", name: "Table", price: 899, weight: 100},
	{upc: "2", name: "Couch", price: 1299, weight: 1000},
	{upc: "3", name: "Glass", price: 15, weight: 20},
	{upc: "4", name: "Chair", price: 499, weight: 100},
	{upc: "5", name: "TV", price: 1299, weight: 1000},
	{upc: "6", name: "Lamp", price: 6999, weight: 300},
	{upc: "7", name: "Grill", price: 3999, weight: 2000},
	{upc: "8", name: "Fridge", price: 100000, weight: 6000},
	{upc: "9", name: "Sofa", price: 9999, weight: 800},
}

// catalogue is the in-memory product store, safe for concurrent use. Reads return fresh
// models, so callers may keep them.
type catalogue struct {
	mu    sync.RWMutex
	rows  []product // in insertion order
	byUPC map[string]int
}

func newCatalogue() *catalogue {
	c := &catalogue{byUPC: make(map[string]int, len(seed))}
	for _, p := range seed {
		c.byUPC[p.upc] = len(c.rows)
		c.rows = append(c.rows, p)
	}
	return c
}

// find returns the product with the given upc, or nil.
func (c *catalogue) find(upc string) *model.Product {
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, ok := c.byUPC[upc]
	if !ok {
		return nil
	}
	return c.rows[i].model()
}

// first returns the first n products in insertion order (all of them if there are fewer).
func (c *catalogue) first(n int) []*model.Product {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n = min(n, len(c.rows))
	out := make([]*model.Product, n)
	for i := range n {
		out[i] = c.rows[i].model()
	}
	return out
}

// add appends p, failing if its upc is already taken.
func (c *catalogue) add(p product) (*model.Product, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byUPC[p.upc]; ok {
		return nil, fmt.Errorf("createProduct: a product with upc %q already exists", p.upc)
	}
	c.byUPC[p.upc] = len(c.rows)
	c.rows = append(c.rows, p)
	return p.model(), nil
}

func (p product) model() *model.Product {
	return &model.Product{Upc: p.upc, Name: &p.name, Price: &p.price, Weight: &p.weight}
}
