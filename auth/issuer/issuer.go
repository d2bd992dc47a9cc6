// Package issuer is Atrium's own OAuth 2.0 authorization server: it issues access tokens
// (ES256-signed JWTs) to API clients (client_credentials), to users who sign in with an
// upstream OpenID Connect provider (authorization_code with PKCE), in exchange for an
// upstream provider's token (RFC 8693 token exchange), and rotates refresh tokens with
// reuse detection. It serves the discovery documents, the JWKS, revocation (RFC 7009) and
// introspection (RFC 7662).
//
// The protocol is zitadel/oidc's op package (an OpenID Certified implementation); this
// package is its storage on the registry store, the upstream sign-in, and the rules of
// what a token may hold. Everything lives in the registry store, so every gateway sharing
// it issues and verifies the same tokens, and each learns of revocations within a second.
package issuer

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/registry/store"
)

// Config configures the issuer (atrium.yaml issuer:).
type Config struct {
	// Disabled turns the issuer off; it is on wherever the registry is served.
	Disabled bool `yaml:"disabled"`
	// URL is the issuer's public base URL, the iss of its tokens (default
	// http://<listen address>). Behind a proxy, set it to the address clients use.
	URL string `yaml:"url"`
	// Audience is the aud of access tokens; default "atrium".
	Audience string `yaml:"audience"`
	// AccessTokenTTL (default 15m), RefreshTokenTTL (default 720h) and KeyRotation, the
	// age at which a signing key is replaced (default 720h; at least twice the access
	// token lifetime, so that a token outlives no published key).
	AccessTokenTTL  time.Duration `yaml:"access_token_ttl"`
	RefreshTokenTTL time.Duration `yaml:"refresh_token_ttl"`
	KeyRotation     time.Duration `yaml:"key_rotation"`
	// SignIn names the auth.providers entry users sign in with (it needs client_id and
	// client_secret); default: the only provider that has a client_id.
	SignIn string `yaml:"sign_in"`
	// Claims are the upstream claims copied into Atrium tokens of users; default email,
	// email_verified, name, preferred_username and groups.
	Claims []string `yaml:"claims"`
}

// WithDefaults fills in the defaults; listen is the gateway's listen address.
func (c Config) WithDefaults(listen string) Config {
	if c.URL == "" {
		c.URL = "http://" + listen
	}
	c.URL = strings.TrimSuffix(c.URL, "/")
	if c.Audience == "" {
		c.Audience = "atrium"
	}
	if c.AccessTokenTTL == 0 {
		c.AccessTokenTTL = 15 * time.Minute
	}
	if c.RefreshTokenTTL == 0 {
		c.RefreshTokenTTL = 720 * time.Hour
	}
	if c.KeyRotation == 0 {
		c.KeyRotation = 720 * time.Hour
	}
	if c.Claims == nil {
		c.Claims = []string{"email", "email_verified", "name", "preferred_username", "groups"}
	}
	return c
}

// Problems lists what is wrong with c (after WithDefaults), each line starting with the
// field's name.
func (c Config) Problems(providers []auth.ProviderConfig) []string {
	var problems []string
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		problems = append(problems, fmt.Sprintf("url: %q is not an http(s) URL without query", c.URL))
	}
	if c.AccessTokenTTL < time.Minute || c.AccessTokenTTL > 24*time.Hour {
		problems = append(problems, "access_token_ttl: must be between 1m and 24h")
	}
	if c.RefreshTokenTTL < c.AccessTokenTTL {
		problems = append(problems, "refresh_token_ttl: must not be shorter than access_token_ttl")
	}
	if c.KeyRotation < 2*c.AccessTokenTTL {
		problems = append(problems, "key_rotation: must be at least twice access_token_ttl (a token must not outlive the published keys)")
	}
	if c.SignIn != "" {
		i := slices.IndexFunc(providers, func(p auth.ProviderConfig) bool { return p.Name == c.SignIn })
		switch {
		case i < 0:
			problems = append(problems, fmt.Sprintf("sign_in: no auth.providers entry is named %q", c.SignIn))
		case providers[i].ClientID == "":
			problems = append(problems, fmt.Sprintf("sign_in: auth.providers %q needs client_id (and client_secret) for users to sign in through it", c.SignIn))
		}
	}
	for _, p := range providers {
		if strings.TrimSuffix(p.Issuer, "/") == c.URL {
			problems = append(problems, fmt.Sprintf("url: %q is also auth.providers %q: Atrium trusts its own tokens already", c.URL, p.Name))
		}
	}
	return problems
}

