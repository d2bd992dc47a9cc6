package auth_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
)

// shopSupergraph composes testdata/authorization's subgraphs.
func shopSupergraph(tb testing.TB) string {
	tb.Helper()
	var inputs []compose.Input
	for _, name := range []string{"accounts", "posts"} {
		sdl, err := os.ReadFile("../testdata/authorization/" + name + ".graphql")
		require.NoError(tb, err)
		inputs = append(inputs, compose.Input{Name: name, URL: "http://" + name, SDL: string(sdl)})
	}
	r := compose.Compose(inputs)
	require.NoError(tb, r.Err())
	return r.Supergraph
}

var shopRules = auth.Rules{Policies: map[string]auth.Policy{
	"hr":    {Claims: map[string][]string{"groups": {"hr", "admin"}}},
	"staff": {Claims: map[string][]string{"realm_access.roles": {"staff"}}, Scopes: []string{"staff:read"}},
}}

func shopAuthorizer(tb testing.TB, sdl string) (*federation.Supergraph, *auth.Authorizer) {
	tb.Helper()
	sg, err := federation.Parse("shop", sdl)
	require.NoError(tb, err)
	a := auth.NewAuthorizer(sg, shopRules)
	require.NotNil(tb, a)
	return sg, a
}

// filtered is one Filter run, printed for assertions.
type filtered struct {
	query  string   // the filtered operation, whitespace folded
	paths  []string // the removed paths
	denied int
	raw    *auth.Filtered
	doc    *ast.QueryDocument
}

func run(t *testing.T, sg *federation.Supergraph, a *auth.Authorizer, query string, vars map[string]any, p *auth.Principal) filtered {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, query, nil)
	require.Empty(t, errs)
	op := doc.Operations[0]
	atoms := a.Atoms(op)
	mask, ok := a.Mask(p, atoms)
	require.True(t, ok)
	f := a.Filter(op, vars, a.HeldFromMask(atoms, mask))
	// The mask is all the filter needs: the principal itself gives the same answer.
	direct := a.Filter(op, vars, a.Held(p))
	require.Equal(t, f.Paths, direct.Paths)
	require.Equal(t, len(f.Denied), len(direct.Denied))

	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithCompacted()).FormatQueryDocument(&ast.QueryDocument{Operations: ast.OperationList{f.Operation}, Fragments: doc.Fragments})
	out := filtered{query: strings.Join(strings.Fields(buf.String()), " "), denied: len(f.Denied), raw: f, doc: doc}
	for _, p := range f.Paths {
		out.paths = append(out.paths, p.String())
	}
	return out
}

var (
	anonymous = (*auth.Principal)(nil)
	signedIn  = &auth.Principal{Subject: "u1"}
)

func scoped(scopes ...string) *auth.Principal { return &auth.Principal{Subject: "u1", Scopes: scopes} }

func TestFilterAuthenticated(t *testing.T) {
	t.Parallel()
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	q := `{ me { name } user(id: "u1") { name secret { code } } }`

	got := run(t, sg, a, q, nil, anonymous)
	assert.Equal(t, []string{"me", "user.secret"}, got.paths, "a field and a field whose type is @authenticated")
	assert.Equal(t, `query { user(id: "u1") { name } }`, got.query)

	got = run(t, sg, a, q, nil, signedIn)
	assert.Empty(t, got.paths)
	assert.Nil(t, got.raw.Denied)
	assert.Same(t, got.doc.Operations[0], got.raw.Operation, "nothing removed: the operation itself")
}

func TestFilterScopesAreAnOrOfAnds(t *testing.T) {
	t.Parallel()
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	// users needs (users:read AND admin) OR root.
	for _, c := range []struct {
		scopes  []string
		allowed bool
	}{
		{nil, false},
		{[]string{"users:read"}, false},
		{[]string{"admin"}, false},
		{[]string{"users:read", "admin"}, true},
		{[]string{"root"}, true},
		{[]string{"other", "root"}, true},
	} {
		got := run(t, sg, a, `{ users { id } }`, nil, scoped(c.scopes...))
		if c.allowed {
			assert.Empty(t, got.paths, "%v", c.scopes)
		} else {
			assert.Equal(t, []string{"users"}, got.paths, "%v", c.scopes)
		}
	}
}

