package federation

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// authSupergraph links the three authorization specs: authenticated under its own name,
// requiresScopes imported as @scopes, policy aliased as a whole (as: "pol").
const authSupergraph = `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY, import: [{name: "@requiresScopes", as: "@scopes"}])
  @link(url: "https://specs.apollo.dev/policy/v0.1", as: "pol", for: SECURITY)
{
  query: Query
}

directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @pol(policies: [[pol__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @scopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM

scalar join__FieldSet
scalar link__Import
scalar pol__Policy
scalar requiresScopes__Scope
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { A @join__graph(name: "a", url: "http://a") }

type Query @join__type(graph: A) {
  me: User @authenticated
  users: [User] @scopes(scopes: [["users:read", "admin"], ["root"]])
  open: String
}

type User @join__type(graph: A) @pol(policies: "staff") {
  id: ID!
  salary: Money @scopes(scopes: ["hr", "finance"]) @pol(policies: [["payroll"]])
}

scalar Money @join__type(graph: A) @authenticated
`

func TestParseReadsAuthorizationRequirements(t *testing.T) {
	t.Parallel()
	sg, err := Parse("auth.graphql", authSupergraph)
	require.NoError(t, err)
	assert.True(t, sg.HasAuthorization)
	assert.Equal(t, &Requirements{Authenticated: true}, sg.Field("Query", "me").Auth)
	assert.Equal(t, [][]string{{"admin", "users:read"}, {"root"}}, sg.Field("Query", "users").Auth.Scopes, "inner lists sorted")
	assert.Nil(t, sg.Field("Query", "open").Auth)
	assert.Equal(t, &Requirements{Policies: [][]string{{"staff"}}}, sg.Types["User"].Auth, "a single string is [[it]]")
	assert.Equal(t, &Requirements{Scopes: [][]string{{"finance"}, {"hr"}}, Policies: [][]string{{"payroll"}}}, sg.Field("User", "salary").Auth)
	assert.Equal(t, &Requirements{Authenticated: true}, sg.Types["Money"].Auth)

	// Clients never see the directives nor their scalars.
	for _, name := range []string{"pol__Policy", "requiresScopes__Scope"} {
		assert.Nil(t, sg.API.Types[name])
	}
	for _, name := range []string{"authenticated", "scopes", "pol"} {
		assert.Nil(t, sg.API.Directives[name])
	}
	assert.Empty(t, sg.API.Types["User"].Directives)
}

func TestParseWithoutAuthorizationCostsNothing(t *testing.T) {
	t.Parallel()
	sg, err := Parse("demo", readFile(t, "../demo/supergraph.graphql"))
	require.NoError(t, err)
	assert.False(t, sg.HasAuthorization)
	for _, typ := range sg.Types {
		assert.Nil(t, typ.Auth)
	}
}

func TestParseRefusesBadAuthorization(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ from, to, want string }{
		"unknown version":   {"authenticated/v0.1", "authenticated/v0.2", "unsupported authenticated spec version v0.2 (supported: v0.1)"},
		"not strings":       {`@scopes(scopes: [["users:read", "admin"], ["root"]])`, `@scopes(scopes: [[1]])`, "@scopes(scopes:): not a list of lists of strings"},
		"policies as a int": {`@pol(policies: "staff")`, `@pol(policies: 3)`, "@pol(policies:)"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("auth.graphql", strings.Replace(authSupergraph, c.from, c.to, 1))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), "auth.graphql:")
		})
	}
}

func TestConjoinFollowsApollosMerge(t *testing.T) {
	t.Parallel()
	// The example of Apollo's composition tests: two subgraphs' @requiresScopes on one type.
	got := Conjoin(
		[][]string{{"user:read", "user:email:read"}, {"admin"}},
		[][]string{{"user:read", "billing:read"}, {"admin", "billing:invoice:read"}, {"support:user:read"}},
	)
	assert.Equal(t, [][]string{
		{"admin", "billing:invoice:read"},
		{"admin", "support:user:read"},
		{"admin", "billing:read", "user:read"},
		{"billing:read", "user:email:read", "user:read"},
		{"support:user:read", "user:email:read", "user:read"},
	}, got)
	assert.Equal(t, `[["admin", "billing:invoice:read"], ["admin", "support:user:read"], ["admin", "billing:read", "user:read"], ["billing:read", "user:email:read", "user:read"], ["support:user:read", "user:email:read", "user:read"]]`, PrintDNF(got))

	assert.Nil(t, Conjoin(), "no condition")
	assert.Nil(t, Conjoin(nil, [][]string{}, [][]string{{}}), "[] and [[]] always hold")
	assert.Equal(t, [][]string{{"a"}}, Conjoin([][]string{{"a"}}, [][]string{{"a"}}), "identical conditions count once")
	assert.Equal(t, [][]string{{"a"}}, Conjoin([][]string{{"a"}}, [][]string{{"a"}, {"a", "b"}}), "(a) and (a or (a and b)) is a")
	assert.Equal(t, [][]string{{"a", "b"}}, Conjoin([][]string{{"b", "a", "a"}}), "sorted, without duplicates")
}