// signInProvider is the provider users sign in with: the named one, else the only one
// with a client_id; nil when none.
func (c Config) signInProvider(providers []auth.ProviderConfig) *auth.ProviderConfig {
	var found *auth.ProviderConfig
	for i, p := range providers {
		if c.SignIn != "" && p.Name == c.SignIn {
			return &providers[i]
		}
		if c.SignIn == "" && p.ClientID != "" {
			if found != nil {
				return nil // ambiguous: sign_in must choose
			}
			found = &providers[i]
		}
	}
	return found
}

// Options are what New needs besides the configuration.
type Options struct {
	Store *store.Store
	// Providers are the upstream OIDC providers (auth.providers); Upstream verifies their
	// tokens for token exchange (nil when there are none).
	Providers []auth.ProviderConfig
	Upstream  *auth.Verifier
	// HTTPClient talks to upstream providers at sign-in; default a client with a 10s timeout.
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Issuer is the token issuer.
type Issuer struct {
	cfg         Config
	st          *store.Store
	log         *slog.Logger
	keys        *keyring
	revocations *revocations
	upstream    *auth.Verifier
	providers   []auth.ProviderConfig
	signIn      *signIn
	provider    *op.Provider
	handler     http.Handler
}

// Paths the issuer serves.
const (
	AuthorizePath       = "/oauth/authorize"
	TokenPath           = "/oauth/token"
	IntrospectPath      = "/oauth/introspect"
	RevokePath          = "/oauth/revoke"
	UserinfoPath        = "/oauth/userinfo"
	EndSessionPath      = "/oauth/end_session"
	LoginPath           = "/oauth/login"
	CallbackPath        = "/oauth/callback"
	JWKSPath            = "/.well-known/jwks.json"
	OIDCDiscoveryPath   = "/.well-known/openid-configuration"
	OAuthMetadataPath   = "/.well-known/oauth-authorization-server"
	authRequestLifetime = 10 * time.Minute
)

// New builds the issuer: it makes sure a signing key exists (creating the first one) and
// reads the revoked tokens. Run must then be started to rotate keys and follow revocations.
func New(ctx context.Context, cfg Config, opts Options) (*Issuer, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if problems := cfg.Problems(opts.Providers); len(problems) > 0 {
		return nil, fmt.Errorf("issuer.%s", strings.Join(problems, "\nissuer."))
	}
	i := &Issuer{cfg: cfg, st: opts.Store, log: opts.Logger, upstream: opts.Upstream, providers: opts.Providers,
		keys:        &keyring{st: opts.Store, rotation: cfg.KeyRotation, log: opts.Logger},
		revocations: newRevocations(opts.Store)}
	if err := i.keys.ensure(ctx); err != nil {
		return nil, fmt.Errorf("token issuer: signing keys: %w", err)
	}
	if err := i.revocations.sync(ctx); err != nil {
		return nil, fmt.Errorf("token issuer: revoked tokens: %w", err)
	}
	if p := cfg.signInProvider(opts.Providers); p != nil {
		i.signIn = &signIn{cfg: p.WithDefaults(), client: opts.HTTPClient, redirect: cfg.URL + CallbackPath}
	}
	// op encrypts its authorization codes with CryptoKey. Codes are looked up by their
	// hash in the store, never decrypted, so each process draws its own key; the zero
	// default would make codes computable from the request ID.
	var codeKey [32]byte
	_, _ = rand.Read(codeKey[:])
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:             codeKey,
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English},
	}, &storage{i}, op.StaticIssuer(cfg.URL),
		op.WithAllowInsecure(), // http issuers are the operator's choice (development, TLS ended at a proxy)
		op.WithCustomAuthEndpoint(op.NewEndpoint(AuthorizePath)),
		op.WithCustomTokenEndpoint(op.NewEndpoint(TokenPath)),
		op.WithCustomIntrospectionEndpoint(op.NewEndpoint(IntrospectPath)),
		op.WithCustomRevocationEndpoint(op.NewEndpoint(RevokePath)),
		op.WithCustomUserinfoEndpoint(op.NewEndpoint(UserinfoPath)),
		op.WithCustomEndSessionEndpoint(op.NewEndpoint(EndSessionPath)),
		op.WithCustomKeysEndpoint(op.NewEndpoint(JWKSPath)),
		op.WithLogger(opts.Logger),
	)
	if err != nil {
		return nil, fmt.Errorf("token issuer: %w", err)
	}
	i.provider = provider
	i.handler = i.routes()
	return i, nil
}

