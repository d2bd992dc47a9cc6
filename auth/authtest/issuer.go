// Package authtest runs a minimal OpenID Connect provider for tests of code behind the auth
// middleware: a discovery document and a JWKS holding one ES256 key, and real tokens signed
// with it.
package authtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/atrium-gateway/atrium/auth"
)

// Audience is the audience of the tokens an Issuer signs.
const Audience = "atrium"

// Issuer is an OpenID Connect provider served by httptest until the test ends.
type Issuer struct {
	// URL is the issuer (the tokens' iss).
	URL string
	key *ecdsa.PrivateKey
	kid string
}

// NewIssuer starts an issuer with a fresh ES256 key.
func NewIssuer(tb testing.TB) *Issuer {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	iss := &Issuer{key: key, kid: "authtest-1"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": iss.URL, "jwks_uri": iss.URL + "/keys",
			"authorization_endpoint": iss.URL + "/authorize", "token_endpoint": iss.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"ES256"},
		})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
			{Key: &iss.key.PublicKey, KeyID: iss.kid, Algorithm: "ES256", Use: "sig"},
		}})
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	iss.URL = srv.URL
	return iss
}

// Provider is the configuration that accepts the issuer's tokens.
func (i *Issuer) Provider() auth.ProviderConfig {
	return auth.ProviderConfig{Name: "authtest", Issuer: i.URL, Audiences: []string{Audience}}.WithDefaults()
}

// Token signs a valid token: iss, sub "user-1", aud, iat and a 5-minute exp, with claims
// added over them (a nil value removes a claim).
func (i *Issuer) Token(tb testing.TB, claims map[string]any) string {
	tb.Helper()
	now := time.Now()
	c := map[string]any{"iss": i.URL, "sub": "user-1", "aud": Audience, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: i.key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", i.kid))
	if err != nil {
		tb.Fatal(err)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		tb.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}
