// Package playground serves a GraphiQL playground whose assets are built
// from npm packages (web/) and embedded in the binary (dist/), so it works
// without network access to any CDN.
//
// The page and its assets are two handlers: Handler serves the HTML page
// wherever it is mounted (typically the GraphQL endpoint itself, for GET
// requests that accept text/html), and Assets serves the bundle under a
// prefix of the caller's choosing:
//
//	mux.Handle("/graphql", gatewayOrPlayground)
//	mux.Handle("/-/playground/", http.StripPrefix("/-/playground/", playground.Assets()))
//	page := playground.Handler("Atrium", "/graphql", "/-/playground/")
//
// Regenerate dist/ with `npm --prefix server/playground/web ci && npm --prefix
// server/playground/web run build`.
package playground

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/atrium-gateway/atrium/server/webassets"
)

//go:embed dist
var dist embed.FS

// bundle is the embedded files, and the names the page links to.
type bundle struct {
	assets *webassets.Set
	js     string
	css    string
}

var loadBundle = sync.OnceValues(func() (*bundle, error) { return newBundle(dist) })

func newBundle(fsys fs.FS) (*bundle, error) {
	set, err := webassets.Load(fsys, "dist", "")
	if err != nil {
		return nil, err
	}
	b := &bundle{assets: set}
	for _, name := range set.Names() {
		switch {
		case strings.HasPrefix(name, "index") && path.Ext(name) == ".js":
			b.js = name
		case strings.HasPrefix(name, "index") && path.Ext(name) == ".css":
			b.css = name
		}
	}
	if b.js == "" || b.css == "" {
		return nil, fmt.Errorf("playground: embedded dist/ lacks index-*.js or index-*.css; " +
			"rebuild it with `npm ci && npm run build` in server/playground/web")
	}
	return b, nil
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="atrium-title" content="{{.Title}}">
<meta name="atrium-graphql-endpoint" content="{{.Endpoint}}">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.CSS}}">
<script type="module" src="{{.JS}}"></script>
</head>
<body>
<div id="atrium-playground"></div>
<noscript>The {{.Title}} playground needs JavaScript. Send GraphQL requests to {{.Endpoint}} with POST.</noscript>
</body>
</html>
`))

// Handler returns a handler that serves the playground's HTML page for GET
// and HEAD requests on any path, and 405 for other methods. The page sends
// queries to endpoint, a URL that may be relative to the page ("" means the
// page's own path), and loads its script and stylesheet from assetPrefix, the
// path at which Assets is mounted (a trailing slash is added if missing).
// title is shown in the browser tab and the GraphiQL logo. All three are
// HTML-escaped. The page is rendered once, here; Handler panics only if the
// embedded dist/ is broken, which TestEmbeddedBundle catches.
func Handler(title, endpoint, assetPrefix string) http.Handler {
	b, err := loadBundle()
	if err != nil {
		panic(err)
	}
	if !strings.HasSuffix(assetPrefix, "/") {
		assetPrefix += "/"
	}
	var buf bytes.Buffer
	err = page.Execute(&buf, struct{ Title, Endpoint, JS, CSS string }{
		Title: title, Endpoint: endpoint, JS: assetPrefix + b.js, CSS: assetPrefix + b.css,
	})
	if err != nil {
		panic(err) // the template takes only strings: it cannot fail
	}
	body, csp := buf.Bytes(), contentSecurityPolicy(endpoint)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !webassets.AllowRead(w, r) {
			return
		}
		webassets.PageHeaders(w, csp)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// Assets returns a handler that serves the embedded bundle by file name, to be
// mounted behind http.StripPrefix at the assetPrefix given to Handler. Hashed
// file names are cached for a year; gzip is used when the client accepts it.
func Assets() http.Handler {
	b, err := loadBundle()
	if err != nil {
		panic(err)
	}
	return b.assets.Handler()
}

// origin matches a scheme and host that are safe to copy into a CSP header.
var origin = regexp.MustCompile(`^(https?|wss?)://[A-Za-z0-9.\-\[\]:]+$`)

// contentSecurityPolicy allows the page to load only its own assets, and to
// send requests to its own origin plus endpoint's, if endpoint is absolute.
// GraphiQL's menus and dialogs (react-remove-scroll) inject <style> elements,
// hence 'unsafe-inline' for styles; its fonts and icons are data: URLs inlined
// in the stylesheet.
func contentSecurityPolicy(endpoint string) string {
	connect := "'self'"
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		if o := u.Scheme + "://" + u.Host; origin.MatchString(o) {
			connect += " " + o
		}
	}
	return "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"font-src 'self' data:; img-src 'self' data:; connect-src " + connect + "; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
}
