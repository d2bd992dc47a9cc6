package resolvers_test

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/graph"
)

const publish = `mutation($name: String!, $sdl: String!) {
	publishSubgraph(input: { name: $name, url: "http://127.0.0.1:4001/graphql", sdl: $sdl }) { published version { id publisher } }
}`

func TestTheAdminTokenHasEveryRole(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	data := p.ok(t, token, `{ viewer { subject name email roles clientID } }`, nil)
	assert.Equal(t, map[string]any{"subject": "admin", "name": "Administrator", "email": nil,
		"roles": []any{"CONSUMER", "OWNER", "ADMIN"}, "clientID": nil}, data["viewer"])

	data = p.ok(t, token, publish, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts")})
	assert.Equal(t, map[string]any{"published": true, "version": map[string]any{"id": 1.0, "publisher": "admin"}}, data["publishSubgraph"])
	p.ok(t, token, `{ subgraphs { name } versions { id } currentVersion { id } checks(subgraph: "accounts") { id } }`, nil)
	data = p.ok(t, token, `mutation { createClient(input: { id: "ops", public: true, grantTypes: ["authorization_code"],
		redirectURIs: ["https://ops.example/cb"], scopes: ["orders:write"] }) { client { id owner scopes requestedScopes } } }`, nil)
	assert.Equal(t, map[string]any{"id": "ops", "owner": nil, "scopes": []any{"orders:write"}, "requestedScopes": []any{"orders:write"}},
		data["createClient"].(map[string]any)["client"], "an admin's client belongs to nobody and is granted what it asks for")
	data = p.ok(t, token, `mutation { grantClientScopes(id: "ops", scopes: ["a"]) { scopes } }`, nil)
	assert.Equal(t, map[string]any{"scopes": []any{"a"}}, data["grantClientScopes"])
}

func TestAtriumTokensGetTheRolesTheirScopesGive(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice", "staff")
	bob := p.user(t, "bob", "atrium-owners")
	carol := p.user(t, "carol", "atrium-admins")

	data := p.ok(t, alice, `{ viewer { subject name email roles clientID } }`, nil)
	assert.Equal(t, map[string]any{"subject": "alice", "name": "Alice Example", "email": "alice@example.com",
		"roles": []any{"CONSUMER"}, "clientID": "portal"}, data["viewer"])
	data = p.ok(t, bob, `{ viewer { roles } }`, nil)
	assert.Equal(t, []any{"CONSUMER", "OWNER"}, data["viewer"].(map[string]any)["roles"])
	data = p.ok(t, carol, `{ viewer { roles } }`, nil)
	assert.Equal(t, []any{"CONSUMER", "OWNER", "ADMIN"}, data["viewer"].(map[string]any)["roles"], "ADMIN implies OWNER")

	// An OWNER publishes, under the name people know.
	data = p.ok(t, bob, publish, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts")})
	assert.Equal(t, "bob", data["publishSubgraph"].(map[string]any)["version"].(map[string]any)["publisher"])
	data = p.ok(t, bob, `{ versions { id publisher } subgraphs { name } diff(from: 1, to: 1) { code } }`, nil)
	assert.Equal(t, []any{map[string]any{"id": 1.0, "publisher": "bob"}}, data["versions"])
	p.ok(t, carol, `{ subgraphs { name } }`, nil)
	long := p.user(t, strings.Repeat("é", 200), "atrium-owners")
	data = p.ok(t, long, publish, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts") + "\n# v2"})
	assert.Equal(t, strings.Repeat("é", 128), data["publishSubgraph"].(map[string]any)["version"].(map[string]any)["publisher"],
		"a name too long for the history is cut, not refused")

	// A CONSUMER does not see the registry: each field says the role it needs.
	for _, q := range []struct{ query, field string }{
		{`{ subgraphs { name } }`, "subgraphs"},
		{`{ subgraph(name: "accounts") { name } }`, "subgraph"},
		{`{ versions { id } }`, "versions"},
		{`{ version(id: 1) { id } }`, "version"},
		{`{ diff(from: 1, to: 1) { code } }`, "diff"},
		{`{ checks(subgraph: "accounts") { id } }`, "checks"},
		{`mutation { checkSubgraph(input: { name: "accounts", delete: true }) { passed } }`, "checkSubgraph"},
		{`mutation { deleteSubgraph(input: { name: "accounts" }) { published } }`, "deleteSubgraph"},
	} {
		msg := p.refused(t, alice, "FORBIDDEN", q.query, nil)
		assert.Equal(t, q.field+" needs the OWNER role, which this token does not have", msg)
	}
	msg := p.refused(t, alice, "FORBIDDEN", publish, map[string]any{"name": "evil", "sdl": "type Query { a: Int }"})
	assert.Contains(t, msg, "publishSubgraph needs the OWNER role")
	msg = p.refused(t, bob, "FORBIDDEN", `mutation { grantClientScopes(id: "portal", scopes: ["x"]) { id } }`, nil)
	assert.Contains(t, msg, "grantClientScopes needs the ADMIN role")
	data = p.ok(t, token, `{ subgraphs { name } versions { id } }`, nil)
	assert.Len(t, data["subgraphs"], 1, "the refused publish and delete changed nothing")
	assert.Len(t, data["versions"], 2)

	// A nullable field refused is null at its path; the rest of the answer stands.
	res := p.do(t, alice, `{ viewer { subject } currentVersion { id } }`, nil)
	require.Len(t, res.Errors, 1, res.Body)
	assert.Equal(t, "FORBIDDEN", res.Errors[0].Extensions["code"])
	assert.Equal(t, []any{"currentVersion"}, res.Errors[0].Path)
	assert.Equal(t, map[string]any{"viewer": map[string]any{"subject": "alice"}, "currentVersion": nil}, res.Data)
}

// TestEveryRootFieldNeedsARole keeps the API closed by default: a field added without
// @hasRole fails here, not in production.
func TestEveryRootFieldNeedsARole(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, root := range []string{"Query", "Mutation"} {
		def := schema.Types[root]
		require.NotNil(t, def, root)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			d := f.Directives.ForName("hasRole")
			if assert.NotNil(t, d, "%s.%s has no @hasRole", root, f.Name) {
				assert.NotEmpty(t, d.Arguments.ForName("role").Value.Raw, "%s.%s", root, f.Name)
			}
		}
	}
}

// TestOnlyAtriumsOwnTokensAreAccepted: an upstream provider's valid token is refused with
// what to do instead; invalid tokens are refused alike, whatever is wrong with them.
func TestOnlyAtriumsOwnTokensAreAccepted(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	ctx := t.Context()
	query := `{ viewer { subject } }`

	// A valid token of the upstream provider, which the gateway's /graphql accepts.
	upstream := p.upstream.Token(t, map[string]any{"sub": "alice", "groups": []string{"atrium-admins"}})
	res := p.do(t, upstream, query, nil)
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.Equal(t, []any{"UNAUTHENTICATED"}, res.codes())
	assert.Equal(t, "the registry API accepts Atrium access tokens only, not the identity provider's: exchange this token at "+
		p.URL+"/oauth/token (token exchange), or sign in through Atrium", res.Errors[0].Message)
	assert.Equal(t, `Bearer realm="atrium-registry", error="invalid_token", error_description="not an Atrium access token"`,
		res.Header.Get("WWW-Authenticate"))

	// Invalid Atrium tokens: expired (signed with the issuer's real key), revoked, forged.
	keys, err := p.st.SigningKeys(ctx, 1)
	require.NoError(t, err)
	key, err := x509.ParsePKCS8PrivateKey(keys[0].PrivateKey)
	require.NoError(t, err)
	valid := p.user(t, "alice", "atrium-admins")
	claims := map[string]any{}
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(valid, ".")[1])
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(payload, &claims))
	claims["exp"] = time.Now().Add(-time.Hour).Unix()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keys[0].ID))
	require.NoError(t, err)
	body, _ := json.Marshal(claims)
	signed, err := signer.Sign(body)
	require.NoError(t, err)
	expired, err := signed.CompactSerialize()
	require.NoError(t, err)

	_, secret, err := p.iss.CreateClient(ctx, issuer.ClientSpec{ID: "doomed"})
	require.NoError(t, err)
	_, out := p.clientToken(t, "doomed", secret, "")
	revoked := out["access_token"].(string)
	p.ok(t, revoked, query, nil)
	require.NoError(t, p.iss.DeleteClient(ctx, "doomed"))
	require.Eventually(t, func() bool { return p.do(t, revoked, query, nil).Status == http.StatusUnauthorized }, 3*time.Second, 50*time.Millisecond)

	for name, bearer := range map[string]string{
		"garbage":         "garbage",
		"not a JWS":       "abc.def.ghi",
		"expired":         expired,
		"revoked":         revoked,
		"wrong admin":     token + "x",
		"bad signature":   valid[:len(valid)-4] + "AAAA",
		"unknown issuer":  p.upstream.Token(t, map[string]any{"iss": "https://elsewhere.example"}),
		"oversized token": strings.Repeat("a", 9<<10),
	} {
		res := p.do(t, bearer, query, nil)
		assert.Equal(t, http.StatusUnauthorized, res.Status, name)
		assert.Equal(t, `{"errors":[{"message":"invalid bearer token","extensions":{"code":"UNAUTHENTICATED"}}]}`, res.Body,
			"%s: the same answer whatever is wrong", name)
		assert.Equal(t, `Bearer realm="atrium-registry", error="invalid_token"`, res.Header.Get("WWW-Authenticate"), name)
	}
	p.ok(t, valid, query, nil)

	res = p.do(t, "", query, nil)
	assert.Equal(t, http.StatusUnauthorized, res.Status)
	assert.Equal(t, `Bearer realm="atrium-registry"`, res.Header.Get("WWW-Authenticate"))
	assert.Contains(t, res.Errors[0].Message, "the admin token, or an Atrium access token")
}

