package playground

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const assetPrefix = "/-/playground/"

// newServer mounts the page at /graphql and the assets at assetPrefix, the
// way the gateway does.
func newServer(t *testing.T, title, endpoint string) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/graphql", Handler(title, endpoint, assetPrefix))
	mux.Handle(assetPrefix, http.StripPrefix(assetPrefix, Assets()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches url without transparent decompression, so tests see exactly
// what a browser gets.
func get(t *testing.T, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, body
}

var (
	scriptSrc = regexp.MustCompile(`<script[^>]*\ssrc="([^"]*)"`)
	styleHref = regexp.MustCompile(`<link[^>]*\shref="([^"]*)"`)
	cssURL    = regexp.MustCompile(`url\(\s*['"]?([^'")\s]*)`)
	external  = regexp.MustCompile(`(?i)^(https?:)?//`)
)

func TestEmbeddedBundle(t *testing.T) {
	t.Parallel()
	b, err := loadBundle()
	require.NoError(t, err)
	require.Len(t, b.assets.Names(), 2, "dist/ should hold just index JS and CSS: %v", b.assets.Names())
	for _, name := range b.assets.Names() {
		a, _ := b.assets.Get(name)
		assert.True(t, a.Immutable(), "%s should have a content-hashed name", name)
	}
}

func TestPageReferencesAssets(t *testing.T) {
	t.Parallel()
	srv := newServer(t, "Atrium", "/graphql")

	resp, body := get(t, srv.URL+"/graphql", http.Header{"Accept": {"text/html"}})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	assert.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
	assert.Equal(t, "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "+
		"base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
		resp.Header.Get("Content-Security-Policy"))

	html := string(body)
	assert.Contains(t, html, `<title>Atrium</title>`)
	assert.Contains(t, html, `<meta name="atrium-graphql-endpoint" content="/graphql">`)
	assert.NotContains(t, html, "<style", "inline styles would need a CSP nonce")

	scripts, styles := scriptSrc.FindAllStringSubmatch(html, -1), styleHref.FindAllStringSubmatch(html, -1)
	require.Len(t, scripts, 1)
	require.Len(t, styles, 1)
	for _, ref := range append(scripts, styles...) {
		assert.NotRegexp(t, external, ref[1], "page must not load anything from another origin")
		assert.True(t, strings.HasPrefix(ref[1], assetPrefix), "%s is not under %s", ref[1], assetPrefix)
	}

	cases := []struct {
		path, contentType string
	}{
		{scripts[0][1], "text/javascript; charset=utf-8"},
		{styles[0][1], "text/css; charset=utf-8"},
	}
	for _, c := range cases {
		resp, body := get(t, srv.URL+c.path, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, c.path)
		assert.Equal(t, c.contentType, resp.Header.Get("Content-Type"), c.path)
		assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"), c.path)
		assert.Empty(t, resp.Header.Get("Content-Encoding"), c.path)
		assert.Greater(t, len(body), 100_000, "%s is suspiciously small", c.path)

		if strings.HasSuffix(c.path, ".css") {
			urls := cssURL.FindAllStringSubmatch(string(body), -1)
			require.NotEmpty(t, urls, "GraphiQL's fonts should be inlined as url(data:...)")
			for _, u := range urls {
				assert.NotRegexp(t, external, u[1], "stylesheet must not load from another origin")
			}
			assert.NotContains(t, string(body), "@import")
		}

		// Conditional requests revalidate against the content hash.
		resp, _ = get(t, srv.URL+c.path, http.Header{"If-None-Match": {resp.Header.Get("ETag")}})
		assert.Equal(t, http.StatusNotModified, resp.StatusCode, c.path)

		// Gzip when accepted; the decoded body is the same file.
		resp, gz := get(t, srv.URL+c.path, http.Header{"Accept-Encoding": {"br, gzip"}})
		require.Equal(t, http.StatusOK, resp.StatusCode, c.path)
		assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"), c.path)
		assert.Less(t, len(gz), len(body)*3/4, c.path) // CSS is mostly base64 fonts
		zr, err := gzip.NewReader(strings.NewReader(string(gz)))
		require.NoError(t, err)
		plain, err := io.ReadAll(zr)
		require.NoError(t, err)
		assert.Equal(t, body, plain, c.path)
	}
}

func TestPageEscapesEverything(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("/", Handler(`</title><script>alert(1)</script>`, `"><img src=x onerror=alert(2)>`, `/a"b/`))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	resp, body := get(t, srv.URL+"/anywhere/at/all", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	html := string(body)
	assert.NotContains(t, html, "<script>alert")
	assert.NotContains(t, html, "<img")
	assert.Contains(t, html, "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, html, `content="&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"`)
	assert.Regexp(t, `src="/a%22b/index-[A-Z0-9]+\.js"`, html)
}

func TestMethodsAndMissingAssets(t *testing.T) {
	t.Parallel()
	srv := newServer(t, "Atrium", "")

	for _, path := range []string{"/graphql", assetPrefix + "index.js"} {
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(`{}`))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, path)
		assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"), path)
	}
	for _, path := range []string{"index.js", "../playground.go", "", "dist/"} {
		resp, _ := get(t, srv.URL+assetPrefix+path, nil)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, path)
	}

	// An empty endpoint leaves the choice to the page: its own path.
	_, body := get(t, srv.URL+"/graphql", nil)
	assert.Contains(t, string(body), `<meta name="atrium-graphql-endpoint" content="">`)
}

func TestContentSecurityPolicyConnectSrc(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/graphql":                              "connect-src 'self';",
		"":                                      "connect-src 'self';",
		"https://api.example.com:8443/graphql":  "connect-src 'self' https://api.example.com:8443;",
		"http://[::1]:4000/graphql":             "connect-src 'self' http://[::1]:4000;",
		"javascript://x/%0aalert(1)":            "connect-src 'self';",
		"https://a.example;script-src *@b.test": "connect-src 'self';",
	}
	for endpoint, want := range cases {
		assert.Contains(t, contentSecurityPolicy(endpoint), want, endpoint)
	}
}
