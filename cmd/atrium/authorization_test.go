package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth/authtest"
	"github.com/atrium-gateway/atrium/federation/compose"
)

// End to end: `atrium serve --config` with an OpenID provider and policies, over a
// supergraph whose accounts subgraph asks for @authenticated and @policy, called with real
// ES256 tokens.
func TestServeEnforcesAuthorizationDirectives(t *testing.T) {
	urls := startDemoSubgraphs(t)
	var inputs []compose.Input
	for _, n := range []string{"accounts", "products", "reviews", "inventory"} {
		sdl := demoSchema(t, n)
		if n == "accounts" {
			sdl = strings.Replace(sdl, `url: "https://specs.apollo.dev/federation/v2.3"
    import: ["@key", "@shareable"]`, `url: "https://specs.apollo.dev/federation/v2.6"
    import: ["@key", "@shareable", "@authenticated", "@policy"]`, 1)
			sdl = strings.Replace(sdl, "  me: User\n", "  me: User @authenticated\n", 1)
			sdl = strings.Replace(sdl, "  users: [User!]!\n", "  users: [User!] @policy(policies: [[\"staff\"]])\n", 1)
			require.Contains(t, sdl, "@policy(")
		}
		inputs = append(inputs, compose.Input{Name: n, URL: urls[n], SDL: sdl})
	}
	r := compose.Compose(inputs)
	require.NoError(t, r.Err())
	issuer := authtest.NewIssuer(t)
	cfg := writeFile(t, "atrium.yaml", `
auth:
  providers:
    - { name: test, issuer: "`+issuer.URL+`", audiences: [`+authtest.Audience+`] }
authorization:
  policies:
    staff: { claims: { groups: [staff] } }
`)
	base := liveServe(t, "--supergraph", writeFile(t, "supergraph.graphql", r.Supergraph), "--config", cfg)

	ask := func(token, q string) string {
		body, _ := json.Marshal(map[string]string{"query": q})
		req, err := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(body)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
		return string(b)
	}
	const q = `{ me { name } users { id } }`
	denied := func(paths ...string) string {
		var errs []string
		for _, p := range paths {
			errs = append(errs, `{"message":"Unauthorized field or type","path":["`+p+`"],"extensions":{"code":"UNAUTHORIZED_FIELD_OR_TYPE"}}`)
		}
		return "[" + strings.Join(errs, ",") + "]"
	}
	assert.JSONEq(t, `{"data":{"me":null,"users":null},"errors":`+denied("me", "users")+`}`, ask("", q))
	assert.JSONEq(t, `{"data":{"me":{"name":"Ada Lovelace"},"users":null},"errors":`+denied("users")+`}`, ask(issuer.Token(t, nil), q))
	got := ask(issuer.Token(t, map[string]any{"groups": []string{"staff"}}), q)
	assert.Contains(t, got, `"me":{"name":"Ada Lovelace"},"users":[{"id":"u1"}`)
	assert.NotContains(t, got, "errors")
}
