package registry_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// demoSDL reads a demo subgraph's schema.
func demoSDL(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../demo/" + name + "/schema.graphqls")
	require.NoError(t, err)
	return string(b)
}

func demoInput(t *testing.T, name string, port int) registry.PublishInput {
	return registry.PublishInput{
		Name: name, URL: fmt.Sprintf("http://127.0.0.1:%d/graphql", port), SDL: demoSDL(t, name),
		Publisher: "test", Message: "publish " + name,
	}
}

func publishDemo(t *testing.T, r *registry.Registry) {
	t.Helper()
	for i, name := range []string{"accounts", "products", "reviews", "inventory"} {
		res, err := r.Publish(t.Context(), demoInput(t, name, 4001+i))
		require.NoError(t, err)
		require.Empty(t, res.Errors)
		require.True(t, res.Published, name)
		require.EqualValues(t, i+1, res.Version.ID)
	}
}

func TestPublishComposesAndRecordsVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		r := registry.New(storetest.Open(t, dsn))
		ctx := t.Context()
		publishDemo(t, r)

		cur, err := r.Store().Current(ctx)
		require.NoError(t, err)
		want, err := os.ReadFile("../demo/supergraph.graphql")
		require.NoError(t, err)
		assert.Equal(t, string(want), cur.SDL, "the registry composes the demo as Apollo does")
		assert.Len(t, cur.Subgraphs, 4)

		// Each version records what it changed for clients.
		v2, err := r.Store().Version(ctx, 2)
		require.NoError(t, err)
		changes, err := registry.Changes(v2)
		require.NoError(t, err)
		assert.Contains(t, codes(changes), "FIELD_ADDED Query.topProducts")

		// Publishing the same subgraph again records nothing.
		res, err := r.Publish(ctx, demoInput(t, "products", 4002))
		require.NoError(t, err)
		assert.True(t, res.Unchanged)
		assert.False(t, res.Published)
		assert.EqualValues(t, 4, res.Version.ID)

		// A new URL is a new version with no API change.
		res, err = r.Publish(ctx, demoInput(t, "products", 4102))
		require.NoError(t, err)
		assert.True(t, res.Published)
		assert.EqualValues(t, 5, res.Version.ID)
		assert.Empty(t, res.Changes)
		assert.Contains(t, res.Version.SDL, "http://127.0.0.1:4102/graphql")

		diff, err := r.Diff(ctx, 1, 4)
		require.NoError(t, err)
		assert.Contains(t, codes(diff), "TYPE_ADDED Product")
		_, err = r.Diff(ctx, 1, 99)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func codes(changes []registry.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.Code + " " + c.Coordinate
	}
	return out
}

func TestFailedCompositionNeverReplacesTheCurrentVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		r := registry.New(storetest.Open(t, dsn))
		ctx := t.Context()
		publishDemo(t, r)

		// products redefines a field of accounts without @shareable.
		bad := demoInput(t, "products", 4002)
		bad.SDL = strings.Replace(bad.SDL, "type Product @key", "type User @key(fields: \"id\") {\n  id: ID!\n  name: String\n}\n\ntype Product @key", 1)
		res, err := r.Publish(ctx, bad)
		require.NoError(t, err)
		require.False(t, res.Published)
		require.NotEmpty(t, res.Errors)
		assert.Equal(t, "INVALID_FIELD_SHARING", res.Errors[0].Code)
		assert.EqualValues(t, 4, res.Version.ID, "the result names the version still current")

		cur, err := r.Store().Current(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 4, cur.ID)
		sg, err := r.Store().Subgraph(ctx, "products")
		require.NoError(t, err)
		assert.Equal(t, demoSDL(t, "products"), sg.SDL, "the subgraph was not changed either")

		// Input the store refuses is refused before composing.
		_, err = r.Publish(ctx, registry.PublishInput{Name: "no good", URL: "ftp://x", SDL: " "})
		var invalid store.ValidationErrors
		require.ErrorAs(t, err, &invalid)
		assert.Len(t, invalid, 3)
	})
}

func TestDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		r := registry.New(storetest.Open(t, dsn))
		ctx := t.Context()
		publishDemo(t, r)

		res, err := r.Delete(ctx, "inventory", "test", "retire inventory")
		require.NoError(t, err)
		require.True(t, res.Published)
		assert.Contains(t, codes(res.Changes), "FIELD_REMOVED Product.inStock")
		subs, err := r.Store().Subgraphs(ctx)
		require.NoError(t, err)
		assert.Len(t, subs, 3)

		_, err = r.Delete(ctx, "inventory", "test", "")
		require.ErrorIs(t, err, store.ErrNotFound)

		// Deleting down to one subgraph works; the last one cannot go.
		for _, name := range []string{"reviews", "products"} {
			res, err := r.Delete(ctx, name, "test", "")
			require.NoError(t, err)
			require.Empty(t, res.Errors, name)
		}
		_, err = r.Delete(ctx, "accounts", "test", "")
		var invalid *store.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Contains(t, invalid.Message, "last subgraph")
	})
}

