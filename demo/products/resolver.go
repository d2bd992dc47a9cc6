package products

import (
	"context"
	"fmt"
	"strings"

	"github.com/atrium-gateway/atrium/demo/products/graph"
	"github.com/atrium-gateway/atrium/demo/products/graph/model"
)

// defaultFirst is topProducts' page size when `first` is null.
const defaultFirst = 5

type resolver struct{ catalogue *catalogue }

var _ graph.ResolverRoot = (*resolver)(nil)

func (r *resolver) Entity() graph.EntityResolver     { return entityResolver{r} }
func (r *resolver) Mutation() graph.MutationResolver { return mutationResolver{r} }
func (r *resolver) Query() graph.QueryResolver       { return queryResolver{r} }

type entityResolver struct{ *resolver }

// FindProductByUpc resolves a Product representation; an unknown upc resolves to null.
func (r entityResolver) FindProductByUpc(_ context.Context, upc string) (*model.Product, error) {
	return r.catalogue.find(upc), nil
}

type mutationResolver struct{ *resolver }

func (r mutationResolver) CreateProduct(
	_ context.Context, upc, name string, price, weight int,
) (*model.Product, error) {
	var problems []string
	if upc == "" {
		problems = append(problems, "upc must not be empty")
	}
	if price < 0 {
		problems = append(problems, fmt.Sprintf("price must be >= 0, got %d", price))
	}
	if weight < 0 {
		problems = append(problems, fmt.Sprintf("weight must be >= 0, got %d", weight))
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("createProduct: %s", strings.Join(problems, "; "))
	}
	return r.catalogue.add(product{upc: upc, name: name, price: price, weight: weight})
}

type queryResolver struct{ *resolver }

func (r queryResolver) TopProducts(_ context.Context, first *int) ([]*model.Product, error) {
	n := defaultFirst
	if first != nil {
		n = *first
	}
	if n < 0 {
		return nil, fmt.Errorf("topProducts: first must be >= 0, got %d", n)
	}
	return r.catalogue.first(n), nil
}

func (r queryResolver) Product(_ context.Context, upc string) (*model.Product, error) {
	return r.catalogue.find(upc), nil
}
