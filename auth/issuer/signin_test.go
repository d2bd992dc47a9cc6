package issuer_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/devidp"
	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

const appRedirect = "http://127.0.0.1/app/callback"

// federated is an Atrium issuer whose users sign in at a real OpenID Connect provider
// (auth/devidp, zitadel's op) where Atrium is a confidential client.
type federated struct {
	*instance
	idp *devidp.Provider
}

func startFederated(t *testing.T, dsn string) *federated {
	t.Helper()
	// The provider must know Atrium's callback URL before Atrium starts: reserve Atrium's
	// address by starting the provider with a redirect to a fixed loopback port.
	atriumAddr := freeAddr(t)
	idpSrv := httptest.NewUnstartedServer(nil)
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)
	idp, err := devidp.New(devidp.Options{Issuer: idpSrv.URL,
		Users: []devidp.User{{ID: "u-ada", Username: "ada", Password: "lovelace", Email: "ada@example.com", Name: "Ada", Groups: []string{"orders:read", "staff"}}},
		Clients: []devidp.Client{
			{ID: "atrium", Secret: "atrium-secret", RedirectURIs: []string{"http://" + atriumAddr + issuer.CallbackPath}},
			{ID: "spa", RedirectURIs: []string{appRedirect}}, // the provider's own public client, whose tokens are exchanged
		}})
	require.NoError(t, err)
	idpSrv.Config.Handler = idp
	providers := []auth.ProviderConfig{{Name: "devidp", Issuer: idpSrv.URL, Audiences: []string{"atrium", "spa"},
		ClientID: "atrium", ClientSecret: "atrium-secret", SignInScopes: []string{"openid", "profile", "email", "groups"},
		Claims: auth.ClaimNames{Scopes: "groups"}}}
	upstream, err := auth.NewVerifier(t.Context(), providers, nil)
	require.NoError(t, err)
	in := start(t, setup{dsn: dsn, providers: providers, upstream: upstream, addr: atriumAddr})
	return &federated{instance: in, idp: idp}
}

func TestUsersSignInThroughTheUpstreamProviderWithPKCE(t *testing.T) {
	t.Parallel()
	f := startFederated(t, storetest.SQLite(t))
	ctx := t.Context()
	_, _, err := f.iss.CreateClient(ctx, issuer.ClientSpec{ID: "web", Public: true, RedirectURIs: []string{appRedirect},
		Scopes: []string{"orders:read", "orders:write"}})
	require.NoError(t, err)

	tok, err := devidp.SignIn(ctx, nil, f.URL, "web", "", appRedirect, "ada", "lovelace", []string{"openid", "email", "profile", "offline_access", "orders:read"})
	require.NoError(t, err)
	require.NotEmpty(t, tok.RefreshToken, "offline_access gives a refresh token")
	p, err := f.verifier.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "u-ada", p.Subject)
	require.Equal(t, "web", p.ClientID)
	require.Equal(t, "devidp", p.Claims["idp"])
	require.Equal(t, "ada@example.com", p.Claims["email"])
	require.ElementsMatch(t, []string{"openid", "email", "profile", "offline_access", "orders:read"}, p.Scopes,
		"the user's staff group is no scope of this client; orders:write is not the user's")

	// The ID token is Atrium's, for the app.
	idToken, _ := tok.Extra("id_token").(string)
	provider, err := oidc.NewProvider(ctx, f.URL)
	require.NoError(t, err)
	id, err := provider.Verifier(&oidc.Config{ClientID: "web"}).Verify(ctx, idToken)
	require.NoError(t, err)
	require.Equal(t, "u-ada", id.Subject)
	_, err = f.verifier.Verify(ctx, idToken)
	require.ErrorIs(t, err, auth.ErrInvalidToken, "an ID token is no access token")

	// Refresh rotates; the spent refresh token used again revokes the whole family.
	refresh := func(token string) (int, tokenResponse) {
		status, out, _ := f.post(t, issuer.TokenPath, "", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {token}, "client_id": {"web"}})
		return status, out
	}
	status, next := refresh(tok.RefreshToken)
	require.Equal(t, http.StatusOK, status, next.Description)
	require.NotEqual(t, tok.RefreshToken, next.RefreshToken)
	p2, err := f.verifier.Verify(ctx, next.AccessToken)
	require.NoError(t, err)
	require.Equal(t, p.Claims["email"], p2.Claims["email"], "a refresh keeps the claims")
	status, replay := refresh(tok.RefreshToken)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", replay.Error)
	status, _ = refresh(next.RefreshToken)
	require.Equal(t, http.StatusBadRequest, status, "the family is revoked: the newest refresh token too")
	require.Eventually(t, func() bool { _, err := f.verifier.Verify(ctx, next.AccessToken); return err != nil }, 3*time.Second, 50*time.Millisecond)
	_, err = f.verifier.Verify(ctx, tok.AccessToken)
	require.Error(t, err)

	// Wrong password: no token, the page says nothing more.
	_, err = devidp.SignIn(ctx, nil, f.URL, "web", "", appRedirect, "ada", "wrong", []string{"openid"})
	require.ErrorIs(t, err, devidp.ErrInvalidCredentials)
}

