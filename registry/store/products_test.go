package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// apiClient registers a confidential API client of owner.
func apiClient(t *testing.T, s *store.Store, id, owner string) {
	t.Helper()
	require.NoError(t, s.CreateOAuthClient(t.Context(), store.OAuthClient{ID: id, Name: id, SecretHash: "00", Owner: owner,
		GrantTypes: []string{"client_credentials"}}))
}

// changed returns when the products last changed, and checks it moved on since before.
func changed(t *testing.T, s *store.Store, before time.Time) time.Time {
	t.Helper()
	at, err := s.ProductsChanged(t.Context())
	require.NoError(t, err)
	require.True(t, at.After(before), "ProductsChanged moved on: %v, then %v", before, at)
	return at
}

// requireRefused asserts err is one *ValidationError on field.
func requireRefused(t *testing.T, err error, field, message string) {
	t.Helper()
	var invalid *store.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, field, invalid.Field)
	assert.Contains(t, invalid.Message, message)
}

func TestProductsPlansAndSubscriptions(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		stamp, err := s.ProductsChanged(ctx)
		require.NoError(t, err)
		assert.True(t, stamp.IsZero(), "nothing changed yet")

		// A product: name and description trimmed, tags sorted once each; what Save
		// returns is what is stored.
		reviews, err := s.SaveProduct(ctx, store.Product{Slug: "reviews-api", Name: "  Reviews API ",
			Description: "Read reviews.\r\nWrite them, soon.\n", IncludeTags: []string{"public", "partner", "public"}, ExcludeTags: []string{"internal"}})
		require.NoError(t, err)
		require.NotZero(t, reviews.ID)
		assert.Equal(t, "Reviews API", reviews.Name)
		assert.Equal(t, "Read reviews.\nWrite them, soon.", reviews.Description)
		assert.Equal(t, []string{"partner", "public"}, reviews.IncludeTags)
		assert.Equal(t, []string{"internal"}, reviews.ExcludeTags)
		assert.False(t, reviews.Published)
		assert.Equal(t, reviews.CreatedAt, reviews.UpdatedAt)
		stamp = changed(t, s, stamp)
		assert.Equal(t, stamp, reviews.UpdatedAt, "the change's time is the product's")
		got, err := s.Product(ctx, "reviews-api")
		require.NoError(t, err)
		assert.Equal(t, reviews, got)
		got, err = s.ProductByID(ctx, reviews.ID)
		require.NoError(t, err)
		assert.Equal(t, reviews, got)

		everything, err := s.SaveProduct(ctx, store.Product{Slug: "everything", Name: "Everything", Published: true})
		require.NoError(t, err)
		assert.Empty(t, everything.IncludeTags)
		stamp = changed(t, s, stamp)

		// Drafts are left out of the published list; lists sort by name.
		names := func(publishedOnly bool) []string {
			t.Helper()
			products, err := s.Products(ctx, publishedOnly)
			require.NoError(t, err)
			out := []string{}
			for _, p := range products {
				out = append(out, p.Name)
			}
			return out
		}
		assert.Equal(t, []string{"Everything"}, names(true))
		assert.Equal(t, []string{"Everything", "Reviews API"}, names(false))

		// Publishing keeps the creation time.
		reviews.Published = true
		published, err := s.SaveProduct(ctx, reviews)
		require.NoError(t, err)
		assert.Equal(t, reviews.CreatedAt, published.CreatedAt)
		assert.True(t, published.UpdatedAt.After(reviews.UpdatedAt))
		reviews = published
		stamp = changed(t, s, stamp)
		assert.Equal(t, []string{"Everything", "Reviews API"}, names(true))

		// Plans, in the order they were created.
		free, err := s.SavePlan(ctx, store.Plan{ProductID: reviews.ID, Name: "Free", RequestsPerMinute: 60, RequestsPerDay: 1000})
		require.NoError(t, err)
		stamp = changed(t, s, stamp)
		open, err := s.SavePlan(ctx, store.Plan{ProductID: reviews.ID, Name: "Open", AutoApprove: true})
		require.NoError(t, err)
		stamp = changed(t, s, stamp)
		plans, err := s.Plans(ctx, reviews.ID)
		require.NoError(t, err)
		assert.Equal(t, []store.Plan{free, open}, plans)
		got2, err := s.Plan(ctx, free.ID)
		require.NoError(t, err)
		assert.Equal(t, free, got2)
		all, err := s.SavePlan(ctx, store.Plan{ProductID: everything.ID, Name: "Free", RequestsPerDay: 10}) // names are per product
		require.NoError(t, err)

		// Subscriptions: PENDING unless the plan approves itself.
		apiClient(t, s, "client-a", "dev")
		apiClient(t, s, "client-b", "dev")
		apiClient(t, s, "client-c", "eve")
		a, err := s.Subscribe(ctx, "client-a", reviews.ID, free.ID, "dev")
		require.NoError(t, err)
		assert.Equal(t, store.SubscriptionPending, a.Status)
		assert.Equal(t, "dev", a.RequestedBy)
		stamp = changed(t, s, stamp)
		gotSub, err := s.Subscription(ctx, a.ID)
		require.NoError(t, err)
		assert.Equal(t, a, gotSub)
		b, err := s.Subscribe(ctx, "client-b", reviews.ID, open.ID, "dev")
		require.NoError(t, err)
		assert.Equal(t, store.SubscriptionActive, b.Status)
		stamp = changed(t, s, stamp)
		c, err := s.Subscribe(ctx, "client-c", everything.ID, all.ID, "eve")
		require.NoError(t, err)
		assert.Equal(t, store.SubscriptionPending, c.Status)
		_, err = s.SetSubscriptionStatus(ctx, c.ID, store.SubscriptionActive)
		require.NoError(t, err)
		stamp = changed(t, s, stamp)

		// Subscribing again to the same plan changes nothing.
		again, err := s.Subscribe(ctx, "client-a", reviews.ID, free.ID, "someone")
		require.NoError(t, err)
		assert.Equal(t, a, again)
		unchanged, err := s.ProductsChanged(ctx)
		require.NoError(t, err)
		assert.Equal(t, stamp, unchanged)

		// The gateway's read: ACTIVE subscriptions with product and plan.
		active, err := s.ActiveSubscriptions(ctx)
		require.NoError(t, err)
		assert.Equal(t, []store.ActiveSubscription{
			{ClientID: "client-b", Product: reviews, Plan: open},
			{ClientID: "client-c", Product: everything, Plan: all},
		}, active)

		// An owner approves a; approving twice is no change; a decided one stays decided.
		a, err = s.SetSubscriptionStatus(ctx, a.ID, store.SubscriptionActive)
		require.NoError(t, err)
		assert.Equal(t, store.SubscriptionActive, a.Status)
		stamp = changed(t, s, stamp)
		assert.Equal(t, stamp, a.UpdatedAt)
		same, err := s.SetSubscriptionStatus(ctx, a.ID, store.SubscriptionActive)
		require.NoError(t, err)
		assert.Equal(t, a, same)
		_, err = s.SetSubscriptionStatus(ctx, a.ID, store.SubscriptionRejected)
		requireRefused(t, err, "status", "the subscription is ACTIVE: only a PENDING one can be approved or rejected")
		_, err = s.SetSubscriptionStatus(ctx, a.ID, store.SubscriptionPending)
		requireRefused(t, err, "status", "subscribe again")
		_, err = s.SetSubscriptionStatus(ctx, 999, store.SubscriptionActive)
		require.ErrorIs(t, err, store.ErrNotFound)

		// New limits apply to the plan's subscriptions at once.
		free.RequestsPerMinute = 120
		free, err = s.SavePlan(ctx, free)
		require.NoError(t, err)
		stamp = changed(t, s, stamp)
		active, err = s.ActiveSubscriptions(ctx)
		require.NoError(t, err)
		require.Len(t, active, 3)
		assert.Equal(t, store.ActiveSubscription{ClientID: "client-a", Product: reviews, Plan: free}, active[0])

		// Filters.
		ids := func(q store.SubscriptionQuery) []string {
			t.Helper()
			subs, err := s.Subscriptions(ctx, q)
			require.NoError(t, err)
			out := []string{}
			for _, sub := range subs {
				out = append(out, sub.ClientID)
			}
			return out
		}
		assert.Equal(t, []string{"client-a", "client-b", "client-c"}, ids(store.SubscriptionQuery{}), "oldest first")
		assert.Equal(t, []string{"client-a", "client-b"}, ids(store.SubscriptionQuery{ProductID: reviews.ID}))
		assert.Equal(t, []string{"client-c"}, ids(store.SubscriptionQuery{ClientIDs: []string{"client-c", "client-z"}}))
		assert.Empty(t, ids(store.SubscriptionQuery{ClientIDs: []string{}}), "no clients, no subscriptions")
		assert.Equal(t, []string{"client-a"}, ids(store.SubscriptionQuery{ProductID: reviews.ID, Status: store.SubscriptionActive, ClientIDs: []string{"client-a", "client-c"}}))
		_, err = s.Subscriptions(ctx, store.SubscriptionQuery{Status: "LIVE"})
		requireRefused(t, err, "status", `"LIVE" is not`)

		// A product or plan with live subscriptions stays; cancelled ones do not hold it.
		requireRefused(t, s.DeleteProduct(ctx, reviews.ID), "id", "the product has 2 pending or active subscriptions")
		requireRefused(t, s.DeletePlan(ctx, open.ID), "id", "the plan has 1 pending or active subscriptions")
		b, err = s.SetSubscriptionStatus(ctx, b.ID, store.SubscriptionCancelled)
		require.NoError(t, err)
		assert.Equal(t, store.SubscriptionCancelled, b.Status)
		_, err = s.SetSubscriptionStatus(ctx, b.ID, store.SubscriptionActive)
		requireRefused(t, err, "status", "the subscription is CANCELLED")
		stamp = changed(t, s, stamp)
		require.NoError(t, s.DeletePlan(ctx, open.ID))
		stamp = changed(t, s, stamp)
		_, err = s.Subscription(ctx, b.ID)
		require.ErrorIs(t, err, store.ErrNotFound, "the cancelled subscription went with its plan")
		require.ErrorIs(t, s.DeletePlan(ctx, open.ID), store.ErrNotFound)

		// Subscribing elsewhere replaces the client's subscription.
		moved, err := s.Subscribe(ctx, "client-a", everything.ID, all.ID, "dev")
		require.NoError(t, err)
		assert.NotEqual(t, a.ID, moved.ID)
		assert.Equal(t, store.SubscriptionPending, moved.Status, "the new plan wants an approval")
		stamp = changed(t, s, stamp)
		assert.Equal(t, []string{"client-c", "client-a"}, ids(store.SubscriptionQuery{ProductID: everything.ID}), "a new subscription is the newest")
		assert.Empty(t, ids(store.SubscriptionQuery{ProductID: reviews.ID}))
		rejected, err := s.SetSubscriptionStatus(ctx, moved.ID, store.SubscriptionRejected)
		require.NoError(t, err)
		assert.Equal(t, store.SubscriptionRejected, rejected.Status)
		stamp = changed(t, s, stamp)

		require.NoError(t, s.DeleteProduct(ctx, reviews.ID))
		stamp = changed(t, s, stamp)
		_, err = s.Product(ctx, "reviews-api")
		require.ErrorIs(t, err, store.ErrNotFound)
		_, err = s.Plan(ctx, free.ID)
		require.ErrorIs(t, err, store.ErrNotFound, "plans go with their product")
		require.ErrorIs(t, s.DeleteProduct(ctx, reviews.ID), store.ErrNotFound)

		// Deleting a client deletes its subscription, which is a change.
		require.NoError(t, s.DeleteOAuthClient(ctx, "client-c"))
		changed(t, s, stamp)
		active, err = s.ActiveSubscriptions(ctx)
		require.NoError(t, err)
		assert.Empty(t, active)
		assert.Equal(t, []string{"client-a"}, ids(store.SubscriptionQuery{}))
	})
}

