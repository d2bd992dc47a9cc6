package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/client"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// TestClientCommandsIssueTokensTheGatewayAccepts is the API client workflow end to end:
// the CLI registers a client through the registry API, the client gets a token from the
// issuer of the same `atrium serve`, the gateway accepts it (and refuses anonymous
// requests), a rotated secret and a deleted client stop working.
func TestClientCommandsIssueTokensTheGatewayAccepts(t *testing.T) {
	urls := startDemoSubgraphs(t)
	cfg := writeFile(t, "atrium.yaml", "auth:\n  anonymous: false\n")
	base := liveServe(t, "--database", storetest.SQLite(t), "--admin-token", liveToken, "--poll", "100ms", "--config", cfg)
	publishAll(t, &client.Client{Endpoint: base + "/api/graphql", Token: liveToken}, urls)
	ctx := t.Context()
	api := []string{"--endpoint", base, "--token", liveToken}

	out, err := run(t, ctx, append([]string{"client", "create", "reports", "--scope", "orders:read", "--json"}, api...)...)
	require.NoError(t, err, out)
	var created client.NewAPIClient
	require.NoError(t, json.Unmarshal([]byte(out), &created))
	require.Equal(t, "reports", created.Client.ID)
	require.Equal(t, []string{"client_credentials"}, created.Client.GrantTypes)
	require.NotEmpty(t, created.Secret)

	_, err = run(t, ctx, append([]string{"client", "create", "reports"}, api...)...)
	require.ErrorContains(t, err, "a client with this ID exists already")
	_, err = run(t, ctx, append([]string{"client", "create", "bad id"}, api...)...)
	require.ErrorContains(t, err, "use 1-64 letters")
	out, err = run(t, ctx, append([]string{"client", "create", "web", "--public", "--redirect-uri", "https://shop.example/cb"}, api...)...)
	require.NoError(t, err)
	require.Contains(t, out, "public client: no secret")

	out, err = run(t, ctx, append([]string{"client", "list"}, api...)...)
	require.NoError(t, err)
	require.Contains(t, out, "reports")
	require.Contains(t, out, "confidential")
	require.Contains(t, out, "orders:read")
	require.NotContains(t, out, created.Secret, "secrets are never listed")

	token := func(secret string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, base+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("reports", secret)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.AccessToken
	}
	graphql := func(accessToken string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ topProducts(first: 1) { name } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if accessToken != "" {
			req.Header.Set("Authorization", "Bearer "+accessToken)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	status, access := token(created.Secret)
	require.Equal(t, http.StatusOK, status)
	require.Eventually(t, func() bool { return graphql(access) == http.StatusOK }, 5*time.Second, 50*time.Millisecond)
	require.Equal(t, http.StatusUnauthorized, graphql(""), "anonymous: false")

	out, err = run(t, ctx, append([]string{"client", "rotate-secret", "reports", "--json"}, api...)...)
	require.NoError(t, err, out)
	var rotated client.NewAPIClient
	require.NoError(t, json.Unmarshal([]byte(out), &rotated))
	status, _ = token(created.Secret)
	require.Equal(t, http.StatusUnauthorized, status, "the old secret stops working")
	status, _ = token(rotated.Secret)
	require.Equal(t, http.StatusOK, status)
	_, err = run(t, ctx, append([]string{"client", "rotate-secret", "web"}, api...)...)
	require.ErrorContains(t, err, "public")

	out, err = run(t, ctx, append([]string{"client", "delete", "reports"}, api...)...)
	require.NoError(t, err)
	require.Contains(t, out, "revoked")
	require.Eventually(t, func() bool { return graphql(access) == http.StatusUnauthorized }, 5*time.Second, 50*time.Millisecond)
	_, err = run(t, ctx, append([]string{"client", "delete", "reports"}, api...)...)
	require.ErrorContains(t, err, "not found")
}
