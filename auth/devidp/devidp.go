// Package devidp is a local OpenID Connect provider for development: `atrium dev-idp` serves
// it, and `make run` starts it so that a new user can sign in without any account or network.
//
// The protocol is zitadel/oidc's op package; this package gives it in-memory storage (users
// and clients fixed at start, an ES256 key generated at start), a plain HTML login page and
// token contents Atrium needs: JWT access tokens whose aud holds the client id and Audience,
// with a space-separated scope claim. It supports the authorization code grant (PKCE S256
// required for public clients) and the refresh token grant.
//
// It is for development only: passwords are kept in clear, nothing survives a restart,
// and it is usually served over plain HTTP.
package devidp

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Audience is in the aud claim of every access token, next to the client id, so that the
// gateway can accept the tokens of every client with `audiences: [atrium]`.
const Audience = "atrium"

// ScopeGroups asks for the user's groups: a groups claim in the ID token, the access token
// and the userinfo answer.
const ScopeGroups = "groups"

// Options configure a Provider.
type Options struct {
	// Issuer is the provider's base URL, scheme://host[:port] without a path: the tokens'
	// iss, and where the endpoints are (the Provider serves them at the root).
	Issuer string
	// Users can sign in on the login page.
	Users []User
	// Clients are the OAuth clients allowed to ask for tokens.
	Clients []Client
	// Logger receives sign-ins and refused sign-ins; slog.Default() when nil. zitadel's op
	// package logs protocol errors to slog.Default() whatever this is.
	Logger *slog.Logger
}

// User is an account of the login page.
type User struct {
	// ID is the tokens' sub; Username when empty.
	ID string
	// Username and Password are what the login page asks.
	Username, Password string
	// Email (email scope; always verified) and Name (profile scope) are optional.
	Email, Name string
	// Groups are the groups claim (groups scope).
	Groups []string
}

// Client is an OAuth client.
type Client struct {
	// ID is the client_id.
	ID string
	// Secret authenticates a confidential client at the token endpoint (HTTP Basic or form
	// post). Empty means a public client, which must use PKCE with S256.
	Secret string
	// RedirectURIs are the allowed redirect_uri values, compared exactly, except that a
	// public client's loopback URIs (http://127.0.0.1/…, http://[::1]/…, http://localhost/…)
	// accept any port (RFC 8252, section 7.3). A public client's http URIs must be loopback.
	RedirectURIs []string
	// Scopes are the scopes the client may ask for besides openid, profile, email,
	// offline_access and groups; nil allows any scope.
	Scopes []string
}

// Provider is the OpenID Connect provider: an http.Handler serving discovery
// (/.well-known/openid-configuration), /keys, /authorize, /oauth/token, /userinfo,
// /oauth/introspect, /revoke, /end_session and the login page (/login). It is safe for
// concurrent use.
type Provider struct {
	issuer  string
	handler http.Handler
}

// New builds a Provider. Every problem of opts is reported in one error, each line with
// the path of the field (for example "clients[1].redirect_uris[0]: …").
func New(opts Options) (*Provider, error) {
	if err := validate(opts); err != nil {
		return nil, err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	store, err := newStorage(opts)
	if err != nil {
		return nil, err
	}
	config := &op.Config{
		DefaultLogoutRedirectURI: opts.Issuer + loggedOutPath,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		GrantTypeRefreshToken:    true,
		SupportedUILocales:       []language.Tag{language.English},
		SupportedScopes:          []string{oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopeOfflineAccess, ScopeGroups},
		SupportedClaims:          append(append([]string(nil), op.DefaultSupportedClaims...), "scope", "groups"),
	}
	// The key encrypts authorization codes (they carry the auth request id).
	if _, err := rand.Read(config.CryptoKey[:]); err != nil {
		return nil, err
	}
	var options []op.Option
	if strings.HasPrefix(opts.Issuer, "http://") {
		options = append(options, op.WithAllowInsecure())
	}
	provider, err := op.NewProvider(config, store, op.StaticIssuer(opts.Issuer), options...)
	if err != nil {
		return nil, fmt.Errorf("issuer: %w", err)
	}
	l := &login{store: store, log: logger, callback: op.AuthCallbackURL(provider)}
	mux := http.NewServeMux()
	mux.Handle(loginPath, op.NewIssuerInterceptor(provider.IssuerFromRequest).Handler(l))
	mux.HandleFunc(loggedOutPath, loggedOut)
	mux.HandleFunc("GET /{$}", home(opts.Issuer))
	mux.Handle("/", provider)
	return &Provider{issuer: opts.Issuer, handler: mux}, nil
}

// ServeHTTP serves the provider's endpoints.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

func validate(opts Options) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if u, err := url.Parse(opts.Issuer); opts.Issuer == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("issuer: %q is not an http(s) URL", opts.Issuer)
	} else if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		add("issuer: %q must be scheme://host[:port], without a path, query or fragment (the provider serves its endpoints at the root)", opts.Issuer)
	}
	if len(opts.Users) == 0 {
		add("users: at least one is required (nobody could sign in)")
	}
	ids, names := map[string]int{}, map[string]int{}
	for i, u := range opts.Users {
		id := u.ID
		if id == "" {
			id = u.Username
		}
		if u.Username == "" {
			add("users[%d].username: required", i)
		} else if j, dup := names[u.Username]; dup {
			add("users[%d].username: %q is also the username of users[%d]", i, u.Username, j)
		} else {
			names[u.Username] = i
		}
		if u.Password == "" {
			add("users[%d].password: required", i)
		}
		if j, dup := ids[id]; dup && id != "" {
			add("users[%d].id: %q is also the id of users[%d]", i, id, j)
		} else if id != "" {
			ids[id] = i
		}
	}
	if len(opts.Clients) == 0 {
		add("clients: at least one is required")
	}
	clients := map[string]int{}
	for i, c := range opts.Clients {
		if c.ID == "" {
			add("clients[%d].id: required", i)
		} else if j, dup := clients[c.ID]; dup {
			add("clients[%d].id: %q is also the id of clients[%d]", i, c.ID, j)
		} else {
			clients[c.ID] = i
		}
		if len(c.RedirectURIs) == 0 {
			add("clients[%d].redirect_uris: at least one is required", i)
		}
		for j, r := range c.RedirectURIs {
			if problem := redirectURIProblem(r, c.Secret == ""); problem != "" {
				add("clients[%d].redirect_uris[%d]: %q %s", i, j, r, problem)
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// redirectURIProblem says what is wrong with a client's redirect URI, "" when nothing is.
func redirectURIProblem(raw string, public bool) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "" && u.Path == ""):
		return "is not an absolute URL"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "must not have a fragment"
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		return "has no host"
	case !public && u.Scheme != "http" && u.Scheme != "https":
		return "must be http(s) for a confidential client"
	case public && u.Scheme == "http":
		if _, loopback := op.HTTPLoopbackOrLocalhost(raw); !loopback {
			return "must be https, or http on a loopback host (127.0.0.1, [::1], localhost), for a public client"
		}
	}
	return ""
}
