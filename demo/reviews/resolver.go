package reviews

import (
	"context"
	"fmt"

	"github.com/atrium-gateway/atrium/demo/reviews/graph"
	"github.com/atrium-gateway/atrium/demo/reviews/graph/model"
)

// defaultFirst is topReviews' page size when `first` is null.
const defaultFirst = 5

type resolver struct{}

var _ graph.ResolverRoot = (*resolver)(nil)

func (r *resolver) Entity() graph.EntityResolver   { return entityResolver{} }
func (r *resolver) Product() graph.ProductResolver { return productResolver{} }
func (r *resolver) Query() graph.QueryResolver     { return queryResolver{} }
func (r *resolver) User() graph.UserResolver       { return userResolver{} }

type entityResolver struct{}

// FindProductByUpc resolves any upc: a product nobody reviewed has no reviews.
func (entityResolver) FindProductByUpc(_ context.Context, upc string) (*model.Product, error) {
	return &model.Product{Upc: upc}, nil
}

// FindReviewByID resolves a Review representation; an unknown id resolves to null.
func (entityResolver) FindReviewByID(_ context.Context, id string) (*model.Review, error) {
	for _, r := range reviews {
		if r.id == id {
			return r.model(), nil
		}
	}
	return nil, nil
}

// FindUserByID resolves any id: a user who wrote nothing has no reviews. The username is
// left null: this subgraph provides it only on Review.author.
func (entityResolver) FindUserByID(_ context.Context, id string) (*model.User, error) {
	return &model.User{ID: id}, nil
}

type productResolver struct{}

func (productResolver) Reviews(_ context.Context, obj *model.Product) ([]*model.Review, error) {
	return reviewsWhere(func(r review) bool { return r.upc == obj.Upc }), nil
}

type queryResolver struct{}

func (queryResolver) Reviews(context.Context) ([]*model.Review, error) {
	return reviewsWhere(func(review) bool { return true }), nil
}

func (queryResolver) TopReviews(_ context.Context, first *int) ([]*model.Review, error) {
	n := defaultFirst
	if first != nil {
		n = *first
	}
	if n < 0 {
		return nil, fmt.Errorf("topReviews: first must be >= 0, got %d", n)
	}
	all := reviewsWhere(func(review) bool { return true })
	return all[:min(n, len(all))], nil
}

type userResolver struct{}

func (userResolver) Reviews(_ context.Context, obj *model.User) ([]*model.Review, error) {
	return reviewsWhere(func(r review) bool { return r.authorID == obj.ID }), nil
}
