package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// TestServeAdmitsAtriumTokensToTheRegistryAPI: `atrium serve` gives the registry API the
// issuer's tokens, with the roles atrium.yaml's portal section (or its defaults) maps
// their scopes to; the CLI works with such a token as with the admin token.
func TestServeAdmitsAtriumTokensToTheRegistryAPI(t *testing.T) {
	cfg := writeFile(t, "atrium.yaml", "portal:\n  roles: { owner: [atrium-owners] }\n  client_scopes: [reviews:read]\n")
	base := liveServe(t, "--database", storetest.SQLite(t), "--admin-token", liveToken, "--config", cfg)
	ctx := t.Context()
	admin := []string{"--endpoint", base, "--token", liveToken}
	token := func(id string, scopes ...string) string {
		out, err := run(t, ctx, append(append([]string{"client", "create", id, "--json"}, admin...), scopeFlags(scopes)...)...)
		require.NoError(t, err, out)
		var created client.NewAPIClient
		require.NoError(t, json.Unmarshal([]byte(out), &created))
		req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(id, created.Secret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body struct {
			AccessToken string `json:"access_token"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
		require.NotEmpty(t, body.AccessToken)
		return body.AccessToken
	}
	ci := token("ci", "atrium-owners")        // OWNER, by portal.roles.owner
	ops := token("ops", "atrium:admin")       // ADMIN, by the default of portal.roles.admin
	reader := token("reader", "atrium:owner") // atrium:owner is no longer the owner scope here
	as := func(tok string) []string { return []string{"--endpoint", base, "--token", tok} }

	schema := writeFile(t, "accounts.graphql", demoSchema(t, "accounts"))
	out, err := run(t, ctx, append([]string{"subgraph", "publish", "--name", "accounts", "--url", "http://127.0.0.1:4001/graphql", "--schema", schema}, as(ci)...)...)
	require.NoError(t, err, out)
	out, err = run(t, ctx, append([]string{"subgraph", "list"}, as(ci)...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "accounts")
	v, err := (&client.Client{Endpoint: base + "/api/graphql", Token: ci}).Version(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, "ci", v.Publisher, "a client's token publishes under its ID")

	_, err = run(t, ctx, append([]string{"subgraph", "list"}, as(reader)...)...)
	require.ErrorContains(t, err, "the registry answered: subgraphs needs the OWNER role, which this token does not have")
	_, err = run(t, ctx, append([]string{"client", "list"}, as(ci)...)...)
	require.NoError(t, err, "every Atrium token is a CONSUMER")
	_, err = run(t, ctx, append([]string{"subgraph", "list"}, as("garbage")...)...)
	require.ErrorContains(t, err, "refused the token from --token (invalid bearer token)")

	// Scopes taken away wait as pending; grant gives back what was asked for.
	out, err = run(t, ctx, append([]string{"client", "create", "reports", "--scope", "orders:read", "--scope", "stock:read"}, as(ops)...)...)
	require.NoError(t, err, out)
	out, err = run(t, ctx, append([]string{"client", "grant", "reports", "--scope", "orders:read"}, as(ops)...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, "client reports is granted: orders:read\n  still pending: stock:read")
	out, err = run(t, ctx, append([]string{"client", "list"}, as(ops)...)...)
	require.NoError(t, err, out)
	assert.Regexp(t, `(?m)^ID\s+TYPE\s+OWNER\s+GRANT TYPES\s+SCOPES\s+PENDING\s+CREATED$`, out)
	assert.Regexp(t, `(?m)^reports\s+confidential\s+ops\s+client_credentials\s+orders:read\s+stock:read\s`, out,
		"registered with ops's token: ops owns it")
	assert.Regexp(t, `(?m)^ci\s+confidential\s+-\s+client_credentials\s+atrium-owners\s+-\s`, out)
	out, err = run(t, ctx, append([]string{"client", "grant", "reports"}, as(ops)...)...)
	require.NoError(t, err, out)
	assert.Equal(t, "client reports is granted: orders:read stock:read\n", out)
	_, err = run(t, ctx, append([]string{"client", "grant", "reports", "--scope", "x"}, as(ci)...)...)
	require.ErrorContains(t, err, "grantClientScopes needs the ADMIN role")
	_, err = run(t, ctx, append([]string{"client", "grant", "reports"}, as(ci)...)...)
	require.ErrorContains(t, err, `there is no API client "reports" among those this token sees`)
}

func scopeFlags(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		out = append(out, "--scope", s)
	}
	return out
}
