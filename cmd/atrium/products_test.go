package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProductsShapeAndLimitTheirClients: a client subscribed to an API product sees only
// the product's part of the graph (its contract: fields tagged public), within its plan's
// rate limit; other callers see the whole graph.
func TestProductsShapeAndLimitTheirClients(t *testing.T) {
	st := startPortalStack(t)
	ctx := t.Context()
	// products tags its catalogue public.
	sdl := strings.Replace(demoSchema(t, "products"), `import: ["@key"]`, `import: ["@key", "@tag"]`, 1)
	sdl = strings.Replace(sdl, "topProducts(first: Int = 5): [Product!]!", `topProducts(first: Int = 5): [Product!]! @tag(name: "public")`, 1)
	sdl = strings.Replace(sdl, "type Product @key", `type Product @tag(name: "public") @key`, 1)
	res, err := st.admin.Publish(ctx, "products", st.urls["products"], sdl, "", "tag the catalogue public")
	require.NoError(t, err)
	require.Empty(t, res.Errors)

	var created struct {
		CreateClient struct {
			Client struct{ ID string }
			Secret string
		}
	}
	require.NoError(t, st.admin.Do(ctx, `mutation { createClient(input: { name: "Shop" }) { client { id } secret } }`, nil, &created))
	id, secret := created.CreateClient.Client.ID, created.CreateClient.Secret
	var product struct{ SaveProduct struct{ ID int } }
	require.NoError(t, st.admin.Do(ctx, `mutation { saveProduct(input: { slug: "catalogue", name: "Catalogue", includeTags: ["public"], published: true }) { id } }`, nil, &product))
	var plan struct{ SavePlan struct{ ID int } }
	require.NoError(t, st.admin.Do(ctx, `mutation($p: Int!) { savePlan(input: { productID: $p, name: "Small", requestsPerMinute: 4, autoApprove: true }) { id } }`,
		map[string]any{"p": product.SaveProduct.ID}, &plan))
	var sub struct{ Subscribe struct{ Status string } }
	require.NoError(t, st.admin.Do(ctx, `mutation($c: ID!, $p: Int!) { subscribe(clientID: $c, planID: $p) { status } }`,
		map[string]any{"c": id, "p": plan.SavePlan.ID}, &sub))
	require.Equal(t, "ACTIVE", sub.Subscribe.Status)

	token := clientAccessToken(t, st.base, id, secret)
	ask := func(query string) (int, string) {
		body, _ := json.Marshal(map[string]string{"query": query})
		req, _ := http.NewRequest(http.MethodPost, st.base+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out json.RawMessage
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, string(out)
	}
	// The gateway follows the subscription within a poll.
	require.Eventually(t, func() bool {
		status, body := ask(`{ me { name } }`)
		return status == http.StatusOK && strings.Contains(body, `Cannot query field \"me\" on type \"Query\"`)
	}, 10*time.Second, 100*time.Millisecond, "the product has no me")
	status, body := ask(`{ topProducts(first: 1) { name } }`)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"name":"Table"`)
	// Product is tagged, so all its fields are in; Review is not, so Product.reviews is out.
	status, body = ask(`{ topProducts(first: 1) { inStock reviews { body } } }`)
	assert.Contains(t, body, `Cannot query field \"reviews\" on type \"Product\"`, "status %d", status)

	// 4 per minute: the next requests run out of them.
	limited := ""
	for range 5 {
		if status, body := ask(`{ topProducts(first: 1) { name } }`); status == http.StatusTooManyRequests {
			limited = body
			break
		}
	}
	assert.Contains(t, limited, "RATE_LIMITED")

	// Anyone else gets the whole graph.
	code, out, err := query(http.DefaultClient, st.base, `{ me { name } }`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, code, "anonymous: false in the stack: %s", out)
}

// clientAccessToken is a client-credentials token of the client.
func clientAccessToken(t *testing.T, base, id, secret string) string {
	t.Helper()
	status, tok := clientCredentials(t, base, id, secret)
	require.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}
