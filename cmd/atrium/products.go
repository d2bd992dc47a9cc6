package main

import (
	"context"
	"time"

	"github.com/atrium-gateway/atrium/federation/contract"
	"github.com/atrium-gateway/atrium/gateway/products"
	"github.com/atrium-gateway/atrium/registry/store"
)

// productSource reads the API products' subscriptions and the clients' traffic from the
// registry, for gateway/products.
type productSource struct{ st *store.Store }

func (s productSource) Subscriptions(ctx context.Context) ([]products.Subscription, error) {
	active, err := s.st.ActiveSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]products.Subscription, len(active))
	for i, a := range active {
		out[i] = products.Subscription{ClientID: a.ClientID, Product: a.Product.Slug, Include: a.Product.IncludeTags,
			Exclude: a.Product.ExcludeTags, PerMinute: a.Plan.RequestsPerMinute, PerDay: a.Plan.RequestsPerDay}
	}
	return out, nil
}

func (s productSource) Changed(ctx context.Context) (time.Time, error) {
	return s.st.ProductsChanged(ctx)
}

func (s productSource) RequestsSince(ctx context.Context, since time.Time) (map[string]int64, error) {
	return s.st.ClientRequestsSince(ctx, since)
}

// productContract is a product's part of the graph: the supergraph filtered by its tags,
// without the types no longer reachable.
func productContract(sdl string, include, exclude []string) (string, error) {
	return contract.Build(sdl, contract.Filter{Include: include, Exclude: exclude, HideUnreachableTypes: true})
}
