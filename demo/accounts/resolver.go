package accounts

import (
	"context"
	"errors"

	"github.com/atrium-gateway/atrium/demo/accounts/graph"
	"github.com/atrium-gateway/atrium/demo/accounts/graph/model"
)

// errNameUnavailable is what User.name of user u6 always returns.
var errNameUnavailable = errors.New("name unavailable")

type resolver struct{}

var _ graph.ResolverRoot = (*resolver)(nil)

func (r *resolver) Entity() graph.EntityResolver { return entityResolver{} }
func (r *resolver) Query() graph.QueryResolver   { return queryResolver{} }
func (r *resolver) User() graph.UserResolver     { return userResolver{} }

type entityResolver struct{}

// FindUserByID resolves a User representation; an unknown id resolves to null.
func (entityResolver) FindUserByID(_ context.Context, id string) (*model.User, error) {
	return findUser(id), nil
}

type queryResolver struct{}

func (queryResolver) Me(context.Context) (*model.User, error) { return findUser(meID), nil }

func (queryResolver) User(_ context.Context, id string) (*model.User, error) {
	return findUser(id), nil
}

func (queryResolver) Users(context.Context) ([]*model.User, error) {
	out := make([]*model.User, len(users))
	for i, u := range users {
		out[i] = u.model()
	}
	return out, nil
}

type userResolver struct{}

func (userResolver) Name(_ context.Context, obj *model.User) (*string, error) {
	if obj.ID == brokenNameID {
		return nil, errNameUnavailable
	}
	return obj.Name, nil
}
