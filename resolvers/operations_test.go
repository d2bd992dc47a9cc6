package resolvers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSavedOperationsAreEachUsersOwn(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice", "staff")
	bob := p.user(t, "bob", "staff")
	const save = `mutation($in: SaveOperationInput!) { saveOperation(input: $in) { id name query variables } }`

	data := p.ok(t, alice, save, map[string]any{"in": map[string]any{"name": "Me", "query": "{ me { name } }", "variables": `{"a":1}`}})
	saved := data["saveOperation"].(map[string]any)
	assert.Equal(t, map[string]any{"id": saved["id"], "name": "Me", "query": "{ me { name } }", "variables": `{"a":1}`}, saved)
	p.ok(t, bob, save, map[string]any{"in": map[string]any{"name": "Mine", "query": "{ __typename }"}})

	data = p.ok(t, alice, `{ savedOperations { name } }`, nil)
	assert.Equal(t, []any{map[string]any{"name": "Me"}}, data["savedOperations"], "bob's is not listed")
	msg := p.refused(t, bob, "NOT_FOUND", `mutation($id: ID!) { deleteSavedOperation(id: $id) }`, map[string]any{"id": saved["id"]})
	assert.Contains(t, msg, "not found")
	p.refused(t, alice, "NOT_FOUND", `mutation { deleteSavedOperation(id: "x") }`, nil)
	data = p.ok(t, alice, `mutation($id: ID!) { deleteSavedOperation(id: $id) }`, map[string]any{"id": saved["id"]})
	assert.Equal(t, true, data["deleteSavedOperation"])

	for _, in := range []map[string]any{
		{"name": "", "query": "{ a }"},
		{"name": "a", "query": ""},
		{"name": "a", "query": strings.Repeat("x", 100<<10+1)},
		{"name": "a", "query": "{ a }", "variables": "not json"},
	} {
		p.refused(t, alice, "BAD_USER_INPUT", save, map[string]any{"in": in})
	}
	msg = p.refused(t, token, "BAD_USER_INPUT", save, map[string]any{"in": map[string]any{"name": "a", "query": "{ a }"}})
	assert.Contains(t, msg, "signed-in user", "the admin token has no saved operations")
}
