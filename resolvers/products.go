package resolvers

import (
	"context"
	"errors"
	"fmt"

	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// API products, plans and subscriptions (schema/products.graphqls). Consumers see the
// published products and manage their own clients' subscriptions; owners write products
// and plans and decide on subscriptions. What a subscription gives a client is the
// gateway's business: it reads store.ActiveSubscriptions.

func (q queries) Products(ctx context.Context) ([]*store.Product, error) {
	products, err := q.Registry.Store().Products(ctx, !callerFrom(ctx).has(model.RoleOwner))
	return pointers(products), err
}

func (q queries) Product(ctx context.Context, slug string) (*store.Product, error) {
	p, err := orNil(q.Registry.Store().Product(ctx, slug))
	if p != nil && !p.Published && !callerFrom(ctx).has(model.RoleOwner) {
		return nil, nil // a draft is not there for developers
	}
	return p, err
}

func (q queries) Subscriptions(ctx context.Context, status *store.SubscriptionStatus, mine *bool) ([]*store.Subscription, error) {
	query := store.SubscriptionQuery{Status: deref(status)}
	if !callerFrom(ctx).has(model.RoleOwner) || deref(mine) {
		ids, err := q.ownClientIDs(ctx)
		if err != nil {
			return nil, err
		}
		query.ClientIDs = ids
	}
	subs, err := q.Registry.Store().Subscriptions(ctx, query)
	return pointers(subs), err
}

// ownClientIDs lists the IDs of the API clients the caller registered: never nil, so
// that a caller with none sees no subscription rather than every one.
func (r *Resolver) ownClientIDs(ctx context.Context) ([]string, error) {
	ids := []string{}
	if r.Issuer == nil {
		return ids, nil
	}
	clients, err := r.Issuer.ClientsOwnedBy(ctx, callerFrom(ctx).subject())
	for _, c := range clients {
		ids = append(ids, c.ID)
	}
	return ids, err
}

func (m mutations) SaveProduct(ctx context.Context, in model.SaveProductInput) (*store.Product, error) {
	p, err := m.Registry.Store().SaveProduct(ctx, store.Product{ID: int64(deref(in.ID)), Slug: in.Slug, Name: in.Name,
		Description: deref(in.Description), IncludeTags: in.IncludeTags, ExcludeTags: in.ExcludeTags, Published: deref(in.Published)})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (m mutations) DeleteProduct(ctx context.Context, id int) (bool, error) {
	if err := m.Registry.Store().DeleteProduct(ctx, int64(id)); err != nil {
		return false, err
	}
	return true, nil
}

func (m mutations) SavePlan(ctx context.Context, in model.SavePlanInput) (*store.Plan, error) {
	p, err := m.Registry.Store().SavePlan(ctx, store.Plan{ID: int64(deref(in.ID)), ProductID: int64(in.ProductID), Name: in.Name,
		RequestsPerMinute: deref(in.RequestsPerMinute), RequestsPerDay: deref(in.RequestsPerDay), AutoApprove: deref(in.AutoApprove)})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (m mutations) DeletePlan(ctx context.Context, id int) (bool, error) {
	if err := m.Registry.Store().DeletePlan(ctx, int64(id)); err != nil {
		return false, err
	}
	return true, nil
}

func (m mutations) Subscribe(ctx context.Context, clientID string, planID int) (*store.Subscription, error) {
	iss, err := m.issuer()
	if err != nil {
		return nil, err
	}
	if _, err := ownClient(ctx, iss, clientID); err != nil {
		return nil, err
	}
	st := m.Registry.Store()
	plan, err := st.Plan(ctx, int64(planID))
	if err != nil {
		return nil, err
	}
	product, err := st.ProductByID(ctx, plan.ProductID)
	if err != nil {
		return nil, err
	}
	c := callerFrom(ctx)
	if !product.Published && !c.has(model.RoleOwner) {
		// As absent as a plan that does not exist: drafts are for owners.
		return nil, fmt.Errorf("plan %d: %w", planID, store.ErrNotFound)
	}
	sub, err := st.Subscribe(ctx, clientID, product.ID, plan.ID, c.subject())
	if err != nil {
		return nil, err
	}
	return &sub, nil
}

func (m mutations) CancelSubscription(ctx context.Context, id int) (*store.Subscription, error) {
	st := m.Registry.Store()
	sub, err := st.Subscription(ctx, int64(id))
	if err != nil {
		return nil, err
	}
	if !callerFrom(ctx).has(model.RoleOwner) {
		iss, err := m.issuer()
		if err != nil {
			return nil, err
		}
		if _, err := ownClient(ctx, iss, sub.ClientID); errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("subscription %d: %w", id, store.ErrNotFound) // as if absent
		} else if err != nil {
			return nil, err
		}
	}
	sub, err = st.SetSubscriptionStatus(ctx, sub.ID, store.SubscriptionCancelled)
	if err != nil {
		return nil, err
	}
	return &sub, nil
}

func (m mutations) SetSubscriptionStatus(ctx context.Context, id int, status store.SubscriptionStatus) (*store.Subscription, error) {
	if status != store.SubscriptionActive && status != store.SubscriptionRejected {
		return nil, &store.ValidationError{Field: "status", Message: fmt.Sprintf("%s: decide with ACTIVE (approve) or REJECTED; cancel with cancelSubscription", status)}
	}
	sub, err := m.Registry.Store().SetSubscriptionStatus(ctx, int64(id), status)
	if err != nil {
		return nil, err
	}
	return &sub, nil
}

func (r *Resolver) Product() graph.ProductResolver { return products{r} }

func (r *Resolver) ProductSubscription() graph.ProductSubscriptionResolver {
	return subscriptions{r}
}

type products struct{ *Resolver }

func (p products) Plans(ctx context.Context, product *store.Product) ([]*store.Plan, error) {
	plans, err := p.Registry.Store().Plans(ctx, product.ID)
	return pointers(plans), err
}

type subscriptions struct{ *Resolver }

func (s subscriptions) ClientName(ctx context.Context, sub *store.Subscription) (string, error) {
	c, err := s.Registry.Store().OAuthClient(ctx, sub.ClientID)
	switch {
	case errors.Is(err, store.ErrNotFound): // deleted since: its subscription goes with it
		return sub.ClientID, nil
	case err != nil:
		return "", err
	}
	return firstOf(c.Name, c.ID), nil
}

func (s subscriptions) Product(ctx context.Context, sub *store.Subscription) (*store.Product, error) {
	p, err := s.Registry.Store().ProductByID(ctx, sub.ProductID)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (s subscriptions) Plan(ctx context.Context, sub *store.Subscription) (*store.Plan, error) {
	p, err := s.Registry.Store().Plan(ctx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (subscriptions) RequestedBy(_ context.Context, sub *store.Subscription) (string, error) {
	return firstOf(sub.RequestedBy, "admin"), nil
}
