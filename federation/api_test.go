package federation

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestAPISDLIsWhatClientsSee(t *testing.T) {
	sdl := strings.NewReplacer(
		"  users(filter", "  \"The users a filter selects.\"\n  users(filter",
		"bio: String @join__field(graph: PROFILES)", `bio: String @deprecated(reason: "Use name.") @join__field(graph: PROFILES)`,
		"directive @inaccessible", "directive @trace(level: Int = 1) on FIELD\n\ndirective @inaccessible",
	).Replace(readFile(t, "../testdata/inaccessible/supergraph.graphql"))
	sg, err := Parse("inaccessible", sdl)
	require.NoError(t, err)
	want := `directive @trace(level: Int = 1) on FIELD
input Filter {
  name: String
}
type Query {
  """
  The users a filter selects.
  """
  users(filter: Filter): [User!]!
}
enum Role {
  MEMBER
}
type User {
  name: String
  role: Role
  bio: String @deprecated(reason: "Use name.")
}
`
	assert.Equal(t, want, sg.APISDL())
	// It loads back into the schema the gateway serves.
	again, err := gqlparser.LoadSchema(&ast.Source{Input: sg.APISDL()})
	require.NoError(t, err)
	assert.Len(t, again.Types, len(sg.API.Types))
}

// An @inaccessible mutation type (a contract that removes every mutation) leaves the API
// schema without a mutation root.
func TestInaccessibleMutationRootLeavesTheAPI(t *testing.T) {
	sdl := strings.NewReplacer(
		"  query: Query\n", "  query: Query\n  mutation: Mutation\n",
		"type AuditLog @inaccessible", "type Mutation @inaccessible @join__type(graph: USERS) { purge: Boolean }\n\ntype AuditLog @inaccessible",
	).Replace(readFile(t, "../testdata/inaccessible/supergraph.graphql"))
	require.Contains(t, sdl, "mutation: Mutation")
	sg, err := Parse("inaccessible", sdl)
	require.NoError(t, err)
	assert.Nil(t, sg.API.Mutation)
	assert.NotNil(t, sg.Schema.Mutation, "the supergraph keeps it for planning")
	assert.NotContains(t, sg.APISDL(), "Mutation")
}