// TestPortalReadFieldsByRole: a developer reads the API schema and the changelog, not what
// names the backends (subgraphs serving a field, query plans, who uses which field).
func TestPortalReadFieldsByRole(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice", "staff")
	bob := p.user(t, "bob", "atrium-owners")
	p.ok(t, bob, publish, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts")})

	data := p.ok(t, alice, `{ apiSchema { version types { name fields { name } } } changelog { version } }`, nil)
	assert.NotEmpty(t, data["apiSchema"].(map[string]any)["types"])
	assert.Len(t, data["changelog"], 1)
	res := p.do(t, alice, `{ apiSchema { types { fields { subgraphs } } } }`, nil)
	require.NotEmpty(t, res.Errors, res.Body)
	for _, e := range res.Errors {
		assert.Equal(t, "subgraphs needs the OWNER role, which this token does not have", e.Message, "one error per field")
	}
	assert.Equal(t, map[string]any{"apiSchema": nil}, res.Data)
	for _, q := range []struct{ query, field string }{
		{`{ queryPlan(query: "{ me { name } }") { text } }`, "queryPlan"},
		{`{ fieldUsage(coordinates: ["Query.me"]) { requests } }`, "fieldUsage"},
	} {
		msg := p.refused(t, alice, "FORBIDDEN", q.query, nil)
		assert.Equal(t, q.field+" needs the OWNER role, which this token does not have", msg)
	}
	data = p.ok(t, bob, `{ apiSchema { types { fields { subgraphs } } } queryPlan(query: "{ me { name } }") { text } fieldUsage(coordinates: ["Query.me"]) { requests } }`, nil)
	assert.Contains(t, data["queryPlan"].(map[string]any)["text"], `Fetch(service: "accounts")`)
}

// TestOwnersChangeTheirTeamsSubgraphs: an OWNER publishes and deletes only subgraphs whose
// owner is one of their scopes (their team), or that nobody owns; ADMINs change any.
func TestOwnersChangeTheirTeamsSubgraphs(t *testing.T) {
	t.Parallel()
	p := startPortal(t)
	alice := p.user(t, "alice", "atrium-owners", "team-accounts")
	bob := p.user(t, "bob", "atrium-owners", "team-products")
	carol := p.user(t, "carol", "atrium-admins")
	const publishOwned = `mutation($name: String!, $sdl: String!, $owner: String) {
		publishSubgraph(input: { name: $name, url: "http://127.0.0.1:4001/graphql", sdl: $sdl, owner: $owner }) { published } }`

	p.ok(t, alice, publishOwned, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts"), "owner": "team-accounts"})
	msg := p.refused(t, bob, "FORBIDDEN", publishOwned, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts") + "\n# bob"})
	assert.Equal(t, "subgraph accounts belongs to team-accounts: only its team or an ADMIN may change it", msg)
	p.refused(t, bob, "FORBIDDEN", `mutation { deleteSubgraph(input: { name: "accounts" }) { published } }`, nil)
	msg = p.refused(t, bob, "FORBIDDEN", publishOwned, map[string]any{"name": "products", "sdl": demoSDL(t, "products"), "owner": "team-accounts"})
	assert.Contains(t, msg, `"team-accounts" is not`)

	// Unowned subgraphs are anyone's; the team's member keeps publishing without naming it.
	p.ok(t, bob, publishOwned, map[string]any{"name": "products", "sdl": demoSDL(t, "products")})
	p.ok(t, alice, publishOwned, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts") + "\n# v2"})
	p.ok(t, carol, publishOwned, map[string]any{"name": "accounts", "sdl": demoSDL(t, "accounts") + "\n# v3"})
	p.ok(t, token, `mutation { deleteSubgraph(input: { name: "products" }) { published } }`, nil)
	data := p.ok(t, token, `{ subgraph(name: "accounts") { owner } }`, nil)
	assert.Equal(t, "team-accounts", data["subgraph"].(map[string]any)["owner"])
}
