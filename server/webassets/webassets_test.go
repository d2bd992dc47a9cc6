package webassets

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadAndServe(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"dist/index.html":                    {Data: []byte("<!doctype html>")},
		"dist/assets/index-Pux_IXSK.js":      {Data: []byte(strings.Repeat("console.log(1);", 100))},
		"dist/assets/Playground-CHJ0da-N.js": {Data: []byte("x")},
		"dist/index-7OUO6N3D.css":            {Data: []byte("body{}")},
		"dist/notes.txt":                     {Data: []byte("not served")},
	}
	set, err := Load(fsys, "dist", "assets")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"index.html", "assets/index-Pux_IXSK.js", "assets/Playground-CHJ0da-N.js", "index-7OUO6N3D.css"}, set.Names())
	for name, immutable := range map[string]bool{"index.html": false, "assets/index-Pux_IXSK.js": true,
		"assets/Playground-CHJ0da-N.js": true, "index-7OUO6N3D.css": false /* outside assets/ */} {
		a, ok := set.Get(name)
		require.True(t, ok, name)
		assert.Equal(t, immutable, a.Immutable(), name)
	}

	srv := httptest.NewServer(http.StripPrefix("/static/", set.Handler()))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/static/assets/index-Pux_IXSK.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, `"Pux_IXSK-gz"`, resp.Header.Get("ETag"))
	assert.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
	zr, err := gzip.NewReader(resp.Body)
	require.NoError(t, err)
	body, _ := io.ReadAll(zr)
	assert.Equal(t, strings.Repeat("console.log(1);", 100), string(body))

	for path, status := range map[string]int{"notes.txt": 404, "../dist/index.html": 404, "": 404, "index.html": 200} {
		resp, err := http.Get(srv.URL + "/static/" + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, status, resp.StatusCode, path)
	}
	resp, err = http.Post(srv.URL+"/static/index.html", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	assert.Equal(t, "GET, HEAD", resp.Header.Get("Allow"))
}

func TestAcceptsGzip(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"":                   false,
		"gzip":               true,
		"br, gzip, deflate":  true,
		"gzip;q=0.5":         true,
		"gzip; q=0":          false,
		"gzip;q=0.000, br":   false,
		"x-gzip, identity":   false,
		"deflate;q=1, *;q=1": false,
	}
	for header, want := range cases {
		assert.Equal(t, want, AcceptsGzip(header), header)
	}
}
