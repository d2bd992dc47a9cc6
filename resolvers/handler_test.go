package resolvers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
	"github.com/atrium-gateway/atrium/resolvers"
)

const token = "s3cret-admin-token"

// serve starts the registry API on a real store and returns a client and the store.
func serve(t *testing.T, dsn string) (*client.Client, *store.Store) {
	t.Helper()
	st := storetest.Open(t, dsn)
	h, err := resolvers.Handler(registry.New(st), resolvers.Options{AdminToken: token})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &client.Client{Endpoint: srv.URL + resolvers.Path, Token: token}, st
}

func demoSDL(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../demo/" + name + "/schema.graphqls")
	require.NoError(t, err)
	return string(b)
}

func TestRegistryAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, dsn string) {
		c, _ := serve(t, dsn)
		ctx := t.Context()

		cur, err := c.Version(ctx, 0)
		require.NoError(t, err)
		assert.Nil(t, cur, "nothing published yet")

		for i, name := range []string{"accounts", "products", "reviews", "inventory"} {
			res, err := c.Publish(ctx, name, fmt.Sprintf("http://127.0.0.1:%d/graphql", 4001+i), demoSDL(t, name), "team-"+name, "first "+name)
			require.NoError(t, err)
			require.Empty(t, res.Errors)
			require.True(t, res.Published)
			require.EqualValues(t, i+1, res.Version.ID)
		}
		subs, err := c.Subgraphs(ctx)
		require.NoError(t, err)
		require.Len(t, subs, 4)
		assert.Equal(t, "accounts", subs[0].Name)
		assert.Equal(t, "team-accounts", subs[0].Owner)

		cur, err = c.Version(ctx, 0)
		require.NoError(t, err)
		want, err := os.ReadFile("../demo/supergraph.graphql")
		require.NoError(t, err)
		assert.Equal(t, string(want), cur.SDL)
		assert.EqualValues(t, 4, cur.ID)
		assert.Equal(t, "admin", cur.Publisher)
		assert.Equal(t, "first inventory", cur.Message)
		assert.Len(t, cur.Subgraphs, 4)
		assert.NotEmpty(t, cur.Changes)

		missing, err := c.Version(ctx, 99)
		require.NoError(t, err)
		assert.Nil(t, missing)

		// History pages resolve each version's SDL on demand; diff compares two versions.
		var page struct {
			Versions []struct {
				ID  int
				SDL string
			}
			Diff []registry.Change
		}
		require.NoError(t, c.Do(ctx, `{ versions(first: 2) { id sdl } diff(from: 1, to: 2) { code severity coordinate message } }`, nil, &page))
		require.Len(t, page.Versions, 2)
		assert.Equal(t, 4, page.Versions[0].ID)
		assert.Equal(t, string(want), page.Versions[0].SDL)
		assert.Contains(t, fmt.Sprint(page.Diff), "Query.topProducts")

		// A check records its report; a failing composition is a failed check, not an error.
		check, err := c.Check(ctx, client.CheckInput{Name: "products", SDL: "type Query { x: Nope }"})
		require.NoError(t, err)
		assert.False(t, check.Passed)
		require.NotEmpty(t, check.Errors)
		assert.Equal(t, "products", check.Errors[0].Locations[0].Subgraph)
		check, err = c.Check(ctx, client.CheckInput{Name: "inventory", Delete: true, WindowHours: 24})
		require.NoError(t, err)
		assert.True(t, check.Passed, "nothing used inventory's fields")
		assert.Contains(t, fmt.Sprint(check.Changes), "Product.inStock")
		var checks struct{ Checks []struct{ Passed bool } }
		require.NoError(t, c.Do(ctx, `{ checks(subgraph: "products") { passed } }`, nil, &checks))
		assert.Len(t, checks.Checks, 1)

		// A publish that does not compose changes nothing.
		res, err := c.Publish(ctx, "products", "http://127.0.0.1:4002/graphql", "type Query { x: Nope }", "", "")
		require.NoError(t, err)
		assert.False(t, res.Published)
		assert.NotEmpty(t, res.Errors)
		assert.EqualValues(t, 4, res.Version.ID)

		res, err = c.Delete(ctx, "inventory", "retired")
		require.NoError(t, err)
		assert.True(t, res.Published)
		assert.EqualValues(t, 5, res.Version.ID)
	})
}

func TestRegistryAPIRefusesBadInput(t *testing.T) {
	c, st := serve(t, storetest.SQLite(t))
	ctx := t.Context()

	_, err := c.Publish(ctx, "bad name", "ftp://host/x", "", "", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a valid subgraph name")
	assert.Contains(t, err.Error(), "http:// or https://")
	assert.Contains(t, err.Error(), "sdl: is empty")

	_, err = c.Publish(ctx, "users", "http://user:pw@host/graphql", "type Query { a: Int }", "", "")
	require.ErrorContains(t, err, "must not contain credentials")

	_, err = c.Delete(ctx, "nobody", "")
	require.EqualError(t, err, `there is no subgraph named "nobody": not found`)

	_, err = c.Check(ctx, client.CheckInput{Name: "x", SDL: "type Query { a: Int }", WindowHours: 100000})
	require.ErrorContains(t, err, "window")

	var v struct{ Version any }
	err = c.Do(ctx, `{ version(id: "one") { id } }`, nil, &v)
	require.ErrorContains(t, err, "Int")
	err = c.Do(ctx, `{ nope }`, nil, &v)
	require.ErrorContains(t, err, `Cannot query field "nope"`)

	// Errors inside the registry are masked: the database's words never reach a client.
	require.NoError(t, st.Close())
	_, err = c.Subgraphs(ctx)
	require.Error(t, err)
	assert.Equal(t, "internal error", err.Error())
}

func TestRegistryAPINeedsTheAdminToken(t *testing.T) {
	c, _ := serve(t, storetest.SQLite(t))
	for _, auth := range []string{"", "Bearer", "Bearer wrong", "Basic " + token, token} {
		req, err := http.NewRequest(http.MethodPost, c.Endpoint, strings.NewReader(`{"query":"{ subgraphs { name url } }"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, auth)
		assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
		assert.Contains(t, string(body), "UNAUTHENTICATED")
		assert.NotContains(t, string(body), "subgraphs")
	}
	_, err := resolvers.Handler(nil, resolvers.Options{})
	require.ErrorContains(t, err, "admin token")
}
