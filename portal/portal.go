// Package portal serves Atrium's developer portal at /portal: a single-page web app
// (web/, TypeScript built with Vite into dist/, embedded in the binary) over the registry
// API, plus the changelog's Atom feed. Regenerate dist/ with `make portal`.
package portal

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/server/webassets"
)

// Path is where the portal is served.
const Path = "/portal"

// ClientID is the public OAuth client the portal signs users in as; atrium serve
// registers it (EnsureClient).
const ClientID = "atrium-portal"

//go:embed dist
var dist embed.FS

// Options configure the portal.
type Options struct {
	// Title names the API in the page title and header; default "Atrium".
	Title string
	// GraphQLPath and RegistryPath are where the API and the registry API are served.
	GraphQLPath, RegistryPath string
	// Issuer is Atrium's token issuer; nil turns sign-in off.
	Issuer *issuer.Issuer
	// Feed serves the changelog's Atom feed at /portal/changelog.atom, when set.
	Feed http.Handler
	// Announcements serves the announcements' Atom feed at /portal/announcements.atom,
	// when set.
	Announcements http.Handler
	// Variants are the graph variants served beside the main graph (production), which the
	// playground can target: their GraphQL and registry API paths by name.
	Variants []Variant
}

// Variant is a graph variant the portal offers.
type Variant struct {
	Name     string `json:"name"`
	GraphQL  string `json:"graphql"`
	Registry string `json:"registry"`
}

// signIn is what the page needs to sign users in through the issuer.
type signIn struct {
	Origin    string   `json:"origin"`
	ClientID  string   `json:"clientId"`
	Authorize string   `json:"authorize"`
	Token     string   `json:"token"`
	Revoke    string   `json:"revoke"`
	Scopes    []string `json:"scopes"`
}

type pageConfig struct {
	Title    string  `json:"title"`
	Base     string  `json:"base"`
	GraphQL  string  `json:"graphql"`
	Registry string  `json:"registry"`
	SignIn   *signIn `json:"signIn,omitempty"`
	// Variants lists the graphs, the main one (production) first.
	Variants []Variant `json:"variants"`
}

// routes are the app's pages; other paths answer the app with 404 (it shows "not found").
var routes = regexp.MustCompile(`^/(|docs(/.*)?|playground|clients|registry(/.*)?|changelog|feedback(/.*)?|callback|guides(/[a-z0-9-]*)?|status|products(/[a-z0-9-]*)?)$`)

// Handler serves the portal under Path (mount it at Path and Path+"/").
func Handler(opts Options) (http.Handler, error) {
	assets, err := webassets.Load(dist, "dist", "assets")
	if err != nil {
		return nil, err
	}
	index, ok := assets.Get("index.html")
	if !ok {
		return nil, errors.New("portal: the embedded dist/ has no index.html; rebuild it with `make portal`")
	}
	if opts.Title == "" {
		opts.Title = "Atrium"
	}
	cfg := pageConfig{Title: opts.Title, Base: Path, GraphQL: opts.GraphQLPath, Registry: opts.RegistryPath,
		Variants: append([]Variant{{Name: "production", GraphQL: opts.GraphQLPath, Registry: opts.RegistryPath}}, opts.Variants...)}
	connect := "'self'"
	if opts.Issuer != nil {
		base := opts.Issuer.URL()
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("portal: issuer URL: %w", err)
		}
		origin := u.Scheme + "://" + u.Host
		cfg.SignIn = &signIn{Origin: origin, ClientID: ClientID, Authorize: base + issuer.AuthorizePath,
			Token: base + issuer.TokenPath, Revoke: base + issuer.RevokePath, Scopes: signInScopes}
		connect += " " + origin
	}
	page, err := render(index.Body, cfg)
	if err != nil {
		return nil, err
	}
	csp := "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; " +
		"img-src 'self' data:; connect-src " + connect + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	files := http.StripPrefix(Path+"/", assets.Handler())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, Path)
		switch {
		case p == "":
			if !webassets.AllowRead(w, r) {
				return
			}
			http.Redirect(w, r, Path+"/", http.StatusMovedPermanently)
		case strings.HasPrefix(p, "/assets/"):
			files.ServeHTTP(w, r)
		case p == "/changelog.atom" && opts.Feed != nil:
			opts.Feed.ServeHTTP(w, r)
		case p == "/announcements.atom" && opts.Announcements != nil:
			opts.Announcements.ServeHTTP(w, r)
		default:
			if !webassets.AllowRead(w, r) {
				return
			}
			webassets.PageHeaders(w, csp)
			status := http.StatusOK
			if !routes.MatchString(p) {
				status = http.StatusNotFound
			}
			w.WriteHeader(status)
			if r.Method == http.MethodGet {
				_, _ = w.Write(page)
			}
		}
	}), nil
}

// signInScopes are what the portal asks for: the user's identity and a refresh token;
// with no API scope asked, the user's own scopes (e.g. their groups) come along, which
// the registry API maps to roles.
var signInScopes = []string{"openid", "profile", "email", "offline_access"}

// render puts the page's configuration into index.html as JSON data (not script: the
// CSP allows only the bundle's own files to run).
func render(index []byte, cfg pageConfig) ([]byte, error) {
	js, err := json.Marshal(cfg) // escapes <, > and & for HTML
	if err != nil {
		return nil, err
	}
	const marker = "<!--atrium-config-->"
	if !bytes.Contains(index, []byte(marker)) {
		return nil, errors.New("portal: index.html lacks " + marker + "; rebuild dist/ with `make portal`")
	}
	return bytes.Replace(index, []byte(marker), []byte(`<script type="application/json" id="atrium-config">`+string(js)+`</script>`), 1), nil
}

// EnsureClient registers the portal's public client with the issuer unless it exists:
// authorization code with PKCE and refresh tokens, returning to /portal/callback.
func EnsureClient(ctx context.Context, iss *issuer.Issuer) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, _, err := iss.CreateClient(ctx, issuer.ClientSpec{ID: ClientID, Name: "Atrium portal", Public: true,
		GrantTypes:   []string{issuer.GrantAuthorizationCode, issuer.GrantRefreshToken},
		RedirectURIs: []string{iss.URL() + Path + "/callback"}})
	if errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}
