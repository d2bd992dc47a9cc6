package auth_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
)

func newVerifier(t *testing.T, providers ...auth.ProviderConfig) *auth.Verifier {
	t.Helper()
	v, err := auth.NewVerifier(context.Background(), providers, &http.Client{Timeout: 5 * time.Second})
	require.NoError(t, err)
	return v
}

func TestVerifyAcceptsTokensOfARealProvider(t *testing.T) {
	t.Parallel()
	issuer := zitadelIssuer(t)
	v := newVerifier(t, auth.ProviderConfig{Name: "zitadel", Issuer: issuer, Audiences: []string{"sid1"}})
	tok := clientCredentialsToken(t, issuer, "sid1", "verysecret", "products:read reviews:write")

	p, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	assert.Equal(t, issuer, p.Issuer)
	assert.Equal(t, "sid1", p.Subject)
	assert.Equal(t, "sid1", p.ClientID)
	assert.Equal(t, []string{"products:read", "reviews:write"}, p.Scopes)
	assert.True(t, p.HasScopes([]string{"products:read"}))

	t.Run("other audience", func(t *testing.T) {
		other := newVerifier(t, auth.ProviderConfig{Name: "zitadel", Issuer: issuer, Audiences: []string{"atrium"}})
		_, err := other.Verify(context.Background(), tok)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
		assert.Contains(t, err.Error(), "audience")
	})
	t.Run("flipped signature byte", func(t *testing.T) {
		_, err := v.Verify(context.Background(), flipSignature(t, tok))
		require.ErrorIs(t, err, auth.ErrInvalidToken)
	})
	t.Run("HS256 signed with the provider's public key", func(t *testing.T) {
		resp, err := http.Get(issuer + "/keys")
		require.NoError(t, err)
		var set jose.JSONWebKeySet
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&set))
		resp.Body.Close()
		require.NotEmpty(t, set.Keys)
		der, err := x509.MarshalPKIXPublicKey(set.Keys[0].Key)
		require.NoError(t, err)
		forged := signJWT(t, jose.HS256, der, set.Keys[0].KeyID, unverifiedClaims(t, tok))
		_, err = v.Verify(context.Background(), forged)
		require.ErrorIs(t, err, auth.ErrInvalidToken)
	})
}

