package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// testIssuer is a minimal OIDC provider: a discovery document and a JWKS holding one ES256
// key, whose requests it counts. It signs whatever claims a test asks for.
type testIssuer struct {
	URL      string
	key      *ecdsa.PrivateKey
	kid      string
	jwksHits atomic.Int64
	down     atomic.Bool // discovery answers 503
}

func newTestIssuer(t *testing.T) *testIssuer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	iss := &testIssuer{key: key, kid: "es-1"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if iss.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.URL, "jwks_uri": iss.URL + "/keys",
			"authorization_endpoint": iss.URL + "/authorize", "token_endpoint": iss.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"ES256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		iss.jwksHits.Add(1)
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &iss.key.PublicKey, KeyID: iss.kid, Algorithm: "ES256", Use: "sig"},
		}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	iss.URL = srv.URL
	return iss
}

// claims are a valid token's claims for audience "atrium", changed by edit.
func (i *testIssuer) claims(edit func(map[string]any)) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss": i.URL, "sub": "user-1", "aud": "atrium", "azp": "web-app",
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(), "scope": "products:read reviews:write",
	}
	if edit != nil {
		edit(c)
	}
	return c
}

func (i *testIssuer) token(t *testing.T, edit func(map[string]any)) string {
	return signJWT(t, jose.ES256, i.key, i.kid, i.claims(edit))
}

func signJWT(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT")
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, opts)
	require.NoError(t, err)
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	jws, err := signer.Sign(payload)
	require.NoError(t, err)
	tok, err := jws.CompactSerialize()
	require.NoError(t, err)
	return tok
}

// zitadelIssuer runs zitadel's example OpenID Provider. Its service user sid1 gets JWT
// access tokens (the example issues opaque ones) carrying a scope claim.
func zitadelIssuer(t *testing.T) string {
	t.Helper()
	var dh deferredHandler
	srv := httptest.NewServer(&dh)
	t.Cleanup(srv.Close)
	st := storage.NewStorageWithClients(storage.NewUserStore(srv.URL), map[string]*storage.Client{})
	dh.Handler = exampleop.SetupServer(srv.URL, jwtAccessTokens{st}, nil, false)
	return srv.URL
}

type deferredHandler struct{ http.Handler }

type jwtAccessTokens struct{ *storage.Storage }

func (s jwtAccessTokens) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	c, err := s.Storage.ClientCredentials(ctx, id, secret)
	if err != nil {
		return nil, err
	}
	return jwtClient{c}, nil
}

func (s jwtAccessTokens) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	claims, err := s.Storage.GetPrivateClaimsFromScopes(ctx, userID, clientID, scopes)
	if claims == nil {
		claims = map[string]any{}
	}
	claims["scope"] = strings.Join(scopes, " ")
	return claims, err
}

type jwtClient struct{ op.Client }

func (jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

// clientCredentialsToken obtains an access token from issuer with the client_credentials grant.
func clientCredentialsToken(t *testing.T, issuer, clientID, secret, scope string) string {
	t.Helper()
	resp, err := http.Get(issuer + "/.well-known/openid-configuration")
	require.NoError(t, err)
	var doc struct {
		TokenEndpoint string `json:"token_endpoint"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&doc))
	resp.Body.Close()
	req, err := http.NewRequest(http.MethodPost, doc.TokenEndpoint, strings.NewReader(url.Values{
		"grant_type": {"client_credentials"}, "scope": {scope},
	}.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	require.Equal(t, http.StatusOK, resp.StatusCode, tok.Error)
	require.Equal(t, 2, strings.Count(tok.AccessToken, "."), "a JWT access token")
	return tok.AccessToken
}