func TestFilterPoliciesReadClaims(t *testing.T) {
	t.Parallel()
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	q := `{ user(id: "u1") { salary badge } staff { id } }`
	for _, c := range []struct {
		name   string
		claims map[string]any
		scopes []string
		want   []string
	}{
		{"no claims", nil, nil, []string{"user.salary", "user.badge", "staff"}},
		{"hr by a string claim", map[string]any{"groups": "hr"}, nil, []string{"staff"}},
		{"hr by a list claim", map[string]any{"groups": []any{"eng", "admin"}}, nil, []string{"staff"}},
		{"other groups", map[string]any{"groups": []any{"eng"}}, nil, []string{"user.salary", "user.badge", "staff"}},
		{"staff needs the nested role and the scope", map[string]any{"realm_access": map[string]any{"roles": []any{"staff"}}}, nil, []string{"user.salary", "user.badge", "staff"}},
		{"staff", map[string]any{"realm_access": map[string]any{"roles": []any{"staff"}}}, []string{"staff:read"}, []string{"user.salary"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, sg, a, q, nil, &auth.Principal{Subject: "u1", Claims: c.claims, Scopes: c.scopes})
			assert.Equal(t, c.want, got.paths)
		})
	}
	// A policy nobody configured is never granted, and named once.
	assert.Equal(t, []string{"auditor"}, a.UndefinedPolicies())
	got := run(t, sg, a, `{ audit }`, nil, &auth.Principal{Subject: "root", Claims: map[string]any{"groups": "hr"}, Scopes: []string{"root"}})
	assert.Equal(t, []string{"audit"}, got.paths)
}

func TestFilterFragmentsAliasesAndSkip(t *testing.T) {
	t.Parallel()
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	q := `query($hide: Boolean!) {
		u: user(id: "u1") { n: name ...Pay ... on User { mail: email } hidden: email @skip(if: $hide) }
		again: user(id: "u2") { ...Pay }
	}
	fragment Pay on User { pay: salary id }`
	got := run(t, sg, a, q, map[string]any{"hide": true}, signedIn)
	assert.Equal(t, []string{"u.pay", "u.mail", "again.pay"}, got.paths, "response keys; nothing for the skipped field")
	assert.Equal(t, `query ($hide: Boolean!) { u: user(id: "u1") { n: name ... on User { id } } again: user(id: "u2") { ... on User { id } } } fragment Pay on User { pay: salary id }`, got.query,
		"the spread becomes an inline fragment; the shared fragment definition is untouched")
	assert.Equal(t, 3, got.denied, "pay (one node, spread twice), mail and hidden")
}

func TestFilterRemovesFieldsLeftEmptyAndEverything(t *testing.T) {
	t.Parallel()
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	got := run(t, sg, a, `{ user(id: "u1") { email } me { id } }`, nil, anonymous)
	assert.Equal(t, []string{"user.email", "me"}, got.paths, "user itself is not reported: its removed field is")
	assert.Equal(t, `query`, got.query, "nothing is left to ask a subgraph")
	assert.Equal(t, 3, got.denied)
}

func TestFilterInterfaces(t *testing.T) {
	t.Parallel()
	sdl := shopSupergraph(t)
	// Composition gives Post the requirements of all its implementations (Apollo's rule).
	require.Contains(t, sdl, "interface Post\n  @join__type(graph: POSTS)\n  @authenticated\n")
	require.Contains(t, sdl, `body: String @requiresScopes(scopes: [["posts:read"]])`)
	sg, a := shopAuthorizer(t, sdl)
	got := run(t, sg, a, `{ feed { __typename ... on PublicPost { title } } latest { title } }`, nil, anonymous)
	assert.Equal(t, []string{"feed"}, got.paths, "a field of an interface type every implementation's requirements apply to")

	got = run(t, sg, a, `{ feed { id title body } }`, nil, signedIn)
	assert.Equal(t, []string{"feed.@.body"}, got.paths, "Post.body needs what every implementation's body needs")
	got = run(t, sg, a, `{ feed { id ... on PublicPost { body } } }`, nil, signedIn)
	assert.Empty(t, got.paths, "PublicPost.body needs nothing")

	// A supergraph composed before Apollo propagated requirements to interfaces: the same
	// answers, from the implementations at run time.
	old := strings.Replace(sdl, "interface Post\n  @join__type(graph: POSTS)\n  @authenticated\n", "interface Post\n  @join__type(graph: POSTS)\n", 1)
	old = strings.Replace(old, "  body: String @requiresScopes(scopes: [[\"posts:read\"]])\n}\n\ntype PrivatePost", "  body: String\n}\n\ntype PrivatePost", 1)
	require.NotEqual(t, sdl, old)
	sg, a = shopAuthorizer(t, old)
	got = run(t, sg, a, `{ feed { id } }`, nil, anonymous)
	assert.Equal(t, []string{"feed"}, got.paths)
	got = run(t, sg, a, `{ feed { __typename ... on PublicPost { title } ... on PrivatePost { viewers { id } } } }`, nil, anonymous)
	assert.Equal(t, []string{"feed.@.viewers"}, got.paths, "fragments on the implementations are checked one by one")
	assert.Equal(t, `query { feed { __typename ... on PublicPost { title } } }`, got.query)
	got = run(t, sg, a, `{ feed { id body } }`, nil, signedIn)
	assert.Equal(t, []string{"feed.@.body"}, got.paths)
}

