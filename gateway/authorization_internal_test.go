package gateway

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/federation/compose"
)

// authzSnapshot serves testdata/authorization's supergraph (no requests are sent).
func authzSnapshot(tb testing.TB) (*Snapshot, *ast.OperationDefinition) {
	tb.Helper()
	var inputs []compose.Input
	for _, name := range []string{"accounts", "posts"} {
		sdl, err := os.ReadFile("../testdata/authorization/" + name + ".graphql")
		require.NoError(tb, err)
		inputs = append(inputs, compose.Input{Name: name, URL: "http://127.0.0.1:1/" + name, SDL: string(sdl)})
	}
	res := compose.Compose(inputs)
	require.NoError(tb, res.Err())
	sg, err := federation.Parse("supergraph", res.Supergraph)
	require.NoError(tb, err)
	snap, err := NewSnapshot(sg, Options{Authorization: auth.Rules{Policies: map[string]auth.Policy{"hr": {Claims: map[string][]string{"groups": {"hr"}}}}}})
	require.NoError(tb, err)
	tb.Cleanup(snap.Close)
	doc, errs := gqlparser.LoadQueryWithRules(sg.API, `query($id: ID!) {
		me { id name email } user(id: $id) { id name email salary badge } latest { id title author { name email } } users { id }
	}`, nil)
	require.Empty(tb, errs)
	return snap, doc.Operations[0]
}

// A plan-cache hit costs no allocation for any caller, anonymous or not: the caller's
// rights are a mask over the few the operation depends on.
func TestAuthorizedPlanCacheHitAllocatesNothing(t *testing.T) {
	snap, op := authzSnapshot(t)
	vars := map[string]any{"id": "u1"}
	for _, p := range []*auth.Principal{nil, {Subject: "u1", Scopes: []string{"email:read"}, Claims: map[string]any{"groups": []any{"hr"}}}} {
		first, _, err := snap.plan(op, vars, p)
		require.NoError(t, err)
		time.Sleep(10 * time.Millisecond) // ristretto admits asynchronously
		again, _, err := snap.plan(op, vars, p)
		require.NoError(t, err)
		require.Same(t, first, again, "cached")
		allocs := testing.AllocsPerRun(100, func() { _, _, _ = snap.plan(op, vars, p) })
		require.Zero(t, allocs)
	}
	anon, _, _ := snap.plan(op, vars, nil)
	other, _, _ := snap.plan(op, vars, &auth.Principal{Subject: "u2"})
	require.NotSame(t, anon, other, "other rights, another plan")
	require.NotEqual(t, anon.removed, other.removed)
}

// BenchmarkPlanCachedAuthorized is BenchmarkPlanCached on a supergraph with authorization
// directives, for an anonymous and a signed-in caller.
func BenchmarkPlanCachedAuthorized(b *testing.B) {
	snap, op := authzSnapshot(b)
	vars := map[string]any{"id": "u1"}
	for name, p := range map[string]*auth.Principal{"anonymous": nil, "signed-in": {Subject: "u1", Scopes: []string{"email:read"}}} {
		if _, _, err := snap.plan(op, vars, p); err != nil {
			b.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := snap.plan(op, vars, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