// URL is the issuer's URL, the iss of its tokens.
func (i *Issuer) URL() string { return i.cfg.URL }

// Run rotates signing keys when due and follows revocations until ctx ends.
func (i *Issuer) Run(ctx context.Context) {
	go i.every(ctx, time.Minute, nil, "signing keys", i.keys.ensure)
	go i.every(ctx, 10*time.Minute, nil, "pruning expired tokens", func(ctx context.Context) error {
		return i.st.PruneOAuth(ctx, time.Now().Add(-time.Hour))
	})
	i.every(ctx, time.Second, i.revocations.wake, "reading revoked tokens", i.revocations.sync)
}

// every runs job each interval, and whenever wake (if any) is signalled, until ctx ends;
// failures are logged and the next round tries again.
func (i *Issuer) every(ctx context.Context, interval time.Duration, wake <-chan struct{}, what string, job func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
		if err := job(ctx); err != nil && ctx.Err() == nil {
			i.log.Error("token issuer: "+what, "error", err)
		}
	}
}

// Trust makes v accept the issuer's tokens: verified with the keys in the store, refused
// once revoked.
func (i *Issuer) Trust(v *auth.Verifier) error {
	return v.Trust(auth.LocalIssuer{Name: "atrium", Issuer: i.cfg.URL, Audiences: []string{i.cfg.Audience},
		Keys: i.keys, Revoked: i.revocations.revoked})
}

// Paths are the URL paths Handler serves, to route to it.
func (i *Issuer) Paths() []string {
	return []string{OIDCDiscoveryPath, OAuthMetadataPath, JWKSPath, "/oauth/"}
}

// Handler serves the issuer's endpoints (Paths).
func (i *Issuer) Handler() http.Handler { return i.handler }

func (i *Issuer) routes() http.Handler {
	mux := http.NewServeMux()
	withIssuer := op.NewIssuerInterceptor(i.provider.IssuerFromRequest)
	for _, p := range []string{OIDCDiscoveryPath, JWKSPath, AuthorizePath, AuthorizePath + "/callback", RevokePath, UserinfoPath, EndSessionPath} {
		mux.Handle(p, i.provider)
	}
	mux.Handle(IntrospectPath, oauthUnauthorized(i.provider))
	mux.Handle(TokenPath, i.tokenEndpoint(i.provider))
	mux.Handle(OAuthMetadataPath, withIssuer.Handler(http.HandlerFunc(i.metadata)))
	mux.HandleFunc(LoginPath, i.login)
	mux.HandleFunc(CallbackPath, i.callback)
	mux.HandleFunc("/oauth/", func(w http.ResponseWriter, r *http.Request) {
		oauthError(w, http.StatusNotFound, "invalid_request", "no such endpoint")
	})
	return mux
}

// metadata serves RFC 8414's document: the same as OpenID discovery, which op builds.
func (i *Issuer) metadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use GET")
		return
	}
	op.Discover(w, op.CreateDiscoveryConfig(r.Context(), i.provider, &storage{i}))
}