func TestVerifyRefusesBadTokens(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newVerifier(t, auth.ProviderConfig{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium", "api"}})

	p, err := v.Verify(context.Background(), iss.token(t, nil))
	require.NoError(t, err, "a valid token")
	assert.Equal(t, "user-1", p.Subject)
	assert.Equal(t, "web-app", p.ClientID, "azp when there is no client_id")
	assert.Equal(t, []string{"products:read", "reviews:write"}, p.Scopes)
	_, err = v.Verify(context.Background(), iss.token(t, func(c map[string]any) {
		c["aud"] = []string{"other", "api"}
		c["exp"] = time.Now().Add(-10 * time.Second).Unix()
	}))
	require.NoError(t, err, "one audience of several, expired within the leeway")

	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	for name, tok := range map[string]string{
		"flipped signature":       flipSignature(t, iss.token(t, nil)),
		"alg none":                unsigned(t, iss.claims(nil)),
		"HS256 with public key":   signJWT(t, jose.HS256, publicDER(t, &iss.key.PublicKey), iss.kid, iss.claims(nil)),
		"expired":                 iss.token(t, func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }),
		"no exp":                  iss.token(t, func(c map[string]any) { delete(c, "exp") }),
		"not yet valid":           iss.token(t, func(c map[string]any) { c["nbf"] = time.Now().Add(2 * time.Minute).Unix() }),
		"issued in the future":    iss.token(t, func(c map[string]any) { c["iat"] = time.Now().Add(2 * time.Minute).Unix() }),
		"unknown issuer":          iss.token(t, func(c map[string]any) { c["iss"] = "https://idp.example.com" }),
		"wrong audience":          iss.token(t, func(c map[string]any) { c["aud"] = "someone-else" }),
		"no subject":              iss.token(t, func(c map[string]any) { delete(c, "sub") }),
		"signed by another key":   signJWT(t, jose.ES256, other, iss.kid, iss.claims(nil)),
		"unknown kid":             signJWT(t, jose.ES256, other, "random", iss.claims(nil)),
		"not a JWT":               "abc.def",
		"ES512 is not configured": signJWT(t, jose.ES512, mustKey(t, elliptic.P521()), iss.kid, iss.claims(nil)),
	} {
		_, err := v.Verify(context.Background(), tok)
		require.ErrorIs(t, err, auth.ErrInvalidToken, name)
		assert.NotContains(t, err.Error(), tok, "%s: the token is not in the error", name)
	}
	_, err = v.Verify(context.Background(), strings.Repeat("a", auth.MaxTokenSize+1))
	require.ErrorIs(t, err, auth.ErrTokenTooLarge)
}

func TestVerifyMapsConfiguredClaims(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newVerifier(t, auth.ProviderConfig{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium"},
		Algorithms: []string{"ES256"}, Claims: auth.ClaimNames{Subject: "oid", Scopes: "scp", ClientID: "appid"}})
	p, err := v.Verify(context.Background(), iss.token(t, func(c map[string]any) {
		c["oid"], c["scp"], c["appid"] = "object-7", []string{"a", "b"}, "app-9"
	}))
	require.NoError(t, err)
	assert.Equal(t, "object-7", p.Subject)
	assert.Equal(t, []string{"a", "b"}, p.Scopes)
	assert.Equal(t, "app-9", p.ClientID)
	assert.Equal(t, "user-1", p.Claims["sub"])
}

func TestTwoProvidersEachTokenToItsOwn(t *testing.T) {
	t.Parallel()
	a, b := newTestIssuer(t), newTestIssuer(t)
	z := zitadelIssuer(t)
	v := newVerifier(t,
		auth.ProviderConfig{Name: "a", Issuer: a.URL, Audiences: []string{"atrium"}},
		auth.ProviderConfig{Name: "b", Issuer: b.URL, Audiences: []string{"atrium"}},
		auth.ProviderConfig{Name: "zitadel", Issuer: z, Audiences: []string{"sid1"}})
	for want, tok := range map[string]string{a.URL: a.token(t, nil), b.URL: b.token(t, nil), z: clientCredentialsToken(t, z, "sid1", "verysecret", "x")} {
		p, err := v.Verify(context.Background(), tok)
		require.NoError(t, err)
		assert.Equal(t, want, p.Issuer)
	}
	// A's key does not speak for B, even with B's kid.
	_, err := v.Verify(context.Background(), signJWT(t, jose.ES256, a.key, b.kid, b.claims(nil)))
	require.ErrorIs(t, err, auth.ErrInvalidToken)
}

func TestUnknownKidFloodFetchesTheJWKSOncePerInterval(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newVerifier(t, auth.ProviderConfig{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium"}})
	_, err := v.Verify(context.Background(), iss.token(t, nil))
	require.NoError(t, err)
	require.EqualValues(t, 1, iss.jwksHits.Load())

	other := mustKey(t, elliptic.P256())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				_, err := v.Verify(context.Background(), signJWT(t, jose.ES256, other, fmt.Sprintf("kid-%d-%d", g, i), iss.claims(nil)))
				assert.ErrorIs(t, err, auth.ErrInvalidToken)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, iss.jwksHits.Load(), "80 unknown kids within 10s: no refetch")

	// Past the interval, an unknown kid refetches once (key rotation).
	auth.SetRefreshInterval(v, 50*time.Millisecond)
	time.Sleep(60 * time.Millisecond)
	for range 5 {
		_, _ = v.Verify(context.Background(), signJWT(t, jose.ES256, other, "rotated", iss.claims(nil)))
	}
	assert.EqualValues(t, 2, iss.jwksHits.Load())
	_, err = v.Verify(context.Background(), iss.token(t, nil))
	require.NoError(t, err)
	assert.EqualValues(t, 2, iss.jwksHits.Load(), "a known kid never refetches")
}

func TestProviderDownAtStartIsRetriedLazily(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	iss.down.Store(true)
	v := newVerifier(t, auth.ProviderConfig{Name: "late", Issuer: iss.URL, Audiences: []string{"atrium"}})
	require.Contains(t, v.Status(), "late")

	_, err := v.Verify(context.Background(), iss.token(t, nil))
	require.ErrorIs(t, err, auth.ErrProviderUnavailable)

	iss.down.Store(false)
	_, err = v.Verify(context.Background(), iss.token(t, nil))
	require.ErrorIs(t, err, auth.ErrProviderUnavailable, "no new attempt within the interval")

	auth.SetRefreshInterval(v, time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	_, err = v.Verify(context.Background(), iss.token(t, nil))
	require.NoError(t, err)
	assert.Empty(t, v.Status())
}

func TestNewVerifierRefusesBadConfig(t *testing.T) {
	t.Parallel()
	_, err := auth.NewVerifier(context.Background(), []auth.ProviderConfig{
		{Name: "a", Issuer: "ftp://x", Algorithms: []string{"HS256"}},
		{Name: "b", Issuer: "https://idp.example.com", Audiences: []string{"x"}},
		{Name: "c", Issuer: "https://idp.example.com", Audiences: []string{"x"}},
	}, nil)
	require.Error(t, err)
	for _, want := range []string{"providers[0].issuer", "providers[0].audiences", `providers[0].algorithms[0]: "HS256"`, "providers[2].issuer: \"https://idp.example.com\" is configured twice"} {
		assert.Contains(t, err.Error(), want)
	}
}

func flipSignature(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	require.Len(t, parts, 3)
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	require.NoError(t, err)
	sig[len(sig)/2] ^= 0x01
	parts[2] = base64.RawURLEncoding.EncodeToString(sig)
	return strings.Join(parts, ".")
}

func unsigned(t *testing.T, claims map[string]any) string {
	payload, err := json.Marshal(claims)
	require.NoError(t, err)
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(payload) + "."
}

func unverifiedClaims(t *testing.T, tok string) map[string]any {
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
	require.NoError(t, err)
	var c map[string]any
	require.NoError(t, json.Unmarshal(payload, &c))
	return c
}

func publicDER(t *testing.T, key any) []byte {
	der, err := x509.MarshalPKIXPublicKey(key)
	require.NoError(t, err)
	return der
}

func mustKey(t *testing.T, c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	require.NoError(t, err)
	return k
}
