package auth_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/auth"
)

func TestMiddleware(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newVerifier(t, auth.ProviderConfig{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium"}})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := auth.PrincipalFrom(r.Context()); p != nil {
			_, _ = w.Write([]byte("hello " + p.Subject))
			return
		}
		_, _ = w.Write([]byte("hello anonymous"))
	})
	good, expired := iss.token(t, nil), iss.token(t, func(c map[string]any) { c["exp"] = int64(1) })
	const unauthenticated = `{"errors":[{"message":"%s","extensions":{"code":"UNAUTHENTICATED"}}]}`

	for _, tc := range []struct {
		name      string
		anonymous bool
		headers   []string
		status    int
		challenge string
		body      string
	}{
		{name: "valid token", headers: []string{"Bearer " + good}, status: 200, body: "hello user-1"},
		{name: "scheme is case-insensitive", headers: []string{"bEaReR " + good}, status: 200, body: "hello user-1"},
		{name: "anonymous allowed", anonymous: true, status: 200, body: "hello anonymous"},
		{name: "anonymous refused", status: 401, challenge: `Bearer`, body: `authentication required`},
		{name: "bad token even if anonymous is allowed", anonymous: true, headers: []string{"Bearer " + expired}, status: 401, challenge: `Bearer error="invalid_token"`, body: "invalid bearer token"},
		{name: "tampered token", headers: []string{"Bearer " + flipSignature(t, good)}, status: 401, challenge: `Bearer error="invalid_token"`, body: "invalid bearer token"},
		{name: "other scheme", headers: []string{"Basic dXNlcjpwYXNz"}, status: 401, challenge: `Bearer`, body: "use the Bearer authentication scheme"},
		{name: "no token", headers: []string{"Bearer "}, status: 400, challenge: `Bearer error="invalid_request", error_description="malformed bearer token"`, body: "malformed Authorization header"},
		{name: "not a b64token", headers: []string{"Bearer abc def"}, status: 400, challenge: `Bearer error="invalid_request", error_description="malformed bearer token"`, body: "malformed Authorization header"},
		{name: "two headers", headers: []string{"Bearer " + good, "Bearer " + good}, status: 400, challenge: `Bearer error="invalid_request"`, body: "more than one Authorization header"},
		{name: "oversized", headers: []string{"Bearer " + strings.Repeat("a", auth.MaxTokenSize+1)}, status: 400, challenge: `Bearer error="invalid_request", error_description="token too large"`, body: "bearer token too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := auth.Middleware(v, auth.MiddlewareOptions{AllowAnonymous: tc.anonymous, Logger: logger})(next)
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			for _, a := range tc.headers {
				req.Header.Add("Authorization", a)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, tc.status, rec.Code)
			assert.Equal(t, tc.challenge, rec.Header().Get("WWW-Authenticate"))
			if tc.status == 200 {
				assert.Equal(t, tc.body, rec.Body.String())
				return
			}
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.JSONEq(t, strings.Replace(unauthenticated, "%s", tc.body, 1), rec.Body.String())
		})
	}
	assert.Contains(t, logs.String(), "token is expired", "the reason is logged")
	assert.NotContains(t, logs.String(), expired, "the token is not")
	assert.NotContains(t, logs.String(), good)
}

func TestMiddlewareProviderUnavailable(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	iss.down.Store(true)
	v := newVerifier(t, auth.ProviderConfig{Name: "test", Issuer: iss.URL, Audiences: []string{"atrium"}})
	h := auth.Middleware(v, auth.MiddlewareOptions{Logger: slog.New(slog.DiscardHandler)})(http.NotFoundHandler())
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req.Header.Set("Authorization", "Bearer "+iss.token(t, nil))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.JSONEq(t, `{"errors":[{"message":"identity provider unavailable","extensions":{"code":"AUTH_PROVIDER_UNAVAILABLE"}}]}`, rec.Body.String())
}