type grantTypeKey struct{}

// maxFormBytes bounds token endpoint bodies.
const maxFormBytes = 64 << 10

// tokenEndpoint reads the form before op does, to apply what op leaves to the server:
// the body size limit, the audience of token exchange (Atrium issues tokens for itself
// only: RFC 8693's invalid_target otherwise), and telling storage which grant is asked for.
func (i *Issuer) tokenEndpoint(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "the body is not a form of at most 64 KiB")
			return
		}
		for key, values := range r.PostForm {
			if len(values) > 1 && key != "audience" && key != "resource" {
				// RFC 6749 3.2: parameters must not be repeated.
				oauthError(w, http.StatusBadRequest, "invalid_request", "parameter "+truncate(key)+" is repeated")
				return
			}
		}
		grant := r.PostForm.Get("grant_type")
		if grant == GrantTokenExchange {
			for _, a := range r.PostForm["audience"] {
				if a != i.cfg.Audience {
					oauthError(w, http.StatusBadRequest, "invalid_target", "tokens are issued for audience "+i.cfg.Audience+" only")
					return
				}
			}
			r.PostForm["audience"], r.Form["audience"] = []string{i.cfg.Audience}, []string{i.cfg.Audience}
			// op reads token exchange's client only from HTTP Basic; take client_id (and
			// client_secret) from the form too, as for every other grant.
			if id := r.PostForm.Get("client_id"); id != "" && r.Header.Get("Authorization") == "" {
				r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(r.PostForm.Get("client_secret")))
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), grantTypeKey{}, grant)))
	})
}

// oauthUnauthorized answers op's 401s (which it writes as plain text at the
// introspection endpoint) as RFC 7662 asks: an OAuth JSON error, invalid_client.
func oauthUnauthorized(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&unauthorizedWriter{ResponseWriter: w}, r)
	})
}

type unauthorizedWriter struct {
	http.ResponseWriter
	replaced bool
}

func (u *unauthorizedWriter) WriteHeader(status int) {
	if status == http.StatusUnauthorized {
		u.replaced = true
		u.Header().Del("X-Content-Type-Options")
		u.Header().Set("WWW-Authenticate", `Basic realm="atrium"`)
		oauthError(u.ResponseWriter, status, "invalid_client", "client authentication failed")
		return
	}
	u.ResponseWriter.WriteHeader(status)
}

func (u *unauthorizedWriter) Write(b []byte) (int, error) {
	if u.replaced {
		return len(b), nil
	}
	return u.ResponseWriter.Write(b)
}

func grantFromContext(ctx context.Context) string {
	g, _ := ctx.Value(grantTypeKey{}).(string)
	return g
}

func oauthError(w http.ResponseWriter, status int, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

// scopesFor decides the scopes of a token: the OpenID Connect scopes asked for, and the
// subject's own scopes, capped by the client's (when it has any) and, when the request
// names any, by those it names.
func scopesFor(requested, own, clientCap []string) []string {
	var out, asked []string
	for _, s := range requested {
		if isOIDCScope(s) {
			out = appendNew(out, s)
		} else {
			asked = appendNew(asked, s)
		}
	}
	for _, s := range own {
		if isOIDCScope(s) || (len(clientCap) > 0 && !slices.Contains(clientCap, s)) || (len(asked) > 0 && !slices.Contains(asked, s)) {
			continue
		}
		out = appendNew(out, s)
	}
	return out
}

func isOIDCScope(s string) bool {
	switch s {
	case oidc.ScopeOpenID, oidc.ScopeProfile, oidc.ScopeEmail, oidc.ScopeAddress, oidc.ScopePhone, oidc.ScopeOfflineAccess:
		return true
	}
	return false
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// copyClaims keeps the configured claims of an upstream token (for Atrium's tokens).
func (i *Issuer) copyClaims(from map[string]any, providerName string) map[string]any {
	out := map[string]any{"idp": providerName}
	for _, name := range i.cfg.Claims {
		if v, ok := from[name]; ok {
			out[name] = v
		}
	}
	return out
}
