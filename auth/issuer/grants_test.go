package issuer_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/registry/store"
)

// TestPendingScopesAreIssuedOnlyOnceGranted: a client registered by a user asks for more
// than it is granted; tokens carry the granted scopes only until an administrator grants
// the rest, and taking a scope away revokes what the client holds.
func TestPendingScopesAreIssuedOnlyOnceGranted(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	c, secret, err := in.iss.CreateClient(ctx, issuer.ClientSpec{Name: "alice's reports", Owner: "alice",
		Scopes: []string{"reviews:read", "orders:write"}, Pending: []string{"orders:write"}})
	require.NoError(t, err)
	require.Equal(t, "alice", c.Owner)
	require.Equal(t, []string{"reviews:read"}, c.Scopes)
	require.Equal(t, []string{"reviews:read", "orders:write"}, c.RequestedScopes)

	status, tok := in.clientCredentials(t, c.ID, secret, nil)
	require.Equal(t, http.StatusOK, status, tok.Description)
	require.Equal(t, "reviews:read", tok.Scope, "the pending scope is not issued")
	status, tok = in.clientCredentials(t, c.ID, secret, url.Values{"scope": {"orders:write"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_scope", tok.Error, "nor when asked for")

	granted, err := in.iss.GrantScopes(ctx, c.ID, []string{"reviews:read", "orders:write", "orders:write"})
	require.NoError(t, err)
	require.Equal(t, []string{"reviews:read", "orders:write"}, granted.Scopes)
	status, tok = in.clientCredentials(t, c.ID, secret, nil)
	require.Equal(t, http.StatusOK, status, tok.Description)
	require.Equal(t, "reviews:read orders:write", tok.Scope)
	p, err := in.verifier.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, []string{"reviews:read", "orders:write"}, p.Scopes)

	// Taking orders:write away revokes the token that carries it.
	_, err = in.iss.GrantScopes(ctx, c.ID, []string{"reviews:read"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { _, err := in.verifier.Verify(ctx, tok.AccessToken); return err != nil }, 3*time.Second, 50*time.Millisecond)
	status, tok = in.clientCredentials(t, c.ID, secret, nil)
	require.Equal(t, http.StatusOK, status, tok.Description)
	require.Equal(t, "reviews:read", tok.Scope)

	_, err = in.iss.GrantScopes(ctx, c.ID, []string{"a b"})
	require.ErrorIs(t, err, issuer.ErrInvalidClient)
	_, err = in.iss.GrantScopes(ctx, "nobody", []string{"a"})
	require.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = in.iss.CreateClient(ctx, issuer.ClientSpec{Scopes: []string{"a"}, Pending: []string{"b"}})
	require.ErrorContains(t, err, `pending scope "b": not among the scopes asked for`)
}

func TestClientsAreListedByOwner(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	for _, spec := range []issuer.ClientSpec{{ID: "b", Owner: "alice"}, {ID: "a", Owner: "alice"}, {ID: "c", Owner: "bob"}, {ID: "ops"}} {
		_, _, err := in.iss.CreateClient(ctx, spec)
		require.NoError(t, err)
	}
	mine, err := in.iss.ClientsOwnedBy(ctx, "alice")
	require.NoError(t, err)
	require.Len(t, mine, 2)
	require.Equal(t, "a", mine[0].ID)
	require.Equal(t, "b", mine[1].ID)
	nobody, err := in.iss.ClientsOwnedBy(ctx, "")
	require.NoError(t, err)
	require.Empty(t, nobody)
	ops, err := in.iss.Client(ctx, "ops")
	require.NoError(t, err)
	require.Empty(t, ops.Owner)
	_, err = in.iss.Client(ctx, "nope")
	require.ErrorIs(t, err, store.ErrNotFound)
}
