package resolvers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// Saved operations belong to the signed-in user (the token's subject); the admin token
// has none.

func (q queries) SavedOperations(ctx context.Context) ([]*store.SavedOperation, error) {
	ops, err := q.Registry.Store().SavedOperations(ctx, callerFrom(ctx).subject())
	return pointers(ops), err
}

func (m mutations) SaveOperation(ctx context.Context, in model.SaveOperationInput) (*store.SavedOperation, error) {
	op, err := m.Registry.Store().SaveOperation(ctx, store.SavedOperation{Owner: callerFrom(ctx).subject(),
		Name: in.Name, Query: in.Query, Variables: deref(in.Variables)})
	if err != nil {
		return nil, err
	}
	return &op, nil
}

func (m mutations) DeleteSavedOperation(ctx context.Context, id string) (bool, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return false, fmt.Errorf("saved operation %q: %w", id, store.ErrNotFound)
	}
	if err := m.Registry.Store().DeleteSavedOperation(ctx, callerFrom(ctx).subject(), n); err != nil {
		return false, err
	}
	return true, nil
}

func (r *Resolver) SavedOperation() graph.SavedOperationResolver { return savedOperations{} }

type savedOperations struct{}

func (savedOperations) ID(_ context.Context, op *store.SavedOperation) (string, error) {
	return strconv.FormatInt(op.ID, 10), nil
}
