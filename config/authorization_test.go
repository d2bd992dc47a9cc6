package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/config"
)

const provider = `
auth:
  providers:
    - { name: sso, issuer: "https://sso.example.com", audiences: [atrium] }
`

func TestParseReadsAuthorization(t *testing.T) {
	c, err := config.Parse("atrium.yaml", []byte(provider+`
authorization:
  require_authentication: true
  reject_unauthorized: true
  policies:
    staff: { claims: { groups: [staff, admin], "realm_access.roles": [staff] } }
    owner-scope: { scopes: ["orders:read"] }
    verified: { claims: { email_verified: [true], level: [3] } }
`))
	require.NoError(t, err)
	rules := auth.Rules(c.Authorization)
	assert.True(t, rules.RequireAuthentication)
	assert.True(t, rules.RejectUnauthorized)
	assert.False(t, rules.DryRun)
	assert.Equal(t, map[string]auth.Policy{
		"staff":       {Claims: map[string][]string{"groups": {"staff", "admin"}, "realm_access.roles": {"staff"}}},
		"owner-scope": {Scopes: []string{"orders:read"}},
		"verified":    {Claims: map[string][]string{"email_verified": {"true"}, "level": {"3"}}},
	}, rules.Policies, "YAML booleans and numbers are read as JSON writes them")

	empty, err := config.Parse("atrium.yaml", []byte("subgraphs: {}\n"))
	require.NoError(t, err)
	assert.Equal(t, config.Authorization{}, empty.Authorization, "off by default: nothing required, filtered not refused")
}

func TestParseReportsAuthorizationProblemsWithTheirPaths(t *testing.T) {
	_, err := config.Parse("atrium.yaml", []byte(`
issuer: { disabled: true }
authorization:
  require_authentication: true
  dry_run: true
  reject_unauthorized: true
  policies:
    nothing: {}
    blank: { claims: { groups: [] }, scopes: ["a b", ""] }
    ok: { claims: { groups: [staff] } }
`))
	require.Error(t, err)
	for _, want := range []string{
		"atrium.yaml: ",
		"authorization.require_authentication: true would refuse every request: configure auth.providers or keep the token issuer on",
		"authorization.dry_run: cannot be combined with reject_unauthorized",
		"authorization.policies.nothing: give claims or scopes (a policy without conditions would grant every caller)",
		"authorization.policies.blank.claims.groups: list the accepted values (at least one)",
		`authorization.policies.blank.scopes[0]: "a b" is not a scope`,
		`authorization.policies.blank.scopes[1]: "" is not a scope`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "policies.ok")
}

func TestParseRefusesUnknownAuthorizationKeysAndBadValues(t *testing.T) {
	for name, c := range map[string]struct{ yaml, want string }{
		"unknown key":         {"authorization: { reject: true }", "field reject not found"},
		"unknown policy key":  {"authorization: { policies: { p: { roles: [a] } } }", "field roles not found"},
		"not a boolean":       {"authorization: { dry_run: maybe }", "cannot unmarshal"},
		"claim not a list":    {"authorization: { policies: { p: { claims: { groups: staff } } } }", "cannot unmarshal"},
		"policies not a map":  {"authorization: { policies: [staff] }", "cannot unmarshal"},
		"require without sso": {"issuer: { disabled: true }\nauthorization: { require_authentication: true }", "configure auth.providers"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := config.Parse("atrium.yaml", []byte(c.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "atrium.yaml")
		})
	}
}
