package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/devidp"
	"github.com/atrium-gateway/atrium/config"
)

// devIDP runs `atrium dev-idp args…` until stop is called, and returns its issuer once
// discovery answers; stop returns what the command printed.
func devIDP(t *testing.T, args ...string) (issuer string, stop func() string) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := run(t, ctx, append([]string{"dev-idp", "--listen", addr}, args...)...)
		done <- result{out, err}
	}()
	issuer = "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(issuer + "/.well-known/openid-configuration")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 20*time.Millisecond)
	stopped := false
	var out string
	stop = func() string {
		if !stopped {
			stopped = true
			cancel()
			select {
			case r := <-done:
				assert.NoError(t, r.err)
				out = r.out
			case <-time.After(10 * time.Second):
				t.Error("dev-idp did not stop")
			}
		}
		return out
	}
	t.Cleanup(func() { stop() })
	return issuer, stop
}

func TestDevIDPCommandDefaults(t *testing.T) {
	issuer, stop := devIDP(t)
	ctx := context.Background()
	v, err := auth.NewVerifier(ctx, []auth.ProviderConfig{{Name: "dev-idp", Issuer: issuer, Audiences: []string{"atrium"}}}, nil)
	require.NoError(t, err)

	tok, err := devidp.SignIn(ctx, nil, issuer, "atrium-cli", "", "http://127.0.0.1:8085/callback", "demo", "atrium", []string{"openid", "email", "groups"})
	require.NoError(t, err)
	p, err := v.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, "demo", p.Subject)
	assert.Equal(t, "atrium-cli", p.ClientID)
	assert.Equal(t, []any{"staff"}, p.Claims["groups"])

	tok, err = devidp.SignIn(ctx, nil, issuer, "atrium", "atrium-dev-secret", "http://127.0.0.1:4000/oauth/callback", "demo", "atrium", []string{"openid"})
	require.NoError(t, err)
	_, err = v.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)

	out := stop()
	for _, want := range []string{
		"FOR DEVELOPMENT ONLY",
		"issuer     " + issuer + "\n",
		"user       demo / atrium  email demo@atrium.local  groups staff\n",
		"client     atrium (confidential, secret atrium-dev-secret) → http://127.0.0.1:4000/oauth/callback\n",
		"client     atrium-cli (public, PKCE S256; loopback redirect URIs on any port) → http://127.0.0.1/callback, http://[::1]/callback\n",
	} {
		assert.Contains(t, out, want)
	}
}

func TestDevIDPCommandAccounts(t *testing.T) {
	issuer, _ := devIDP(t, "--user", "alice:s3cret:alice@example.com:admins,staff", "--user", "bob:builder",
		"--client", "app:app-secret:http://127.0.0.1:3000/cb,https://app.example/cb")
	ctx := context.Background()
	tok, err := devidp.SignIn(ctx, nil, issuer, "app", "app-secret", "https://app.example/cb", "alice", "s3cret", []string{"openid", "groups"})
	require.NoError(t, err)
	v, err := auth.NewVerifier(ctx, []auth.ProviderConfig{{Name: "dev-idp", Issuer: issuer, Audiences: []string{"app"}}}, nil)
	require.NoError(t, err)
	p, err := v.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	assert.Equal(t, []any{"admins", "staff"}, p.Claims["groups"])

	_, err = devidp.SignIn(ctx, nil, issuer, "app", "app-secret", "https://app.example/cb", "demo", "atrium", []string{"openid"})
	assert.ErrorIs(t, err, devidp.ErrInvalidCredentials, "the default user is replaced")
	_, err = devidp.SignIn(ctx, nil, issuer, "atrium-cli", "", "http://127.0.0.1/callback", "bob", "builder", []string{"openid"})
	assert.ErrorContains(t, err, "not to the login page", "the default clients are replaced")
}

func TestDevIDPCommandRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--user", "alice"}, `--user "alice": want username:password[:email[:group,group…]]`},
		{[]string{"--user", ":pw"}, `--user ":pw": want username:password`},
		{[]string{"--client", "app:secret"}, `--client "app:secret": want id:secret:redirect_uri`},
		{[]string{"--client", "app:secret:"}, `--client "app:secret:": want id:secret:redirect_uri`},
		{[]string{"--client", "spa::http://spa.example/cb"}, `clients[0].redirect_uris[0]: "http://spa.example/cb" must be https, or http on a loopback host`},
		{[]string{"--issuer", "http://127.0.0.1:4010/idp"}, `issuer: "http://127.0.0.1:4010/idp" must be scheme://host[:port], without a path`},
		{[]string{"--user", "a:b", "--user", "a:c"}, `users[1].username: "a" is also the username of users[0]`},
	} {
		_, err := run(t, context.Background(), append([]string{"dev-idp", "--listen", "127.0.0.1:0"}, tc.args...)...)
		require.Error(t, err, tc.args)
		assert.Contains(t, err.Error(), tc.want, tc.args)
	}
	out, err := run(t, context.Background(), "dev-idp", "--help")
	require.NoError(t, err)
	assert.Contains(t, out, "FOR DEVELOPMENT ONLY")
}

// TestDemoConfigAcceptsDevIDPTokens is make run's pairing: atrium serve --config
// demo/atrium.yaml accepts the dev IdP's tokens and still serves anonymous requests.
func TestDemoConfigAcceptsDevIDPTokens(t *testing.T) {
	c, err := config.Load("../../demo/atrium.yaml")
	require.NoError(t, err)
	require.Len(t, c.Auth.Providers, 1)
	assert.Equal(t, "http://127.0.0.1:4010", c.Auth.Providers[0].Issuer)
	assert.Equal(t, []string{"atrium"}, c.Auth.Providers[0].Audiences)
	assert.True(t, c.Auth.AllowAnonymous())

	// The same file, pointed at a dev IdP on a free port.
	issuer, _ := devIDP(t)
	cfg := writeFile(t, "atrium.yaml", fmt.Sprintf("auth:\n  anonymous: true\n  providers:\n    - name: dev-idp\n      issuer: %s\n      audiences: [atrium]\n", issuer))
	base := liveServe(t, "--supergraph", "../../demo/supergraph.graphql", "--config", cfg)
	tok, err := devidp.SignIn(context.Background(), nil, issuer, "atrium-cli", "", "http://127.0.0.1:8085/callback", "demo", "atrium", []string{"openid"})
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		header string
		status int
	}{
		"dev IdP token": {"Bearer " + tok.AccessToken, http.StatusOK},
		"anonymous":     {"", http.StatusOK},
		"forged token":  {"Bearer " + tok.AccessToken[:len(tok.AccessToken)-4] + "AAAA", http.StatusUnauthorized},
	} {
		req, err := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.status, resp.StatusCode, name)
	}
}
