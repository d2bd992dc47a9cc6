// Package server wires Atrium's HTTP endpoints: the GraphQL API (with its playground for
// browsers) and the health check.
package server

import (
	"mime"
	"net/http"
	"strings"

	"github.com/atrium-gateway/atrium/server/playground"
)

// Options configure the HTTP routes.
type Options struct {
	// Path of the GraphQL endpoint (default /graphql).
	Path string
	// Playground serves GraphiQL to browsers opening the endpoint.
	Playground bool
	// Registry, when set, serves the registry API at RegistryPath.
	Registry http.Handler
	// Metrics, when set, serves Prometheus metrics at /metrics.
	Metrics http.Handler
	// Issuer, when set, serves the token issuer's endpoints at IssuerPaths (OAuth 2.0 and
	// OpenID Connect: /oauth/…, /.well-known/…).
	Issuer      http.Handler
	IssuerPaths []string
	// Portal, when set, serves the developer portal at /portal/.
	Portal http.Handler
	// Authenticate, when set, wraps the GraphQL API (not the playground page, health or
	// metrics): it verifies the caller's token and puts the principal in the context.
	Authenticate func(http.Handler) http.Handler
	// Variants are graphs served beside the main one: each its API at VariantPath and
	// its registry API at VariantRegistryPath.
	Variants []Variant
}

// Variant is a graph variant's handlers: API serves GraphQL (behind Authenticate, like
// the main graph), Registry its registry API.
type Variant struct {
	Name          string
	API, Registry http.Handler
}

// VariantPath is where a variant's GraphQL API is served.
func VariantPath(name string) string { return "/variants/" + name + "/graphql" }

// VariantRegistryPath is where a variant's registry API is served.
func VariantRegistryPath(name string) string { return "/api/variants/" + name + "/graphql" }

// RegistryPath is where the registry API is served.
const RegistryPath = "/api/graphql"

const assetsPath = "/-/playground/"

// New returns the router: api serves GraphQL at opts.Path, the registry API (if any) is at
// RegistryPath, metrics (if any) at GET /metrics, and GET /health answers readiness.
func New(api http.Handler, opts Options) http.Handler {
	if opts.Path == "" {
		opts.Path = "/graphql"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(`{"status":"UP"}`))
	})
	if opts.Authenticate != nil {
		api = opts.Authenticate(api)
	}
	endpoint := api
	if opts.Playground {
		page := playground.Handler("Atrium", opts.Path, assetsPath)
		mux.Handle(assetsPath, http.StripPrefix(assetsPath, playground.Assets()))
		endpoint = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && wantsHTML(r) {
				page.ServeHTTP(w, r)
				return
			}
			api.ServeHTTP(w, r)
		})
	}
	mux.Handle(opts.Path, endpoint)
	if opts.Registry != nil {
		mux.Handle(RegistryPath, opts.Registry)
	}
	if opts.Metrics != nil {
		mux.Handle("GET /metrics", opts.Metrics)
	}
	for _, p := range opts.IssuerPaths {
		mux.Handle(p, opts.Issuer)
	}
	for _, v := range opts.Variants {
		h := v.API
		if opts.Authenticate != nil {
			h = opts.Authenticate(h)
		}
		mux.Handle(VariantPath(v.Name), h)
		mux.Handle(VariantRegistryPath(v.Name), v.Registry)
	}
	if opts.Portal != nil {
		mux.Handle("/portal", opts.Portal)
		mux.Handle("/portal/", opts.Portal)
	}
	return mux
}

// wantsHTML reports whether a GET comes from a browser navigating to the endpoint: it
// accepts text/html and carries no GraphQL query.
func wantsHTML(r *http.Request) bool {
	if r.URL.Query().Has("query") {
		return false
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/html" {
			return true
		}
	}
	return false
}