func TestAuthorizationCodesAreSingleUseAndBoundToPKCE(t *testing.T) {
	t.Parallel()
	f := startFederated(t, storetest.SQLite(t))
	ctx := t.Context()
	_, _, err := f.iss.CreateClient(ctx, issuer.ClientSpec{ID: "web", Public: true, RedirectURIs: []string{appRedirect}})
	require.NoError(t, err)

	// Without PKCE the authorization request is refused at once.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(f.URL + issuer.AuthorizePath + "?" + url.Values{"response_type": {"code"}, "client_id": {"web"},
		"redirect_uri": {appRedirect}, "scope": {"openid"}, "state": {"s"}}.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "invalid_request", back.Query().Get("error"))
	// An unregistered redirect URI is never redirected to.
	resp, err = noRedirect.Get(f.URL + issuer.AuthorizePath + "?" + url.Values{"response_type": {"code"}, "client_id": {"web"},
		"redirect_uri": {"https://evil.example/cb"}, "scope": {"openid"}, "code_challenge": {"x"}, "code_challenge_method": {"S256"}}.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	require.NotEqual(t, http.StatusFound, resp.StatusCode)

	code, verifier := authorize(t, f.URL, "web", appRedirect, "ada", "lovelace")
	exchange := func(code, verifier string) (int, tokenResponse) {
		status, out, _ := f.post(t, issuer.TokenPath, "", "", url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {appRedirect}, "code_verifier": {verifier}, "client_id": {"web"}})
		return status, out
	}
	status, out := exchange(code, verifier+"x")
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", out.Error, "PKCE mismatch")

	code, verifier = authorize(t, f.URL, "web", appRedirect, "ada", "lovelace")
	status, first := exchange(code, verifier)
	require.Equal(t, http.StatusOK, status, first.Description)
	status, out = exchange(code, verifier)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", out.Error, "a replayed code")
	require.Eventually(t, func() bool { _, err := f.verifier.Verify(ctx, first.AccessToken); return err != nil }, 3*time.Second, 50*time.Millisecond,
		"a replayed code revokes what it gave")
}

