package auth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/authtest"
)

func TestMiddlewareKeepsTheTokenInThePrincipal(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, auth.ProviderConfig{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium"}})
	tok := iss.Token(t, map[string]any{"email": "ada@example.com"})
	var got *auth.Principal
	h := auth.Middleware(v, auth.MiddlewareOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = auth.PrincipalFrom(r.Context())
	}))
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.NotNil(t, got)
	assert.Equal(t, "user-1", got.Subject)
	assert.Equal(t, tok, got.Token)
	assert.Equal(t, "ada@example.com", got.Claims["email"])

	p, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	assert.Empty(t, p.Token, "Verify alone does not keep the token: the middleware does")
}

func TestPrincipalNeverShowsItsToken(t *testing.T) {
	t.Parallel()
	p := &auth.Principal{Issuer: "https://idp", Subject: "u-1", ClientID: "app", Scopes: []string{"a"},
		Claims: map[string]any{"sub": "u-1"}, Token: "eyJ.secret.token"}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "secret")
	assert.Contains(t, string(b), `"Subject":"u-1"`)

	for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), fmt.Sprintf("%v", *p)} {
		assert.NotContains(t, s, "secret")
		assert.Contains(t, s, "u-1")
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("request", "principal", p, "value", *p)
	assert.NotContains(t, logs.String(), "secret")
	assert.Contains(t, logs.String(), `"subject":"u-1"`)
}
