package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/go-jose/go-jose/v4"
)

// MaxTokenSize is the longest bearer token Verify accepts; longer ones are refused unparsed.
const MaxTokenSize = 8 << 10

// Errors Verify returns. They are safe to show to a client: the detail of why a token was
// refused is in the wrapping error's text (for the log), never in these.
var (
	// ErrInvalidToken: the token is malformed, unsigned, badly signed, expired, not yet
	// valid, from an unknown issuer, or for another audience.
	ErrInvalidToken = errors.New("invalid bearer token")
	// ErrTokenTooLarge: the token is longer than MaxTokenSize.
	ErrTokenTooLarge = errors.New("bearer token too large")
	// ErrProviderUnavailable: the token's issuer is configured but its discovery document
	// could not be read yet; the request may be retried.
	ErrProviderUnavailable = errors.New("identity provider unavailable")
)

// refreshInterval is the least time between two fetches of a provider's JWKS (and between
// two discovery attempts of a provider that is down).
const refreshInterval = 10 * time.Second

// asymmetricAlgs are the signature algorithms a provider may be configured with. Symmetric
// (HS*) algorithms and "none" are never accepted.
var asymmetricAlgs = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// ProviderConfig is one OpenID Connect provider whose tokens are accepted (atrium.yaml
// auth.providers[]).
type ProviderConfig struct {
	// Name identifies the provider in logs and errors.
	Name string `yaml:"name"`
	// Issuer is the provider's issuer URL, exactly as in its tokens' iss claim; its
	// discovery document is at Issuer + "/.well-known/openid-configuration".
	Issuer string `yaml:"issuer"`
	// Audiences: a token must carry one of them in its aud claim.
	Audiences []string `yaml:"audiences"`
	// Algorithms are the accepted signature algorithms; default RS256 and ES256.
	Algorithms []string `yaml:"algorithms"`
	// Leeway is the clock skew tolerated on exp, nbf and iat; 0 means the default, 30s.
	Leeway time.Duration `yaml:"leeway"`
	// Claims name the claims a Principal is read from.
	Claims ClaimNames `yaml:"claims"`
	// ClientID and ClientSecret are Atrium's registration with the provider, used when
	// users sign in through it (the token issuer's authorization_code flow). Verifying
	// tokens needs neither.
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"client_secret"`
	// SignInScopes are asked for at sign-in; default openid, profile and email.
	SignInScopes []string `yaml:"sign_in_scopes"`
}

// ClaimNames name the claims a Principal is read from.
type ClaimNames struct {
	// Subject is the claim of Principal.Subject; default "sub".
	Subject string `yaml:"subject"`
	// Scopes is the claim of Principal.Scopes, a space-separated string or a list of
	// strings; default "scope".
	Scopes string `yaml:"scopes"`
	// ClientID is the claim of Principal.ClientID; default "client_id", then "azp".
	ClientID string `yaml:"client_id"`
}

// WithDefaults returns p with its unset fields set to their defaults.
func (p ProviderConfig) WithDefaults() ProviderConfig {
	if len(p.Algorithms) == 0 {
		p.Algorithms = []string{string(jose.RS256), string(jose.ES256)}
	}
	if p.Leeway == 0 {
		p.Leeway = 30 * time.Second
	}
	if p.Claims.Subject == "" {
		p.Claims.Subject = "sub"
	}
	if p.Claims.Scopes == "" {
		p.Claims.Scopes = "scope"
	}
	if len(p.SignInScopes) == 0 {
		p.SignInScopes = []string{"openid", "profile", "email"}
	}
	return p
}

// Problems lists what is wrong with p, each line starting with the field's path relative
// to p (for example "issuer: ..."); nil when p is valid.
func (p ProviderConfig) Problems() []string {
	var problems []string
	if p.Name == "" {
		problems = append(problems, "name: required")
	}
	if u, err := url.Parse(p.Issuer); p.Issuer == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("issuer: %q is not an http(s) URL", p.Issuer))
	} else if u.RawQuery != "" || u.Fragment != "" {
		problems = append(problems, "issuer: must not have a query or fragment")
	}
	if len(p.Audiences) == 0 {
		problems = append(problems, "audiences: at least one is required (a token must carry one of them in aud)")
	}
	for i, a := range p.Audiences {
		if a == "" {
			problems = append(problems, fmt.Sprintf("audiences[%d]: must not be empty", i))
		}
	}
	for i, a := range p.Algorithms {
		if !slices.Contains(asymmetricAlgs, jose.SignatureAlgorithm(a)) {
			problems = append(problems, fmt.Sprintf("algorithms[%d]: %q is not supported; use one of %s", i, a, algNames()))
		}
	}
	if p.Leeway < 0 || p.Leeway > 5*time.Minute {
		problems = append(problems, "leeway: must be between 0 and 5m")
	}
	return problems
}

func algNames() string {
	names := make([]string, len(asymmetricAlgs))
	for i, a := range asymmetricAlgs {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// Verifier verifies bearer tokens (signed JWTs) of configured OIDC providers. It is safe
// for concurrent use.
//
// A provider whose discovery document cannot be read when the Verifier is built does not
// fail startup: discovery is retried, at most once per 10s, when a token of that issuer
// arrives, and such tokens are refused with ErrProviderUnavailable meanwhile. An outage
// of one identity provider thus never keeps the gateway (or the other providers) down.
type Verifier struct {
	client    *http.Client
	providers map[string]*provider // by issuer
	interval  time.Duration        // refreshInterval, shorter in tests
}

type provider struct {
	cfg ProviderConfig
	// revoked, for an issuer trusted with Trust, tells whether a token's jti was revoked.
	revoked  func(jti string) bool
	algs     []jose.SignatureAlgorithm
	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier // nil until discovered
	keys     *keySet
	tried    time.Time // last discovery attempt
	lastErr  error
}

// NewVerifier builds a Verifier for providers, reading their discovery documents with
// httpClient (http.DefaultClient when nil; give it a timeout). It fails only on an invalid
// configuration; see Verifier for providers that are down.
func NewVerifier(ctx context.Context, providers []ProviderConfig, httpClient *http.Client) (*Verifier, error) {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	v := &Verifier{client: httpClient, providers: map[string]*provider{}, interval: refreshInterval}
	var problems []string
	for i, p := range providers {
		p = p.WithDefaults()
		for _, pr := range p.Problems() {
			problems = append(problems, fmt.Sprintf("providers[%d].%s", i, pr))
		}
		if _, dup := v.providers[p.Issuer]; dup {
			problems = append(problems, fmt.Sprintf("providers[%d].issuer: %q is configured twice", i, p.Issuer))
		}
		pv := &provider{cfg: p}
		for _, a := range p.Algorithms {
			pv.algs = append(pv.algs, jose.SignatureAlgorithm(a))
		}
		v.providers[p.Issuer] = pv
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	var wg sync.WaitGroup
	for _, p := range v.providers {
		wg.Go(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			_ = v.discover(ctx, p) // an error is kept in p.lastErr and retried later
		})
	}
	wg.Wait()
	return v, nil
}

// LocalIssuer is a token issuer the gateway trusts without discovery: its keys are at hand
// (Atrium's own issuer, whose keys are in the registry store) and it can tell revoked
// tokens, so a revocation is honoured as soon as the gateway learns of it.
type LocalIssuer struct {
	Name      string
	Issuer    string
	Audiences []string
	Keys      oidc.KeySet
	// Revoked tells whether the token of that jti was revoked; tokens without a jti are
	// refused.
	Revoked func(jti string) bool
	Leeway  time.Duration
}

// Trust adds a local issuer. It must be called before the Verifier is used.
func (v *Verifier) Trust(l LocalIssuer) error {
	if _, dup := v.providers[l.Issuer]; dup {
		return fmt.Errorf("issuer %q is configured twice: Atrium's own token issuer cannot also be in auth.providers", l.Issuer)
	}
	cfg := ProviderConfig{Name: l.Name, Issuer: l.Issuer, Audiences: l.Audiences, Algorithms: []string{string(jose.ES256)}, Leeway: l.Leeway}.WithDefaults()
	v.providers[l.Issuer] = &provider{cfg: cfg, algs: []jose.SignatureAlgorithm{jose.ES256}, revoked: l.Revoked,
		verifier: tokenVerifier(cfg, l.Keys)}
	return nil
}

// Status reports, by provider name, the error of the last discovery attempt of each
// provider not yet discovered; empty when every provider is ready.
func (v *Verifier) Status() map[string]error {
	out := map[string]error{}
	for _, p := range v.providers {
		p.mu.Lock()
		if p.verifier == nil {
			out[p.cfg.Name] = p.lastErr
		}
		p.mu.Unlock()
	}
	return out
}

// discover reads p's discovery document; p.mu is held.
func (v *Verifier) discover(ctx context.Context, p *provider) error {
	p.tried = time.Now()
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, v.client), p.cfg.Issuer)
	if err != nil {
		p.lastErr = err
		return err
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := op.Claims(&doc); err != nil || doc.JWKSURI == "" {
		p.lastErr = fmt.Errorf("discovery document of %s has no jwks_uri", p.cfg.Issuer)
		return p.lastErr
	}
	p.keys = &keySet{url: doc.JWKSURI, client: v.client, algs: p.algs, interval: v.interval}
	p.verifier = tokenVerifier(p.cfg, p.keys)
	p.lastErr = nil
	return nil
}

// tokenVerifier checks a provider's tokens' signature (with keys), issuer and expiry (with
// the provider's leeway); audiences are checked by Verify, against several values.
func tokenVerifier(cfg ProviderConfig, keys oidc.KeySet) *oidc.IDTokenVerifier {
	leeway := cfg.Leeway
	return oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		SkipClientIDCheck:    true,
		SupportedSigningAlgs: cfg.Algorithms,
		Now:                  func() time.Time { return time.Now().Add(-leeway) },
	})
}

func (v *Verifier) ready(ctx context.Context, p *provider) (*oidc.IDTokenVerifier, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.verifier == nil && time.Since(p.tried) >= v.interval {
		_ = v.discover(ctx, p)
	}
	if p.verifier == nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrProviderUnavailable, p.cfg.Name, p.lastErr)
	}
	return p.verifier, nil
}

// Verify checks rawToken (a JWS in compact form) and returns its principal. Errors wrap
// ErrInvalidToken, ErrTokenTooLarge or ErrProviderUnavailable (test with errors.Is); their
// text has the detail for the log and never contains the token.
//
// ID tokens are refused (a token with nonce or at_hash): they say who signed in to an
// app, not what a caller may do, and providers often give them an audience an API also
// accepts.
func (v *Verifier) Verify(ctx context.Context, rawToken string) (*Principal, error) {
	p, err := v.verify(ctx, rawToken)
	if err != nil {
		return nil, err
	}
	if _, nonce := p.Claims["nonce"]; nonce {
		return nil, invalid("an ID token is not an access token")
	}
	if _, atHash := p.Claims["at_hash"]; atHash {
		return nil, invalid("an ID token is not an access token")
	}
	return p, nil
}

// VerifyAny is Verify that also accepts ID tokens, for token exchange (RFC 8693 takes
// either as the subject token).
func (v *Verifier) VerifyAny(ctx context.Context, rawToken string) (*Principal, error) {
	return v.verify(ctx, rawToken)
}

func (v *Verifier) verify(ctx context.Context, rawToken string) (*Principal, error) {
	if len(rawToken) > MaxTokenSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTokenTooLarge, len(rawToken))
	}
	// The unverified iss only chooses the provider whose keys must then verify the token.
	jws, err := jose.ParseSignedCompact(rawToken, asymmetricAlgs)
	if err != nil {
		return nil, invalid("malformed or unsupported JWS: %v", err)
	}
	var unverified struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &unverified); err != nil {
		return nil, invalid("payload is not a JSON object")
	}
	p, ok := v.providers[unverified.Issuer]
	if !ok {
		return nil, invalid("issuer %q is not configured", truncate(unverified.Issuer))
	}
	verifier, err := v.ready(ctx, p)
	if err != nil {
		return nil, err
	}
	tok, err := verifier.Verify(ctx, rawToken)
	if err != nil {
		return nil, invalid("%s: %v", p.cfg.Name, err)
	}
	// From here on the claims are verified.
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return nil, invalid("%s: claims: %v", p.cfg.Name, err)
	}
	if !slices.ContainsFunc(tok.Audience, func(a string) bool { return slices.Contains(p.cfg.Audiences, a) }) {
		return nil, invalid("%s: audience %q is not one of %q", p.cfg.Name, tok.Audience, p.cfg.Audiences)
	}
	now := time.Now()
	if !tok.IssuedAt.IsZero() && tok.IssuedAt.After(now.Add(p.cfg.Leeway)) {
		return nil, invalid("%s: issued in the future (iat %s)", p.cfg.Name, tok.IssuedAt.UTC().Format(time.RFC3339))
	}
	if nbf, ok := claims["nbf"].(float64); ok && time.Unix(int64(nbf), 0).After(now.Add(p.cfg.Leeway)) {
		return nil, invalid("%s: not valid before %s", p.cfg.Name, time.Unix(int64(nbf), 0).UTC().Format(time.RFC3339))
	}
	if p.revoked != nil {
		jti, _ := claims["jti"].(string)
		if jti == "" || p.revoked(jti) {
			return nil, invalid("%s: token revoked or without jti", p.cfg.Name)
		}
	}
	pr, err := p.cfg.Principal(claims)
	if err != nil {
		return nil, invalid("%s: %v", p.cfg.Name, err)
	}
	return pr, nil
}

// Principal reads a principal from verified claims by p's claim names.
func (p ProviderConfig) Principal(claims map[string]any) (*Principal, error) {
	p = p.WithDefaults()
	subject, _ := claims[p.Claims.Subject].(string)
	if subject == "" {
		return nil, fmt.Errorf("no string claim %q for the subject", p.Claims.Subject)
	}
	scopes, err := scopeList(claims[p.Claims.Scopes])
	if err != nil {
		return nil, fmt.Errorf("claim %q: %v", p.Claims.Scopes, err)
	}
	var clientID string
	if p.Claims.ClientID != "" {
		clientID, _ = claims[p.Claims.ClientID].(string)
	} else if clientID, _ = claims["client_id"].(string); clientID == "" {
		clientID, _ = claims["azp"].(string)
	}
	issuer, _ := claims["iss"].(string)
	return &Principal{Issuer: issuer, Subject: subject, ClientID: clientID, Scopes: scopes, Claims: claims}, nil
}

func scopeList(c any) ([]string, error) {
	switch c := c.(type) {
	case nil:
		return nil, nil
	case string:
		return strings.Fields(c), nil
	case []any:
		out := make([]string, 0, len(c))
		for _, s := range c {
			str, ok := s.(string)
			if !ok {
				return nil, errors.New("a list of scopes must hold strings")
			}
			out = append(out, str)
		}
		return out, nil
	default:
		return nil, errors.New("must be a string or a list of strings")
	}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidToken}, args...)...)
}

// truncate keeps unverified values short in logs.
func truncate(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