func TestCheckJudgesBreakingChangesByUsage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		r := registry.New(storetest.Open(t, dsn))
		ctx := t.Context()
		publishDemo(t, r)

		// A plain breaking change: Query.product goes away.
		next := strings.Replace(demoSDL(t, "products"), "  product(upc: String!): Product\n", "", 1)
		require.NotEqual(t, demoSDL(t, "products"), next)

		check, err := r.Check(ctx, registry.CheckInput{Name: "products", SDL: next})
		require.NoError(t, err)
		assert.True(t, check.Passed, "nobody used Query.product: reported, not blocking")
		require.Len(t, check.Changes, 1)
		assert.Equal(t, "FIELD_REMOVED", check.Changes[0].Code)
		assert.False(t, check.Changes[0].InUse)

		require.NoError(t, r.Store().RecordUsage(ctx, []store.UsageRecord{{
			Hash: "h1", Name: "ProductPage", Document: "query ProductPage{product(upc:\"\"){name}}",
			Coordinates: []string{"Query", "Query.product", "Query.product.upc", "Product", "Product.name"},
			Client:      "web", Count: 7,
		}}))
		check, err = r.Check(ctx, registry.CheckInput{Name: "products", SDL: next})
		require.NoError(t, err)
		assert.False(t, check.Passed, "a breaking change in use fails the check")
		require.Len(t, check.Changes, 1)
		c := check.Changes[0]
		assert.True(t, c.InUse)
		assert.Equal(t, 1, c.Operations)
		assert.EqualValues(t, 7, c.Requests)
		assert.Equal(t, []string{"ProductPage"}, c.OperationNames)

		// Outside the window the operation does not count.
		old := time.Now().Add(-30 * 24 * time.Hour)
		require.NoError(t, r.Store().RecordUsage(ctx, []store.UsageRecord{{
			Hash: "h2", Name: "Old", Coordinates: []string{"Query.topProducts"}, Count: 1, At: old,
		}}))
		drop := strings.Replace(demoSDL(t, "products"), "  topProducts(first: Int = 5): [Product!]!\n", "", 1)
		check, err = r.Check(ctx, registry.CheckInput{Name: "products", SDL: drop, Window: 24 * time.Hour})
		require.NoError(t, err)
		assert.True(t, check.Passed)

		// A change that does not compose fails with the composition's errors.
		check, err = r.Check(ctx, registry.CheckInput{Name: "products", SDL: "type Query { x: Nope }"})
		require.NoError(t, err)
		assert.False(t, check.Passed)
		require.NotEmpty(t, check.Errors)

		// Checking a removal.
		check, err = r.Check(ctx, registry.CheckInput{Name: "inventory", Delete: true})
		require.NoError(t, err)
		assert.Contains(t, fmt.Sprint(check.Changes), "Product.inStock")

		// The checks are recorded with their reports, newest first; nothing was published.
		recorded, err := r.Checks(ctx, "products", 10)
		require.NoError(t, err)
		require.Len(t, recorded, 4)
		assert.False(t, recorded[0].Passed)
		assert.NotEmpty(t, recorded[0].Errors)
		assert.False(t, recorded[2].Passed)
		assert.Equal(t, []string{"ProductPage"}, recorded[2].Changes[0].OperationNames)
		cur, err := r.Store().Current(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 4, cur.ID)

		_, err = r.Check(ctx, registry.CheckInput{Name: "products", SDL: next, Window: 1000 * 24 * time.Hour})
		var invalid *store.ValidationError
		require.ErrorAs(t, err, &invalid)
	})
}

// Concurrent publishes of different subgraphs all land: the losers of each race
// recompose on what the winner wrote. Every version composes.
func TestConcurrentPublishesAllLand(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		r := registry.New(storetest.Open(t, dsn))
		ctx := t.Context()
		publishDemo(t, r)
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				sdl := fmt.Sprintf("extend schema @link(url: \"https://specs.apollo.dev/federation/v2.3\", import: [\"@key\"])\ntype Query { extra%d: Int }\n", i)
				res, err := r.Publish(ctx, registry.PublishInput{Name: fmt.Sprintf("extra%d", i), URL: "http://127.0.0.1:5000/graphql", SDL: sdl})
				if err == nil && !res.Published {
					err = errors.New("not published")
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		cur, err := r.Store().Current(ctx)
		require.NoError(t, err)
		assert.EqualValues(t, 4+n, cur.ID)
		sg, err := federation.Parse("current", cur.SDL)
		require.NoError(t, err)
		for i := range n {
			assert.NotNil(t, sg.API.Query.Fields.ForName(fmt.Sprintf("extra%d", i)))
		}
	})
}
