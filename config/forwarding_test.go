package config_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/config"
)

func TestParseReadsForwardingRules(t *testing.T) {
	c, err := config.Parse("atrium.yaml", []byte(`
forwarding:
  default:
    claims: { sub: X-User-Id, email: x-user-email, "https://shop.example.com/roles": X-Roles }
    headers: [X-Request-Id, accept-language]
  subgraphs:
    accounts: { token: true }
    partner: { claims: {}, headers: [] }
    reviews: { claims: { sub: X-Author } }
`))
	require.NoError(t, err)
	f := c.Forwarding.Rules()
	def := f.Rule("products")
	assert.Nil(t, def.Token)
	assert.Equal(t, map[string]string{"sub": "X-User-Id", "email": "x-user-email", "https://shop.example.com/roles": "X-Roles"}, def.Claims)
	assert.Equal(t, []string{"X-Request-Id", "accept-language"}, def.Headers)

	acc := f.Rule("accounts")
	require.NotNil(t, acc.Token)
	assert.True(t, *acc.Token)
	assert.Equal(t, def.Claims, acc.Claims, "keys left out are inherited")
	assert.Equal(t, def.Headers, acc.Headers)

	partner := f.Rule("partner")
	assert.Empty(t, partner.Claims, "claims: {} clears the default's")
	assert.Empty(t, partner.Headers, "headers: [] too")
	assert.Equal(t, map[string]string{"sub": "X-Author"}, f.Rule("reviews").Claims, "claims replace the default's, not merge")
	assert.Equal(t, def.Headers, f.Rule("reviews").Headers)

	c, err = config.Parse("atrium.yaml", []byte("subgraphs: {}\n"))
	require.NoError(t, err)
	assert.Empty(t, c.Forwarding.Rules().Rule("any").Claims, "no forwarding section: nothing is forwarded")
}

func TestParseReportsForwardingProblemsWithPaths(t *testing.T) {
	_, err := config.Parse("atrium.yaml", []byte(`
forwarding:
  default:
    claims: { sub: X-User-Id, email: "X User Email", name: x-user-id, scope: Authorization, "": X-Empty }
    headers: [X-Request-Id, Cookie, authorization, Connection, Host, Content-Length, Proxy-Authorization,
      Transfer-Encoding, x-user-id, x-request-id, grpc-timeout, X-Trace-Bin, "Bad:Name"]
  subgraphs:
    accounts: { headers: [X-Author] }
    reviews: { claims: { sub: X-Author, tenant: Content-Type } }
`))
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{
		`forwarding.default.claims.email: "X User Email" is not a header name`,
		`forwarding.default.claims.sub: header "X-User-Id" already carries claim "name"`,
		`forwarding.default.claims.scope: Authorization is sent only by token: true`,
		`forwarding.default.claims: a claim name must not be empty`,
		`forwarding.default.headers[1]: Cookie is the browser's credential`,
		`forwarding.default.headers[2]: Authorization is sent only by token: true`,
		`forwarding.default.headers[3]: "Connection" is a hop-by-hop or transport header`,
		`forwarding.default.headers[4]: "Host" is a hop-by-hop`,
		`forwarding.default.headers[5]: "Content-Length" is a hop-by-hop`,
		`forwarding.default.headers[6]: "Proxy-Authorization" is a hop-by-hop`,
		`forwarding.default.headers[7]: "Transfer-Encoding" is a hop-by-hop`,
		`forwarding.default.headers[8]: "x-user-id" carries claim "name" in the default rule: it is filled from the token, never passed through from the client`,
		`forwarding.default.headers[9]: "x-request-id" is listed twice`,
		`forwarding.default.headers[10]: "grpc-timeout" is reserved by gRPC`,
		`forwarding.default.headers[11]: "X-Trace-Bin" ends in -bin`,
		`forwarding.default.headers[12]: "Bad:Name" is not a header name`,
		`forwarding.subgraphs.accounts.headers[0]: "X-Author" carries claim "sub" in the rule of subgraph "reviews"`,
		`forwarding.subgraphs.reviews.claims.tenant: "Content-Type" is a hop-by-hop or transport header`,
	} {
		assert.Contains(t, msg, want)
	}
	assert.True(t, strings.HasPrefix(msg, "atrium.yaml: "), msg)
	assert.NotContains(t, msg, "headers[0]: \"X-Request-Id\"", "a valid header is not reported")

	_, err = config.Parse("atrium.yaml", []byte("forwarding: { default: { tokens: true } }\n"))
	require.ErrorContains(t, err, "tokens", "unknown keys are refused")
	_, err = config.Parse("atrium.yaml", []byte("forwarding: { default: { token: maybe } }\n"))
	require.Error(t, err)
	_, err = config.Parse("atrium.yaml", []byte("forwarding: { default: { claims: { sub: [a, b] } } }\n"))
	require.Error(t, err, "a claim maps to one header name")
}