func TestProductsRefuseBadInput(t *testing.T) {
	t.Parallel()
	s := openStore(t, storetest.SQLite(t))
	ctx := t.Context()

	_, err := s.SaveProduct(ctx, store.Product{Slug: "9lives", Name: " ", Description: "bell\a",
		IncludeTags: []string{"ok", "not ok", "-dash"}, ExcludeTags: []string{"ok"}})
	requireInvalid(t, err, "slug", "name", "description", "includeTags[1]", "includeTags[2]", "excludeTags")
	_, err = s.SaveProduct(ctx, store.Product{Slug: strings.Repeat("a", 41), Name: strings.Repeat("é", store.MaxProductNameChars+1),
		Description: strings.Repeat("x", store.MaxProductDescriptionChars+1), ExcludeTags: make([]string, store.MaxProductTags+1)})
	requireInvalid(t, err, "slug", "name", "description", "excludeTags")
	_, err = s.SaveProduct(ctx, store.Product{Slug: "Upper", Name: "two\nlines", IncludeTags: []string{strings.Repeat("t", store.MaxTagBytes+1)}})
	requireInvalid(t, err, "slug", "name", "includeTags[0]")

	p, err := s.SaveProduct(ctx, store.Product{Slug: strings.Repeat("a", 40), Name: strings.Repeat("é", store.MaxProductNameChars),
		Description: strings.Repeat("x", store.MaxProductDescriptionChars), IncludeTags: []string{"_a", "A.b:c-d_9"}})
	require.NoError(t, err, "exactly the limits")
	_, err = s.SaveProduct(ctx, store.Product{Slug: p.Slug, Name: "Another"})
	requireInvalid(t, err, "slug")
	_, err = s.SaveProduct(ctx, store.Product{ID: 999, Slug: "ghost", Name: "Ghost"})
	require.ErrorIs(t, err, store.ErrNotFound)

	_, err = s.SavePlan(ctx, store.Plan{ProductID: p.ID, Name: "", RequestsPerMinute: -1, RequestsPerDay: store.MaxPlanRequests + 1})
	requireInvalid(t, err, "name", "requestsPerMinute", "requestsPerDay")
	_, err = s.SavePlan(ctx, store.Plan{Name: strings.Repeat("x", store.MaxPlanNameChars+1)})
	requireInvalid(t, err, "name", "productID")
	_, err = s.SavePlan(ctx, store.Plan{ProductID: 999, Name: "Free"})
	require.ErrorIs(t, err, store.ErrNotFound)
	free, err := s.SavePlan(ctx, store.Plan{ProductID: p.ID, Name: "Free", RequestsPerMinute: store.MaxPlanRequests})
	require.NoError(t, err)
	_, err = s.SavePlan(ctx, store.Plan{ProductID: p.ID, Name: "Free"})
	requireInvalid(t, err, "name")
	_, err = s.SavePlan(ctx, store.Plan{ID: 999, ProductID: p.ID, Name: "Ghost"})
	require.ErrorIs(t, err, store.ErrNotFound)
	other, err := s.SaveProduct(ctx, store.Product{Slug: "other", Name: "Other"})
	require.NoError(t, err)
	free.ProductID = other.ID
	_, err = s.SavePlan(ctx, free)
	requireRefused(t, err, "productID", "a plan cannot move to another product")

	// Subscribing needs a client, and a plan of the product named.
	apiClient(t, s, "client-a", "dev")
	_, err = s.Subscribe(ctx, "nobody", p.ID, free.ID, "dev")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.Subscribe(ctx, "client-a", other.ID, free.ID, "dev")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.Subscribe(ctx, "client-a", p.ID, 999, "dev")
	require.ErrorIs(t, err, store.ErrNotFound)
	subs, err := s.Subscriptions(ctx, store.SubscriptionQuery{})
	require.NoError(t, err)
	assert.Empty(t, subs)
	stamp, err := s.ProductsChanged(ctx)
	require.NoError(t, err)
	_, err = s.SaveProduct(ctx, store.Product{Slug: "x", Name: ""})
	require.Error(t, err)
	after, err := s.ProductsChanged(ctx)
	require.NoError(t, err)
	assert.Equal(t, stamp, after, "a refused write changes nothing")
}

