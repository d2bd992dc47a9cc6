package devidp_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/atrium-gateway/atrium/auth/devidp"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	ctx := context.Background()

	tok, err := devidp.SignIn(ctx, nil, issuer, "cli", "", "http://127.0.0.1:8085/callback", "alice", "wonderland",
		[]string{"openid", "groups", "offline_access"})
	require.NoError(t, err)
	assert.NotEmpty(t, tok.Extra("id_token"))
	assert.NotEmpty(t, tok.RefreshToken)
	principal, err := verifier(t, issuer).Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "u-alice", principal.Subject)
	assert.Equal(t, []string{"openid", "groups", "offline_access"}, principal.Scopes)

	// The refresh token works with oauth2's own refresh, and may narrow the scopes.
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"cli"}, "scope": {"openid"}}
	refreshed := token(t, issuer, form)
	require.Equal(t, http.StatusOK, refreshed.status, refreshed.Description)
	principal, err = verifier(t, issuer).Verify(ctx, refreshed.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []string{"openid"}, principal.Scopes)
	form.Set("refresh_token", refreshed.RefreshToken)
	form.Set("scope", "openid groups offline_access") // the grant kept its scopes
	assert.Equal(t, http.StatusOK, token(t, issuer, form).status)
	form = url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"cli"}}
	assert.Equal(t, "invalid_grant", token(t, issuer, form).Error, "rotated")

	// A confidential client, without offline_access: no refresh token.
	tok, err = devidp.SignIn(ctx, http.DefaultClient, issuer, "web", "web-secret", webRedirect, "bob", "builder", []string{"openid", "products:read"})
	require.NoError(t, err)
	assert.Empty(t, tok.RefreshToken)
	principal, err = verifier(t, issuer).Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "bob", principal.Subject, "a user's id defaults to the username")
	assert.Equal(t, "web", principal.ClientID)

	_, err = devidp.SignIn(ctx, nil, issuer, "cli", "", "http://127.0.0.1/callback", "alice", "nope", []string{"openid"})
	assert.ErrorIs(t, err, devidp.ErrInvalidCredentials)

	_, err = devidp.SignIn(ctx, nil, issuer, "web", "wrong", webRedirect, "alice", "wonderland", []string{"openid"})
	var re *oauth2.RetrieveError
	require.True(t, errors.As(err, &re), "%v", err)
	assert.Equal(t, "invalid_client", re.ErrorCode)

	_, err = devidp.SignIn(ctx, nil, issuer, "nobody", "", "http://127.0.0.1/callback", "alice", "wonderland", []string{"openid"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "(400), not to the login page")
	assert.Contains(t, err.Error(), "unable to retrieve client by id")

	_, err = devidp.SignIn(ctx, nil, issuer+"x", "cli", "", "http://127.0.0.1/callback", "alice", "wonderland", nil)
	assert.ErrorContains(t, err, "devidp: discovery")
}

func TestIntrospectionAndRevocation(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	ctx := context.Background()
	tok, err := devidp.SignIn(ctx, nil, issuer, "cli", "", "http://127.0.0.1:8085/callback", "alice", "wonderland",
		[]string{"openid", "email", "offline_access"})
	require.NoError(t, err)

	introspect := func(token string, basic ...string) map[string]any {
		a := do(t, http.DefaultClient, http.MethodPost, issuer+"/oauth/introspect", url.Values{"token": {token}}, basic...)
		require.Equal(t, http.StatusOK, a.status, a.body)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(a.body), &out))
		return out
	}
	// The atrium client is in every access token's audience: it may introspect them all.
	got := introspect(tok.AccessToken, "atrium", "atrium-secret")
	assert.Equal(t, true, got["active"])
	assert.Equal(t, "u-alice", got["sub"])
	assert.Equal(t, "cli", got["client_id"])
	assert.Equal(t, "openid email offline_access", got["scope"])
	assert.Equal(t, "alice@example.com", got["email"])
	assert.Equal(t, map[string]any{"active": false}, introspect(tok.AccessToken, "web", "web-secret"), "not web's token")
	assert.Equal(t, map[string]any{"active": false}, introspect("not-a-token", "atrium", "atrium-secret"))
	a := do(t, http.DefaultClient, http.MethodPost, issuer+"/oauth/introspect", url.Values{"token": {tok.AccessToken}})
	assert.Equal(t, http.StatusUnauthorized, a.status, "introspection needs client credentials")

	// cli (public) revokes its access token, then its refresh token.
	a = do(t, http.DefaultClient, http.MethodPost, issuer+"/revoke", url.Values{"token": {tok.AccessToken}, "client_id": {"cli"}})
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.Equal(t, false, introspect(tok.AccessToken, "atrium", "atrium-secret")["active"])
	a = do(t, http.DefaultClient, http.MethodPost, issuer+"/revoke", url.Values{"token": {tok.RefreshToken}}, "web", "web-secret")
	assert.Equal(t, http.StatusUnauthorized, a.status, "web cannot revoke cli's refresh token")
	a = do(t, http.DefaultClient, http.MethodPost, issuer+"/revoke", url.Values{"token": {tok.RefreshToken}, "client_id": {"cli"}})
	require.Equal(t, http.StatusOK, a.status, a.body)
	refresh := token(t, issuer, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"cli"}})
	assert.Equal(t, "invalid_grant", refresh.Error)
}

func TestEndSession(t *testing.T) {
	t.Parallel()
	issuer := startIDP(t)
	tok, err := devidp.SignIn(context.Background(), nil, issuer, "cli", "", "http://127.0.0.1:8085/callback", "alice", "wonderland",
		[]string{"openid", "offline_access"})
	require.NoError(t, err)
	c := browser(t)
	params := url.Values{"id_token_hint": {tok.Extra("id_token").(string)}, "post_logout_redirect_uri": {"http://127.0.0.1/callback"}, "state": {"s"}}
	a := do(t, c, http.MethodGet, issuer+"/end_session?"+params.Encode(), nil)
	require.Equal(t, http.StatusFound, a.status, a.body)
	assert.Equal(t, "http://127.0.0.1/callback?state=s", a.location)
	refresh := token(t, issuer, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {"cli"}})
	assert.Equal(t, "invalid_grant", refresh.Error, "signing out revokes the client's tokens of the user")

	a = do(t, c, http.MethodGet, issuer+"/end_session", nil)
	require.Equal(t, http.StatusFound, a.status)
	assert.Equal(t, issuer+"/logged-out", a.location)
	a = do(t, c, http.MethodGet, a.location, nil)
	assert.Equal(t, http.StatusOK, a.status)
	assert.Contains(t, a.body, "You are signed out.")

	params.Set("post_logout_redirect_uri", "https://evil.example/")
	a = do(t, c, http.MethodGet, issuer+"/end_session?"+params.Encode(), nil)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Empty(t, a.location)
}
