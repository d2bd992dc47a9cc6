package portal

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func serve(t *testing.T, opts Options) *httptest.Server {
	t.Helper()
	h, err := Handler(opts)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle(Path, h)
	mux.Handle(Path+"/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var configScript = regexp.MustCompile(`<script type="application/json" id="atrium-config">(.*?)</script>`)

func TestPageCarriesItsConfiguration(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{Title: `Acme </script><script>alert(1)</script>`, GraphQLPath: "/graphql", RegistryPath: "/api/graphql"})
	resp, body := fetch(t, http.MethodGet, srv.URL+"/portal/docs/Query")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self';")
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.NotContains(t, body, "<script>alert(1)", "the title is escaped inside the JSON")

	m := configScript.FindStringSubmatch(body)
	require.NotNil(t, m, body)
	var cfg pageConfig
	require.NoError(t, json.Unmarshal([]byte(m[1]), &cfg))
	assert.Equal(t, pageConfig{Title: `Acme </script><script>alert(1)</script>`, Base: "/portal", GraphQL: "/graphql", Registry: "/api/graphql",
		Variants: []Variant{{Name: "production", GraphQL: "/graphql", Registry: "/api/graphql"}}}, cfg)
	assert.Nil(t, cfg.SignIn, "no issuer, no sign-in")

	// Every script and stylesheet the page loads is embedded, hashed and cached for good.
	refs := regexp.MustCompile(`(?:src|href)="(/portal/assets/[^"]+)"`).FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, refs)
	for _, ref := range refs {
		resp, _ := fetch(t, http.MethodGet, srv.URL+ref[1])
		assert.Equal(t, http.StatusOK, resp.StatusCode, ref[1])
		assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"), ref[1])
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{GraphQLPath: "/graphql", RegistryPath: "/api/graphql"})
	for path, status := range map[string]int{
		"/portal/": 200, "/portal/docs": 200, "/portal/docs/Product": 200, "/portal/playground": 200, "/portal/clients": 200,
		"/portal/registry/diff": 200, "/portal/changelog": 200, "/portal/callback": 200,
		"/portal/feedback": 200, "/portal/feedback/new?coordinate=Product.price": 200, "/portal/feedback/7": 200, "/portal/feedbacks": 404,
		"/portal/nope": 404, "/portal/assets/nope.js": 404, "/portal/changelog.atom": 404,
	} {
		resp, _ := fetch(t, http.MethodGet, srv.URL+path)
		assert.Equal(t, status, resp.StatusCode, path)
	}
	resp, _ := fetch(t, http.MethodGet, srv.URL+"/portal")
	assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
	assert.Equal(t, "/portal/", resp.Header.Get("Location"))
	for _, path := range []string{"/portal", "/portal/", "/portal/docs"} {
		resp, _ := fetch(t, http.MethodPost, srv.URL+path)
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, path)
	}
	resp, body := fetch(t, http.MethodHead, srv.URL+"/portal/docs")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, body)
}

func TestRenderNeedsTheMarker(t *testing.T) {
	t.Parallel()
	_, err := render([]byte("<html></html>"), pageConfig{})
	require.Error(t, err)
	out, err := render([]byte("<head><!--atrium-config--></head>"), pageConfig{Title: "a&b"})
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(out), `"title":"a\u0026b"`), string(out))
}

// TestFirstLoadBudget keeps the portal fast on first load: what the page loads before it
// can render (its scripts and stylesheets, gzipped as served) stays under 100 KiB. The
// playground (GraphiQL) is loaded only when opened, so it is not counted.
func TestFirstLoadBudget(t *testing.T) {
	t.Parallel()
	srv := serve(t, Options{GraphQLPath: "/graphql", RegistryPath: "/api/graphql"})
	_, body := fetch(t, http.MethodGet, srv.URL+"/portal/")
	refs := regexp.MustCompile(`(?:src|href)="(/portal/assets/[^"]+)"`).FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, refs)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	total := 0
	for _, ref := range refs {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+ref[1], nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"), ref[1])
		total += len(b)
	}
	assert.Less(t, total, 100<<10, "the portal's first load is %d bytes gzipped", total)
	t.Logf("first load: %d bytes gzipped", total)
}