func TestFilterMutations(t *testing.T) {
	t.Parallel()
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	got := run(t, sg, a, `mutation { deleteUser(id: "u2") touch(id: "u1") }`, nil, signedIn)
	assert.Equal(t, []string{"deleteUser"}, got.paths)
	assert.Equal(t, `mutation { touch(id: "u1") }`, got.query)
}

func TestAtomsAndMask(t *testing.T) {
	sg, a := shopAuthorizer(t, shopSupergraph(t))
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, `query($s: Boolean!) { latest { title } users @skip(if: $s) { id } }`, nil)
	require.Empty(t, errs)
	op := doc.Operations[0]
	atoms := a.Atoms(op)
	assert.Len(t, atoms, 3, "users:read, admin and root; variables do not matter")
	m, ok := a.Mask(nil, atoms)
	assert.True(t, ok)
	assert.Zero(t, m)
	m1, _ := a.Mask(scoped("root", "unrelated"), atoms)
	m2, _ := a.Mask(scoped("root"), atoms)
	assert.Equal(t, m1, m2, "scopes the operation does not depend on do not change the mask")
	assert.NotZero(t, m1)

	doc, errs = gqlparser.LoadQueryWithRules(sg.API, `{ latest { title } }`, nil)
	require.Empty(t, errs)
	assert.Empty(t, a.Atoms(doc.Operations[0]), "an operation that meets no directive")
	root := scoped("root")
	assert.Equal(t, 0, int(testing.AllocsPerRun(100, func() { _, _ = a.Mask(root, atoms) })))
}

func TestNoDirectivesNoAuthorizer(t *testing.T) {
	t.Parallel()
	sdl, err := os.ReadFile("../demo/supergraph.graphql")
	require.NoError(t, err)
	sg, err := federation.Parse("demo", string(sdl))
	require.NoError(t, err)
	assert.Nil(t, auth.NewAuthorizer(sg, shopRules))
}

func TestPolicyProblemsAndAllows(t *testing.T) {
	t.Parallel()
	assert.Empty(t, auth.Policy{Claims: map[string][]string{"groups": {"a"}}}.Problems())
	assert.True(t, auth.Policy{}.Empty())
	assert.False(t, auth.Policy{}.Allows(&auth.Principal{}), "no conditions: never granted")
	assert.Equal(t, []string{"claims.groups: list the accepted values (at least one)", `scopes[0]: "a b" is not a scope (one scope per entry, without spaces)`},
		auth.Policy{Claims: map[string][]string{"groups": nil}, Scopes: []string{"a b"}}.Problems())
	p := auth.Policy{Claims: map[string][]string{"email_verified": {"true"}, "level": {"3"}, "https://shop.example.com/tier": {"gold"}}}
	assert.True(t, p.Allows(&auth.Principal{Claims: map[string]any{"email_verified": true, "level": 3.0, "https://shop.example.com/tier": "gold"}}),
		"booleans and numbers as JSON writes them; a claim name with dots is tried whole first")
	assert.False(t, p.Allows(&auth.Principal{Claims: map[string]any{"email_verified": false, "level": 3.0, "https://shop.example.com/tier": "gold"}}))
	assert.False(t, p.Allows(nil))
}
