package config_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/config"
)

func TestParseReadsPortalRoles(t *testing.T) {
	c, err := config.Parse("atrium.yaml", []byte(`
portal:
  roles:
    admin: [atrium-admins]
    owner: [atrium-owners, "/teams/backend"]
  client_scopes: [reviews:read]
`))
	require.NoError(t, err)
	p := c.Portal.WithDefaults()
	assert.Equal(t, []string{"atrium-admins"}, p.Roles.Admin)
	assert.Equal(t, []string{"atrium-owners", "/teams/backend"}, p.Roles.Owner)
	assert.Equal(t, []string{"reviews:read"}, p.ClientScopes)

	c, err = config.Parse("atrium.yaml", []byte("subgraphs: {}\n"))
	require.NoError(t, err)
	assert.Equal(t, config.Portal{Roles: config.PortalRoles{Admin: []string{"atrium:admin"}, Owner: []string{"atrium:owner"}}},
		c.Portal.WithDefaults(), "defaults: the atrium: scopes, and consumers' clients are granted nothing alone")

	c, err = config.Parse("atrium.yaml", []byte("portal: { roles: { admin: [] } }\n"))
	require.NoError(t, err)
	p = c.Portal.WithDefaults()
	assert.Empty(t, p.Roles.Admin, "an empty list gives the role to no token")
	assert.Equal(t, []string{"atrium:owner"}, p.Roles.Owner)
}

func TestParseReportsPortalProblemsWithTheirPaths(t *testing.T) {
	_, err := config.Parse("atrium.yaml", []byte(`
portal:
  roles:
    admin: ["", "atrium admins"]
    owner: [owners]
  client_scopes: [reviews:read, owners, atrium:owner, "a\tb"]
`))
	require.Error(t, err)
	for _, want := range []string{
		"atrium.yaml: ",
		"portal.roles.admin[0]: must not be empty",
		`portal.roles.admin[1]: "atrium admins" is not a scope: scopes have no spaces`,
		`portal.client_scopes[1]: "owners" is a role's scope (portal.roles): any user could take the role through an API client`,
		`portal.client_scopes[3]: "a\tb" is not a scope`,
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "client_scopes[0]")
	assert.NotContains(t, err.Error(), "client_scopes[2]", "atrium:owner is the default, replaced here")
	assert.NotContains(t, err.Error(), "roles.owner")

	_, err = config.Parse("atrium.yaml", []byte("portal: { client_scopes: [atrium:admin] }\n"))
	require.ErrorContains(t, err, `portal.client_scopes[0]: "atrium:admin" is a role's scope`, "the defaults count")
	_, err = config.Parse("atrium.yaml", []byte("portal: { roles: { viewer: [x] } }\n"))
	require.ErrorContains(t, err, "viewer", "unknown keys are refused")
}