// TestSubscriptionsConcurrently: writers on several connections (processes, on
// PostgreSQL) neither deadlock nor lose a change, and each change moves ProductsChanged.
func TestSubscriptionsConcurrently(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		other := openStore(t, dsn) // another instance on the same database
		ctx := t.Context()
		p, err := s.SaveProduct(ctx, store.Product{Slug: "p", Name: "P", Published: true})
		require.NoError(t, err)
		plan, err := s.SavePlan(ctx, store.Plan{ProductID: p.ID, Name: "Auto", AutoApprove: true})
		require.NoError(t, err)
		before, err := s.ProductsChanged(ctx)
		require.NoError(t, err)
		const n = 8
		for i := range n {
			apiClient(t, s, fmt.Sprintf("client-%d", i), "dev")
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			st := s
			if i%2 == 1 {
				st = other
			}
			wg.Go(func() {
				id := fmt.Sprintf("client-%d", i)
				sub, err := st.Subscribe(ctx, id, p.ID, plan.ID, "dev")
				if err == nil && i%4 == 0 {
					_, err = st.SetSubscriptionStatus(ctx, sub.ID, store.SubscriptionCancelled)
				}
				if err == nil && i%4 == 1 {
					err = st.DeleteOAuthClient(ctx, id)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
		active, err := other.ActiveSubscriptions(context.Background())
		require.NoError(t, err)
		assert.Len(t, active, n/2)
		changed(t, other, before)
	})
}
