package config_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/config"
)

func TestParseReadsSourcesAndSubgraphs(t *testing.T) {
	t.Setenv("SHOP_KEY", "k-123")
	c, err := config.Parse("atrium.yaml", []byte(`
subgraphs:
  products:
    urls: [http://10.0.0.1:4002/graphql, http://10.0.0.2:4002/graphql]
    balancer: least_outstanding
connectors:
  sources:
    shop.api:
      urls: [http://10.0.0.5:4010/v1]
      timeout: 2s
      cache_ttl: 30s
      max_batch: 50
      config: { apiKey: "${env.SHOP_KEY}" }
    pricing.pricing:
      urls: [10.0.0.7:4006, "[::1]:4006"]
      expose_status_messages: true
`))
	require.NoError(t, err)
	assert.Len(t, c.Subgraphs["products"].URLs, 2)
	assert.Equal(t, []string{"10.0.0.7:4006", "[::1]:4006"}, c.Connectors.Sources["pricing.pricing"].Traffic.URLs, "gRPC addresses")
	assert.True(t, c.Connectors.Sources["pricing.pricing"].ExposeStatusMessages)
	src := c.Connectors.Sources["shop.api"]
	assert.Equal(t, 2*time.Second, src.Traffic.Timeout)
	assert.Equal(t, 30*time.Second, src.CacheTTL)
	assert.Equal(t, 50, src.MaxBatch)
	assert.Equal(t, "k-123", src.Config["apiKey"])
}

func TestParseReportsEveryProblemWithItsPath(t *testing.T) {
	_, err := config.Parse("atrium.yaml", []byte(`
subgraphs:
  products: { urls: [ftp://x], balancer: fastest }
connectors:
  sources:
    noDot: { max_batch: -1 }
    pricing.pricing: { urls: ["10.0.0.7:4006", "10.0.0.8", "x:99999"] }
`))
	require.Error(t, err)
	for _, want := range []string{`connectors.sources.pricing.pricing.urls[1]: "10.0.0.8" is not host:port`, "urls[2]", "subgraphs.products.urls[0]", "subgraphs.products.balancer", "connectors.sources.noDot: name sources", "must not be negative"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestParseRefusesUnknownKeysBadYAMLAndUnsetVariables(t *testing.T) {
	for name, in := range map[string]string{
		"unknown key": "subgraph:\n  a: {}\n",
		"bad yaml":    "subgraphs: [",
		"unset env":   "connectors: { sources: { a.b: { config: { k: \"${env.ATRIUM_SURELY_UNSET}\" } } } }",
		"bad type":    "connectors: { sources: { a.b: { max_batch: lots } } }",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := config.Parse("atrium.yaml", []byte(in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "atrium.yaml")
		})
	}
}

func TestParseReadsAuthProvidersWithDefaults(t *testing.T) {
	c, err := config.Parse("atrium.yaml", []byte(`
auth:
  anonymous: false
  providers:
    - name: keycloak
      issuer: https://sso.example.com/realms/shop
      audiences: [atrium]
    - name: auth0
      issuer: https://shop.eu.auth0.com/
      audiences: [https://api.shop.example.com]
      algorithms: [RS256]
      leeway: 1m
      claims: { subject: sub, scopes: permissions, client_id: azp }
`))
	require.NoError(t, err)
	assert.False(t, c.Auth.AllowAnonymous())
	require.Len(t, c.Auth.Providers, 2)
	kc := c.Auth.Providers[0]
	assert.Equal(t, []string{"RS256", "ES256"}, kc.Algorithms)
	assert.Equal(t, 30*time.Second, kc.Leeway)
	assert.Equal(t, "scope", kc.Claims.Scopes)
	assert.Equal(t, "sub", kc.Claims.Subject)
	a0 := c.Auth.Providers[1]
	assert.Equal(t, time.Minute, a0.Leeway)
	assert.Equal(t, "permissions", a0.Claims.Scopes)
	assert.Equal(t, "azp", a0.Claims.ClientID)

	c, err = config.Parse("atrium.yaml", []byte("subgraphs: {}\n"))
	require.NoError(t, err)
	assert.True(t, c.Auth.AllowAnonymous(), "anonymous by default")
}

func TestParseReportsAuthProblemsWithPaths(t *testing.T) {
	_, err := config.Parse("atrium.yaml", []byte(`
auth:
  providers:
    - { name: a, issuer: "not a url", algorithms: [HS256, RS256], leeway: -1s }
    - { name: a, issuer: https://idp.example.com, audiences: [x] }
    - { name: b, issuer: https://idp.example.com, audiences: [""] }
`))
	require.Error(t, err)
	for _, want := range []string{
		`auth.providers[0].issuer: "not a url" is not an http(s) URL`,
		"auth.providers[0].audiences: at least one is required",
		`auth.providers[0].algorithms[0]: "HS256" is not supported`,
		"auth.providers[0].leeway: must be between 0 and 5m",
		`auth.providers[1].name: "a" is also the name of auth.providers[0]`,
		`auth.providers[2].issuer: "https://idp.example.com" is also the issuer of auth.providers[1]`,
		"auth.providers[2].audiences[0]: must not be empty",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "algorithms[1]")

	_, err = config.Parse("atrium.yaml", []byte("auth: { anonymous: false }\nissuer: { disabled: true }\n"))
	require.ErrorContains(t, err, "auth.anonymous: false would refuse every request")
	_, err = config.Parse("atrium.yaml", []byte("auth: { anonymous: false }\n"))
	require.NoError(t, err, "the token issuer's own tokens are accepted")
	_, err = config.Parse("atrium.yaml", []byte("issuer: { url: 'ftp://x', access_token_ttl: 1s, key_rotation: 1m, sign_in: nobody, extra: 1 }\n"))
	require.ErrorContains(t, err, "extra")
	_, err = config.Parse("atrium.yaml", []byte("issuer: { url: 'ftp://x', access_token_ttl: 1s, key_rotation: 1m, sign_in: nobody }\n"))
	for _, want := range []string{`issuer.url: "ftp://x" is not an http(s) URL`, "issuer.access_token_ttl: must be between 1m and 24h",
		`issuer.sign_in: no auth.providers entry is named "nobody"`} {
		require.ErrorContains(t, err, want)
	}
	_, err = config.Parse("atrium.yaml", []byte("issuer: { access_token_ttl: 2h, key_rotation: 3h }\n"))
	require.ErrorContains(t, err, "issuer.key_rotation: must be at least twice access_token_ttl")
	_, err = config.Parse("atrium.yaml", []byte("auth: { providers: [{ name: a, issuer: https://x, audiences: [a], extra: 1 }] }\n"))
	require.ErrorContains(t, err, "extra")
}
