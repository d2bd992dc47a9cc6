package resolvers_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const createClient = `mutation($input: CreateClientInput!) {
	createClient(input: $input) { client { id owner scopes requestedScopes grantTypes } secret }
}`

// TestConsumersRegisterClientsWhoseExtraScopesWaitForAnAdmin is the portal's client
// workflow: a user registers a client, which is granted at once only the scopes of
// portal.client_scopes; an administrator grants the rest; others cannot touch it.
func TestConsumersRegisterClientsWhoseExtraScopesWaitForAnAdmin(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice, bob := p.user(t, "alice"), p.user(t, "bob")

	data := p.ok(t, alice, createClient, map[string]any{"input": map[string]any{"name": "reviews bot", "scopes": []string{"reviews:read", "orders:write"}}})
	created := data["createClient"].(map[string]any)
	client := created["client"].(map[string]any)
	id, secret := client["id"].(string), created["secret"].(string)
	assert.Regexp(t, `^client-`, id)
	assert.Equal(t, "alice", client["owner"])
	assert.Equal(t, []any{"reviews:read"}, client["scopes"], "granted: what portal.client_scopes allows")
	assert.Equal(t, []any{"reviews:read", "orders:write"}, client["requestedScopes"])
	assert.Equal(t, []any{"client_credentials"}, client["grantTypes"])

	// The pending scope is in none of the client's tokens, even asked for.
	status, tok := p.clientToken(t, id, secret, "")
	require.Equal(t, http.StatusOK, status, tok)
	assert.Equal(t, "reviews:read", tok["scope"])
	status, tok = p.clientToken(t, id, secret, "orders:write")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_scope", tok["error"])

	// Its token is a CONSUMER of the registry API too, one that registers no clients.
	_, tok = p.clientToken(t, id, secret, "")
	clientToken := tok["access_token"].(string)
	data = p.ok(t, clientToken, `{ viewer { subject name roles clientID } clients { id } }`, nil)
	assert.Equal(t, map[string]any{"subject": id, "name": id, "roles": []any{"CONSUMER"}, "clientID": id}, data["viewer"])
	assert.Empty(t, data["clients"])
	msg := p.refused(t, clientToken, "FORBIDDEN", createClient, map[string]any{"input": map[string]any{}})
	assert.Equal(t, "an API client's own token cannot register API clients: sign in as a user", msg)

	// Each user sees their own clients; another's are not found, as if absent.
	data = p.ok(t, alice, `{ clients { id owner } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": id, "owner": "alice"}}, data["clients"])
	data = p.ok(t, bob, `{ clients { id } }`, nil)
	assert.Empty(t, data["clients"])
	for _, mutation := range []string{
		`mutation($id: ID!) { rotateClientSecret(id: $id) { secret } }`,
		`mutation($id: ID!) { deleteClient(id: $id) }`,
	} {
		theirs := p.refused(t, bob, "NOT_FOUND", mutation, map[string]any{"id": id})
		absent := p.refused(t, bob, "NOT_FOUND", mutation, map[string]any{"id": "client-nobody"})
		assert.Equal(t, fmt.Sprintf("client %q: not found", id), theirs)
		assert.Equal(t, `client "client-nobody": not found`, absent)
		// Clients registered with the admin token belong to nobody, alice included.
		p.refused(t, alice, "NOT_FOUND", mutation, map[string]any{"id": "portal"})
	}
	p.refused(t, bob, "FORBIDDEN", `mutation($id: ID!) { grantClientScopes(id: $id, scopes: ["orders:write"]) { id } }`, map[string]any{"id": id})
	status, _ = p.clientToken(t, id, secret, "")
	require.Equal(t, http.StatusOK, status, "bob changed nothing")

	// An administrator sees every client, and grants the pending scope.
	data = p.ok(t, token, `{ clients { id owner } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": id, "owner": "alice"}, map[string]any{"id": "portal", "owner": nil}}, data["clients"])
	data = p.ok(t, token, `mutation($id: ID!) { grantClientScopes(id: $id, scopes: ["reviews:read", "orders:write"]) { scopes requestedScopes } }`,
		map[string]any{"id": id})
	assert.Equal(t, map[string]any{"scopes": []any{"reviews:read", "orders:write"}, "requestedScopes": []any{"reviews:read", "orders:write"}},
		data["grantClientScopes"])
	status, tok = p.clientToken(t, id, secret, "")
	require.Equal(t, http.StatusOK, status, tok)
	assert.Equal(t, "reviews:read orders:write", tok["scope"])
	p.refused(t, token, "BAD_USER_INPUT", `mutation { grantClientScopes(id: "portal", scopes: ["a b"]) { id } }`, nil)
	p.refused(t, token, "NOT_FOUND", `mutation { grantClientScopes(id: "nobody", scopes: ["a"]) { id } }`, nil)

	// The owner rotates the secret and deletes the client.
	data = p.ok(t, alice, `mutation($id: ID!) { rotateClientSecret(id: $id) { client { id } secret } }`, map[string]any{"id": id})
	fresh := data["rotateClientSecret"].(map[string]any)["secret"].(string)
	status, _ = p.clientToken(t, id, secret, "")
	assert.Equal(t, http.StatusUnauthorized, status, "the old secret stopped working")
	status, _ = p.clientToken(t, id, fresh, "")
	assert.Equal(t, http.StatusOK, status)
	data = p.ok(t, alice, `mutation($id: ID!) { deleteClient(id: $id) }`, map[string]any{"id": id})
	assert.Equal(t, true, data["deleteClient"])
	require.Eventually(t, func() bool {
		return p.do(t, clientToken, `{ viewer { subject } }`, nil).Status == http.StatusUnauthorized
	},
		3*time.Second, 50*time.Millisecond, "its tokens are revoked")
}

func TestConsumersRegisterConfidentialClientCredentialsClientsOnly(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice")
	for _, tc := range []struct {
		input map[string]any
		want  string
	}{
		{map[string]any{"public": true, "redirectURIs": []string{"https://app.example/cb"}},
			"public: you may register confidential clients only (client_credentials); ask an administrator for a public client"},
		{map[string]any{"grantTypes": []string{"authorization_code"}},
			`grantTypes: "authorization_code": you may register clients with client_credentials only; ask an administrator for others`},
		{map[string]any{"grantTypes": []string{"urn:ietf:params:oauth:grant-type:token-exchange"}}, "client_credentials only"},
		{map[string]any{"redirectURIs": []string{"https://app.example/cb"}}, "redirectURIs: only for sign-ins"},
		{map[string]any{"id": "alice"}, "id: leave it out: the IDs of the clients you register are generated"},
		{map[string]any{"scopes": []string{"a b"}}, `scope "a b": not a valid scope`},
	} {
		msg := p.refused(t, alice, "BAD_USER_INPUT", createClient, map[string]any{"input": tc.input})
		assert.Contains(t, msg, tc.want)
	}

	// At most 20 each.
	for range 20 {
		p.ok(t, alice, createClient, map[string]any{"input": map[string]any{}})
	}
	msg := p.refused(t, alice, "BAD_USER_INPUT", createClient, map[string]any{"input": map[string]any{}})
	assert.Contains(t, msg, "you have 20 API clients, the most a user may register: delete one first")
	p.ok(t, p.user(t, "bob"), createClient, map[string]any{"input": map[string]any{}})

	// An ADMIN user registers any client, owned by them and granted what it asks for.
	carol := p.user(t, "carol", "atrium-admins")
	data := p.ok(t, carol, createClient, map[string]any{"input": map[string]any{"id": "spa", "public": true,
		"redirectURIs": []string{"https://app.example/cb"}, "scopes": []string{"orders:write"}}})
	client := data["createClient"].(map[string]any)["client"].(map[string]any)
	assert.Equal(t, "carol", client["owner"])
	assert.Equal(t, []any{"orders:write"}, client["scopes"])
	assert.Nil(t, data["createClient"].(map[string]any)["secret"])
	data = p.ok(t, carol, `{ clients { id } }`, nil)
	assert.Len(t, data["clients"], 23, "an ADMIN sees every client: alice's 20, bob's, the portal's and carol's")
}
