package inventory

import (
	"context"

	"github.com/atrium-gateway/atrium/demo/inventory/graph"
	"github.com/atrium-gateway/atrium/demo/inventory/graph/model"
)

// inStock is the stock of the nine seed products of the products subgraph, by upc.
var inStock = map[string]bool{
	"1": true, "2": false, "3": false, "4": false, "5": true,
	"6": true, "7": true, "8": false, "9": true,
}

// freeShippingAbove is the price above which shipping is free.
const freeShippingAbove = 1000

type resolver struct{}

var _ graph.ResolverRoot = (*resolver)(nil)

func (r *resolver) Entity() graph.EntityResolver   { return entityResolver{} }
func (r *resolver) Product() graph.ProductResolver { return productResolver{} }

type entityResolver struct{}

// FindProductByUpc resolves any upc; inStock is null for one this subgraph does not track.
// It must never return a nil product: the generated code then copies the representation's
// price and weight into it.
func (entityResolver) FindProductByUpc(_ context.Context, upc string) (*model.Product, error) {
	p := &model.Product{Upc: upc}
	if s, ok := inStock[upc]; ok {
		p.InStock = &s
	}
	return p, nil
}

type productResolver struct{}

// ShippingEstimate reads the price and weight received in the representation: free above
// freeShippingAbove, else half the weight; null when what it needs is missing.
func (productResolver) ShippingEstimate(_ context.Context, obj *model.Product) (*int, error) {
	if obj.Price == nil {
		return nil, nil
	}
	if *obj.Price > freeShippingAbove {
		return new(0), nil
	}
	if obj.Weight == nil {
		return nil, nil
	}
	return new(*obj.Weight / 2), nil
}
