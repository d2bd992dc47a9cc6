package issuer_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// instance is one gateway's token issuer on a real HTTP server, with a verifier trusting
// it as the gateway's middleware does.
type instance struct {
	URL      string
	iss      *issuer.Issuer
	verifier *auth.Verifier
	st       *store.Store
}

type setup struct {
	dsn       string
	providers []auth.ProviderConfig
	upstream  *auth.Verifier
	edit      func(*issuer.Config)
	addr      string // listen address; any free one when empty
}

func start(t testing.TB, s setup) *instance {
	t.Helper()
	if s.dsn == "" {
		s.dsn = storetest.SQLite(t)
	}
	ctx := t.Context()
	st, err := store.Open(ctx, s.dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	if s.addr == "" {
		s.addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", s.addr)
	require.NoError(t, err)
	cfg := issuer.Config{}
	if s.edit != nil {
		s.edit(&cfg)
	}
	cfg = cfg.WithDefaults(ln.Addr().String())
	iss, err := issuer.New(ctx, cfg, issuer.Options{Store: st, Providers: s.providers, Upstream: s.upstream})
	require.NoError(t, err)
	runCtx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go iss.Run(runCtx)
	v, err := auth.NewVerifier(ctx, nil, nil)
	require.NoError(t, err)
	require.NoError(t, iss.Trust(v))
	mux := http.NewServeMux()
	for _, p := range iss.Paths() {
		mux.Handle(p, iss.Handler())
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return &instance{URL: srv.URL, iss: iss, verifier: v, st: st}
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	Scope        string `json:"scope"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	IssuedType   string `json:"issued_token_type"`
}

// post sends a form to path, with HTTP Basic client authentication when id is set.
func (in *instance) post(t *testing.T, path, id, secret string, form url.Values) (int, tokenResponse, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out tokenResponse
	if len(body) > 0 {
		require.NoError(t, json.Unmarshal(body, &out), string(body))
	}
	return resp.StatusCode, out, resp.Header
}

func (in *instance) clientCredentials(t *testing.T, id, secret string, extra url.Values) (int, tokenResponse) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	for k, v := range extra {
		form[k] = v
	}
	status, out, _ := in.post(t, issuer.TokenPath, id, secret, form)
	return status, out
}

func TestClientCredentialsTokensCarryTheClientsScopesAndVerify(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	c, secret, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "reports", Scopes: []string{"orders:read", "stock:read"}})
	require.NoError(t, err)
	require.False(t, c.Public)
	require.True(t, strings.HasPrefix(secret, "atr_"))

	status, tok := in.clientCredentials(t, "reports", secret, nil)
	require.Equal(t, http.StatusOK, status, tok.Description)
	require.Equal(t, "Bearer", tok.TokenType)
	require.InDelta(t, 900, tok.ExpiresIn, 5)
	require.Empty(t, tok.RefreshToken, "client_credentials gives no refresh token")

	// The gateway's own check: keys from the store, revocation list.
	p, err := in.verifier.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "reports", p.Subject)
	require.Equal(t, "reports", p.ClientID)
	require.Equal(t, []string{"orders:read", "stock:read"}, p.Scopes)
	require.Equal(t, in.URL, p.Issuer)
	for _, claim := range []string{"iss", "sub", "aud", "exp", "iat", "jti", "scope", "client_id"} {
		require.Contains(t, p.Claims, claim)
	}

	// Any other party: discovery and the JWKS over HTTP, like a subgraph verifying it.
	remote, err := auth.NewVerifier(ctx, []auth.ProviderConfig{{Name: "atrium", Issuer: in.URL, Audiences: []string{"atrium"}, Algorithms: []string{"ES256"}}}, nil)
	require.NoError(t, err)
	p, err = remote.Verify(ctx, tok.AccessToken)
	require.NoError(t, err)
	require.Equal(t, "reports", p.Subject)

	// A subset is granted when asked for; more than the client has is refused.
	status, tok = in.clientCredentials(t, "reports", secret, url.Values{"scope": {"stock:read"}})
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "stock:read", tok.Scope)
	status, tok = in.clientCredentials(t, "reports", secret, url.Values{"scope": {"stock:read admin"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_scope", tok.Error)
}

func TestDiscoveryDocumentsAndJWKS(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	for _, path := range []string{issuer.OIDCDiscoveryPath, issuer.OAuthMetadataPath} {
		resp, err := http.Get(in.URL + path)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		require.Equal(t, in.URL, doc["issuer"], path)
		require.Equal(t, in.URL+issuer.TokenPath, doc["token_endpoint"], path)
		require.Equal(t, in.URL+issuer.JWKSPath, doc["jwks_uri"], path)
		require.Equal(t, in.URL+issuer.RevokePath, doc["revocation_endpoint"], path)
		require.Equal(t, in.URL+issuer.IntrospectPath, doc["introspection_endpoint"], path)
		require.Equal(t, in.URL+issuer.AuthorizePath, doc["authorization_endpoint"], path)
		grants, _ := doc["grant_types_supported"].([]any)
		for _, g := range []string{"client_credentials", "authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange"} {
			require.Contains(t, grants, g, path)
		}
		require.Contains(t, doc["code_challenge_methods_supported"], "S256", path)
	}
	resp, err := http.Get(in.URL + issuer.JWKSPath)
	require.NoError(t, err)
	defer resp.Body.Close()
	var set jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
	require.Len(t, set.Keys, 1)
	require.Equal(t, "ES256", set.Keys[0].Algorithm)
	require.True(t, set.Keys[0].IsPublic(), "never a private key")
}

func TestTokenEndpointRefusesBadRequestsWithOAuthErrors(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	_, secret, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "svc", Scopes: []string{"a"}})
	require.NoError(t, err)
	_, _, err = in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "spa", Public: true, RedirectURIs: []string{"http://127.0.0.1/cb"}})
	require.NoError(t, err)
	_, otherSecret, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "exchanger", GrantTypes: []string{issuer.GrantTokenExchange}})
	require.NoError(t, err)

	for _, tc := range []struct {
		name, id, secret string
		form             url.Values
		status           int
		code             string
	}{
		{"wrong secret", "svc", "atr_wrong", nil, 401, "invalid_client"},
		{"unknown client", "nobody", secret, nil, 401, "invalid_client"},
		{"no client authentication", "", "", nil, 401, "invalid_client"},
		{"public client", "spa", "", nil, 401, "invalid_client"},
		{"grant not allowed", "exchanger", otherSecret, nil, 400, "unauthorized_client"},
		{"unknown grant", "svc", secret, url.Values{"grant_type": {"password"}, "username": {"u"}, "password": {"p"}}, 400, "unsupported_grant_type"},
		{"repeated parameter", "svc", secret, url.Values{"grant_type": {"client_credentials", "client_credentials"}}, 400, "invalid_request"},
		{"jwt bearer", "svc", secret, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"x.y.z"}}, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := tc.form
			if form == nil {
				form = url.Values{"grant_type": {"client_credentials"}}
			}
			status, out, _ := in.post(t, issuer.TokenPath, tc.id, tc.secret, form)
			require.Equal(t, tc.status, status, out.Description)
			if tc.code != "" {
				require.Equal(t, tc.code, out.Error)
			} else {
				require.NotEmpty(t, out.Error)
			}
			require.Empty(t, out.AccessToken)
			require.NotContains(t, out.Description, "sql", "no internals")
		})
	}

	// Oversized and non-form bodies.
	resp, err := http.Post(in.URL+issuer.TokenPath, "application/x-www-form-urlencoded", strings.NewReader("grant_type=client_credentials&x="+strings.Repeat("a", 70<<10)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, err = http.Get(in.URL + issuer.TokenPath)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestRevokedTokensAreRefusedByEveryInstanceAndIntrospectedInactive(t *testing.T) {
	t.Parallel()
	dsn := storetest.Postgres(t)
	a := start(t, setup{dsn: dsn})
	// A second gateway sharing the registry, behind the same public URL.
	b := start(t, setup{dsn: dsn, edit: func(c *issuer.Config) { c.URL = a.URL }})
	ctx := t.Context()
	_, secret, err := a.iss.CreateClient(ctx, issuer.ClientSpec{ID: "svc", Scopes: []string{"a"}})
	require.NoError(t, err)
	_, tok := a.clientCredentials(t, "svc", secret, nil)
	require.NotEmpty(t, tok.AccessToken)
	_, err = b.verifier.Verify(ctx, tok.AccessToken)
	require.NoError(t, err, "b verifies a's token: same keys")

	introspect := func(in *instance, id, secret, token string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, in.URL+issuer.IntrospectPath, strings.NewReader(url.Values{"token": {token}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if id != "" {
			req.SetBasicAuth(id, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	status, info := introspect(b, "svc", secret, tok.AccessToken)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, true, info["active"])
	require.Equal(t, "svc", info["client_id"])
	require.Equal(t, "a", info["scope"])
	status, _ = introspect(b, "", "", tok.AccessToken)
	require.Equal(t, http.StatusUnauthorized, status, "introspection needs client authentication")
	_, info = introspect(b, "svc", secret, "not-a-token")
	require.Equal(t, false, info["active"])

	// Revoked at a: refused by b within seconds, inactive at introspection.
	status, _, _ = a.post(t, issuer.RevokePath, "svc", secret, url.Values{"token": {tok.AccessToken}})
	require.Equal(t, http.StatusOK, status)
	require.Eventually(t, func() bool { _, err := a.verifier.Verify(ctx, tok.AccessToken); return err != nil }, 3*time.Second, 50*time.Millisecond)
	require.Eventually(t, func() bool { _, err := b.verifier.Verify(ctx, tok.AccessToken); return err != nil }, 3*time.Second, 50*time.Millisecond)
	_, err = b.verifier.Verify(ctx, tok.AccessToken)
	require.ErrorIs(t, err, auth.ErrInvalidToken)
	_, info = introspect(b, "svc", secret, tok.AccessToken)
	require.Equal(t, false, info["active"])

	// Revoking garbage or another client's token answers 200 and changes nothing.
	_, other, err := a.iss.CreateClient(ctx, issuer.ClientSpec{ID: "other", Scopes: []string{"a"}})
	require.NoError(t, err)
	_, tok2 := a.clientCredentials(t, "svc", secret, nil)
	status, _, _ = a.post(t, issuer.RevokePath, "other", other, url.Values{"token": {tok2.AccessToken}})
	require.Equal(t, http.StatusOK, status)
	status, _, _ = a.post(t, issuer.RevokePath, "other", other, url.Values{"token": {"garbage"}})
	require.Equal(t, http.StatusOK, status)
	time.Sleep(1500 * time.Millisecond)
	_, err = b.verifier.Verify(ctx, tok2.AccessToken)
	require.NoError(t, err, "another client cannot revoke svc's token")

	// Deleting a client revokes its tokens.
	require.NoError(t, a.iss.DeleteClient(ctx, "svc"))
	require.Eventually(t, func() bool { _, err := b.verifier.Verify(ctx, tok2.AccessToken); return err != nil }, 3*time.Second, 50*time.Millisecond)
	status, out := a.clientCredentials(t, "svc", secret, nil)
	require.Equal(t, http.StatusUnauthorized, status, out.Description)
}

func TestForgedAndStaleTokensAreRefused(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	_, secret, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "svc", Scopes: []string{"a"}})
	require.NoError(t, err)
	_, tok := in.clientCredentials(t, "svc", secret, nil)
	parts := strings.Split(tok.AccessToken, ".")
	require.Len(t, parts, 3)
	var claims map[string]any
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, json.Unmarshal(payload, &claims))

	keys, err := in.st.SigningKeys(ctx, 1)
	require.NoError(t, err)
	priv, err := x509.ParsePKCS8PrivateKey(keys[0].PrivateKey)
	require.NoError(t, err)
	pub := &priv.(*ecdsa.PrivateKey).PublicKey
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)

	sign := func(alg jose.SignatureAlgorithm, key any, kid string, edit func(map[string]any)) string {
		c := map[string]any{}
		for k, v := range claims {
			c[k] = v
		}
		if edit != nil {
			edit(c)
		}
		opts := (&jose.SignerOptions{}).WithType("JWT")
		if kid != "" {
			opts = opts.WithHeader("kid", kid)
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
		require.NoError(t, err)
		b, _ := json.Marshal(c)
		obj, err := signer.Sign(b)
		require.NoError(t, err)
		out, err := obj.CompactSerialize()
		require.NoError(t, err)
		return out
	}
	flipped := []byte(parts[2])
	flipped[5] ^= 1
	unsigned := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
	for name, token := range map[string]string{
		"bad signature":            parts[0] + "." + parts[1] + "." + string(flipped),
		"alg none":                 unsigned,
		"HMAC with the public key": sign(jose.HS256, pubDER, keys[0].ID, nil),
		"expired":                  sign(jose.ES256, priv, keys[0].ID, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }),
		"not yet valid":            sign(jose.ES256, priv, keys[0].ID, func(c map[string]any) { c["nbf"] = time.Now().Add(time.Hour).Unix() }),
		"wrong audience":           sign(jose.ES256, priv, keys[0].ID, func(c map[string]any) { c["aud"] = "someone-else" }),
		"unknown kid":              sign(jose.ES256, priv, "nope", nil),
		"no jti":                   sign(jose.ES256, priv, keys[0].ID, func(c map[string]any) { delete(c, "jti") }),
	} {
		_, err := in.verifier.Verify(ctx, token)
		assert.ErrorIs(t, err, auth.ErrInvalidToken, name)
	}
	_, err = in.verifier.Verify(ctx, tok.AccessToken)
	require.NoError(t, err, "the real one still passes")
}

func TestKeyRotationKeepsThePreviousKeyThenDropsIt(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	_, secret, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "svc", Scopes: []string{"a"}})
	require.NoError(t, err)
	_, first := in.clientCredentials(t, "svc", secret, nil)

	require.NoError(t, issuer.RotateNow(ctx, in.iss))
	_, second := in.clientCredentials(t, "svc", secret, nil)
	require.NotEqual(t, kid(t, first.AccessToken), kid(t, second.AccessToken), "the new key signs")
	_, err = in.verifier.Verify(ctx, first.AccessToken)
	require.NoError(t, err, "the previous key still verifies")
	resp, err := http.Get(in.URL + issuer.JWKSPath)
	require.NoError(t, err)
	var set jose.JSONWebKeySet
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
	resp.Body.Close()
	require.Len(t, set.Keys, 2, "current and previous")

	require.NoError(t, issuer.RotateNow(ctx, in.iss))
	_, err = in.verifier.Verify(ctx, first.AccessToken)
	require.ErrorIs(t, err, auth.ErrInvalidToken, "a rotated-out key no longer verifies")
	_, err = in.verifier.Verify(ctx, second.AccessToken)
	require.NoError(t, err)
}

func kid(t *testing.T, token string) string {
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.ES256})
	require.NoError(t, err)
	return jws.Signatures[0].Header.KeyID
}

func TestClientSpecsAreValidated(t *testing.T) {
	t.Parallel()
	in := start(t, setup{})
	ctx := t.Context()
	for name, spec := range map[string]issuer.ClientSpec{
		"bad id":                    {ID: "has space"},
		"bad scope":                 {Scopes: []string{`a"b`}},
		"unknown grant":             {GrantTypes: []string{"password"}},
		"public client credentials": {Public: true, GrantTypes: []string{"client_credentials"}},
		"code without redirect":     {GrantTypes: []string{"authorization_code"}},
		"http redirect":             {Public: true, RedirectURIs: []string{"http://app.example/cb"}},
		"fragment redirect":         {Public: true, RedirectURIs: []string{"https://app.example/cb#x"}},
	} {
		_, _, err := in.iss.CreateClient(ctx, spec)
		require.ErrorIs(t, err, issuer.ErrInvalidClient, name)
	}
	_, _, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "dup"})
	require.NoError(t, err)
	_, _, err = in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "dup"})
	require.ErrorIs(t, err, store.ErrConflict)

	// Rotation: the old secret stops working at once.
	_, old, err := in.iss.CreateClient(ctx, issuer.ClientSpec{ID: "rot", Scopes: []string{"a"}})
	require.NoError(t, err)
	fresh, err := in.iss.RotateSecret(ctx, "rot")
	require.NoError(t, err)
	status, _ := in.clientCredentials(t, "rot", old, nil)
	require.Equal(t, http.StatusUnauthorized, status)
	status, _ = in.clientCredentials(t, "rot", fresh, nil)
	require.Equal(t, http.StatusOK, status)
	clients, err := in.iss.Clients(ctx)
	require.NoError(t, err)
	require.Len(t, clients, 2)
}
