package registry_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

func TestCurrentParsesEachVersionOnce(t *testing.T) {
	t.Parallel()
	r := registry.New(storetest.Open(t, storetest.SQLite(t)))
	ctx := t.Context()
	_, err := r.Current(ctx)
	require.ErrorIs(t, err, store.ErrNotFound)

	publishDemo(t, r)
	cur, err := r.Current(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 4, cur.Version.ID)
	assert.NotNil(t, cur.Supergraph.API.Types["Product"])
	again, err := r.Current(ctx)
	require.NoError(t, err)
	assert.Same(t, cur, again, "an unchanged version is not parsed again")

	_, err = r.Publish(ctx, demoInput(t, "inventory", 4999))
	require.NoError(t, err)
	next, err := r.Current(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 5, next.Version.ID)
	assert.Equal(t, "http://127.0.0.1:4999/graphql", next.Supergraph.SubgraphByName("inventory").URL)
}