func TestUpstreamTokensAreExchangedForAtriumTokens(t *testing.T) {
	t.Parallel()
	f := startFederated(t, storetest.SQLite(t))
	ctx := t.Context()
	_, secret, err := f.iss.CreateClient(ctx, issuer.ClientSpec{ID: "bff", GrantTypes: []string{issuer.GrantTokenExchange, issuer.GrantRefreshToken}})
	require.NoError(t, err)
	_, _, err = f.iss.CreateClient(ctx, issuer.ClientSpec{ID: "spa-pub", Public: true, RedirectURIs: []string{appRedirect},
		GrantTypes: []string{issuer.GrantTokenExchange}, Scopes: []string{"staff"}})
	require.NoError(t, err)

	// The user signs in at the provider with its own app, "spa".
	upstream, err := devidp.SignIn(ctx, nil, f.idp.Issuer(), "spa", "", appRedirect, "ada", "lovelace", []string{"openid", "email", "groups"})
	require.NoError(t, err)
	exchange := func(id, secret string, extra url.Values) (int, tokenResponse) {
		form := url.Values{"grant_type": {issuer.GrantTokenExchange}, "subject_token": {upstream.AccessToken},
			"subject_token_type": {"urn:ietf:params:oauth:token-type:access_token"}}
		for k, v := range extra {
			form[k] = v
		}
		if secret == "" {
			form.Set("client_id", id)
			id = ""
		}
		status, out, _ := f.post(t, issuer.TokenPath, id, secret, form)
		return status, out
	}
	status, out := exchange("bff", secret, nil)
	require.Equal(t, http.StatusOK, status, out.Description)
	require.Equal(t, "urn:ietf:params:oauth:token-type:access_token", out.IssuedType)
	p, err := f.verifier.Verify(ctx, out.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "u-ada", p.Subject)
	require.Equal(t, "bff", p.ClientID)
	require.ElementsMatch(t, []string{"orders:read", "staff"}, p.Scopes, "the user's groups, mapped to scopes")

	status, out = exchange("spa-pub", "", nil)
	require.Equal(t, http.StatusOK, status, out.Description)
	p, err = f.verifier.Verify(ctx, out.AccessToken)
	require.NoError(t, err)
	require.Equal(t, []string{"staff"}, p.Scopes, "capped by the client's scopes")

	status, out = exchange("bff", secret, url.Values{"requested_token_type": {"urn:ietf:params:oauth:token-type:refresh_token"}})
	require.Equal(t, http.StatusOK, status, out.Description)
	require.NotEmpty(t, out.RefreshToken)

	for name, tc := range map[string]struct {
		id, secret string
		extra      url.Values
		code       string
	}{
		"other audience":        {"bff", secret, url.Values{"audience": {"someone-else"}}, "invalid_target"},
		"garbage subject token": {"bff", secret, url.Values{"subject_token": {"abc.def.ghi"}}, "invalid_request"},
		"Atrium's own token":    {"bff", secret, url.Values{"subject_token": {out.AccessToken}}, "invalid_request"},
		"bad token type":        {"bff", secret, url.Values{"subject_token_type": {"urn:ietf:params:oauth:token-type:saml2"}}, "invalid_request"},
		"wrong secret":          {"bff", "atr_nope", nil, "invalid_client"},
	} {
		status, res := exchange(tc.id, tc.secret, tc.extra)
		require.NotEqual(t, http.StatusOK, status, name)
		require.Equal(t, tc.code, res.Error, name+": "+res.Description)
		require.Empty(t, res.AccessToken, name)
	}
}

// authorize runs a sign-in up to the code, as a browser would: Atrium's /oauth/authorize,
// the provider's login form, and back. It returns the code and the PKCE verifier.
func authorize(t *testing.T, base, clientID, redirect, username, password string) (string, string) {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	stopAtApp := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := stopAtApp.Get(base + issuer.AuthorizePath + "?" + url.Values{"response_type": {"code"}, "client_id": {clientID},
		"redirect_uri": {redirect}, "scope": {"openid"}, "state": {"st"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}.Encode())
	require.NoError(t, err)
	resp.Body.Close()
	login := resp.Request.URL
	id := login.Query().Get("authRequestID")
	require.NotEmpty(t, id, "the provider's login page, at %s", login)
	login.RawQuery = ""
	resp, err = stopAtApp.PostForm(login.String(), url.Values{"id": {id}, "username": {username}, "password": {password}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "st", back.Query().Get("state"))
	require.NotEmpty(t, back.Query().Get("code"), back.String())
	return back.Query().Get("code"), verifier
}

// freeAddr returns a loopback address nothing listens on (for a moment).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}
