package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/atrium-gateway/atrium/server"
)

// Authenticate guards the API only: the playground page, health and metrics stay open.
func TestAuthenticateGuardsTheAPIOnly(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"data":{}}`)) })
	deny := func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	}
	metrics := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("m 1")) })
	h := server.New(api, server.Options{Playground: true, Authenticate: deny, Metrics: metrics})
	for _, c := range []struct {
		method, path, accept string
		want                 int
	}{
		{"POST", "/graphql", "application/json", http.StatusUnauthorized},
		{"GET", "/graphql?query={a}", "application/json", http.StatusUnauthorized},
		{"GET", "/graphql", "text/html", http.StatusOK},
		{"GET", "/health", "", http.StatusOK},
		{"GET", "/metrics", "", http.StatusOK},
	} {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(`{"query":"{a}"}`))
		req.Header.Set("Accept", c.accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, c.want, rec.Code, "%s %s", c.method, c.path)
	}
}
