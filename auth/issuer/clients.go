package issuer

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/atrium-gateway/atrium/registry/store"
)

// Grant types an API client may be registered with.
const (
	GrantClientCredentials = string(oidc.GrantTypeClientCredentials)
	GrantAuthorizationCode = string(oidc.GrantTypeCode)
	GrantRefreshToken      = string(oidc.GrantTypeRefreshToken)
	GrantTokenExchange     = string(oidc.GrantTypeTokenExchange)
)

var knownGrants = []string{GrantClientCredentials, GrantAuthorizationCode, GrantRefreshToken, GrantTokenExchange}

// ClientSpec describes an API client to register.
type ClientSpec struct {
	// ID is the client_id: 1-64 of [A-Za-z0-9._-]. Empty: one is generated.
	ID   string
	Name string
	// Public clients (browser and native apps) have no secret and must use PKCE.
	Public bool
	// Scopes the client asks for. Those granted (all but Pending) are what it may obtain:
	// with client_credentials its tokens carry them (or the requested subset); for users
	// signing in through it they cap the user's scopes. Empty caps nothing for users and
	// grants nothing with client_credentials.
	Scopes []string
	// Pending are those of Scopes not granted yet: they wait for an administrator
	// (GrantScopes). Empty grants all of Scopes, as when an administrator registers it.
	Pending []string
	// Owner is the subject of the user registering the client; empty for a client
	// registered with the admin token.
	Owner string
	// GrantTypes it may use; default client_credentials for a confidential client,
	// authorization_code and refresh_token for a public one.
	GrantTypes []string
	// RedirectURIs a sign-in may return to (authorization_code); exact matches, except
	// that a loopback http://127.0.0.1 or http://[::1] URI matches any port (RFC 8252).
	RedirectURIs []string
}

// Client is a registered API client, as listed (never with its secret). Scopes are those
// granted, RequestedScopes those asked for: the difference waits for an administrator.
type Client struct {
	ID, Name                         string
	Public                           bool
	Owner                            string
	Scopes, GrantTypes, RedirectURIs []string
	RequestedScopes                  []string
	CreatedAt, UpdatedAt             time.Time
}

var clientIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// scopeRE is RFC 6749's scope-token: printable ASCII without space, quote or backslash.
var scopeRE = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]+$`)

func (c *ClientSpec) normalize() error {
	var problems []string
	if c.ID == "" {
		c.ID = "client-" + randomString(9)
	}
	if !clientIDRE.MatchString(c.ID) {
		problems = append(problems, fmt.Sprintf("id %q: use 1-64 letters, digits, '.', '_' or '-'", truncate(c.ID)))
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	if len(c.Name) > 200 {
		problems = append(problems, "name: at most 200 characters")
	}
	problems = append(problems, scopeProblems(c.Scopes)...)
	for _, s := range c.Pending {
		if !slices.Contains(c.Scopes, s) {
			problems = append(problems, fmt.Sprintf("pending scope %q: not among the scopes asked for", truncate(s)))
		}
	}
	if len(c.GrantTypes) == 0 {
		if c.Public {
			c.GrantTypes = []string{GrantAuthorizationCode, GrantRefreshToken}
		} else {
			c.GrantTypes = []string{GrantClientCredentials}
		}
	}
	for _, g := range c.GrantTypes {
		if !slices.Contains(knownGrants, g) {
			problems = append(problems, fmt.Sprintf("grant type %q: use one of %s", truncate(g), strings.Join(knownGrants, ", ")))
		}
	}
	if c.Public && slices.Contains(c.GrantTypes, GrantClientCredentials) {
		problems = append(problems, "a public client cannot use client_credentials: it has no secret")
	}
	if slices.Contains(c.GrantTypes, GrantAuthorizationCode) && len(c.RedirectURIs) == 0 {
		problems = append(problems, "authorization_code needs at least one redirect URI")
	}
	for _, r := range c.RedirectURIs {
		if err := checkRedirectURI(r); err != nil {
			problems = append(problems, fmt.Sprintf("redirect URI %q: %v", truncate(r), err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidClient, strings.Join(problems, "; "))
	}
	return nil
}

func scopeProblems(scopes []string) []string {
	var problems []string
	for _, s := range scopes {
		if !scopeRE.MatchString(s) || len(s) > 200 {
			problems = append(problems, fmt.Sprintf("scope %q: not a valid scope (printable characters, no spaces or quotes)", truncate(s)))
		}
	}
	return problems
}

// ErrInvalidClient wraps what is wrong with a ClientSpec.
var ErrInvalidClient = errors.New("invalid client")

func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Scheme == "" || u.Host == "" && u.Scheme != "http" && u.Scheme != "https" && u.Opaque == "":
		return errors.New("not an absolute URI")
	case u.Fragment != "":
		return errors.New("must not have a fragment")
	case u.Scheme == "http" && !isLoopback(u.Hostname()) && u.Hostname() != "localhost":
		return errors.New("http is only allowed for loopback addresses; use https")
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host == "":
		return errors.New("no host")
	}
	return nil
}

func isLoopback(host string) bool { return host == "127.0.0.1" || host == "::1" }

// hashSecret is how secrets are stored: SHA-256. Secrets are 256 random bits generated
// here, never chosen by people, so a fast hash is enough (no dictionary to try) and keeps
// the token endpoint fast; a leaked table does not give the secrets.
func hashSecret(secret string) string { return sha256Hex(secret) }

func secretMatches(secret, hash string) bool {
	if hash == "" {
		return false
	}
	got := hashSecret(secret)
	return subtle.ConstantTimeCompare([]byte(got), []byte(hash)) == 1
}

func randomString(bytes int) string {
	b := make([]byte, bytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateClient registers an API client and returns it with its secret (empty for a public
// client), which is shown this once: only its hash is kept.
func (i *Issuer) CreateClient(ctx context.Context, spec ClientSpec) (Client, string, error) {
	if err := spec.normalize(); err != nil {
		return Client{}, "", err
	}
	var secret, hash string
	if !spec.Public {
		secret = "atr_" + randomString(32)
		hash = hashSecret(secret)
	}
	granted := slices.DeleteFunc(slices.Clone(spec.Scopes), func(s string) bool { return slices.Contains(spec.Pending, s) })
	err := i.st.CreateOAuthClient(ctx, store.OAuthClient{ID: spec.ID, Name: spec.Name, SecretHash: hash, Owner: spec.Owner,
		Scopes: granted, RequestedScopes: spec.Scopes, GrantTypes: spec.GrantTypes, RedirectURIs: spec.RedirectURIs})
	if err != nil {
		return Client{}, "", err
	}
	c, err := i.Client(ctx, spec.ID)
	return c, secret, err
}

// Client returns the client of that ID, or an error wrapping store.ErrNotFound.
func (i *Issuer) Client(ctx context.Context, id string) (Client, error) {
	c, err := i.st.OAuthClient(ctx, id)
	return clientOf(c), err
}

// Clients lists the registered clients by ID.
func (i *Issuer) Clients(ctx context.Context) ([]Client, error) {
	return clientsOf(i.st.OAuthClients(ctx))
}

// ClientsOwnedBy lists the clients owner registered, by ID; none for "".
func (i *Issuer) ClientsOwnedBy(ctx context.Context, owner string) ([]Client, error) {
	return clientsOf(i.st.OAuthClientsOwnedBy(ctx, owner))
}

func clientsOf(rows []store.OAuthClient, err error) ([]Client, error) {
	if err != nil {
		return nil, err
	}
	out := make([]Client, len(rows))
	for n, r := range rows {
		out[n] = clientOf(r)
	}
	return out, nil
}

// GrantScopes sets the scopes a client is granted (what it asked for is kept). Taking a
// scope away revokes every token issued to the client, so that none keeps it; adding
// scopes revokes nothing. Its next tokens carry the new grant.
func (i *Issuer) GrantScopes(ctx context.Context, id string, scopes []string) (Client, error) {
	if problems := scopeProblems(scopes); len(problems) > 0 {
		return Client{}, fmt.Errorf("%w: %s", ErrInvalidClient, strings.Join(problems, "; "))
	}
	var unique []string
	for _, s := range scopes {
		unique = appendNew(unique, s)
	}
	revoked, err := i.st.SetOAuthClientScopes(ctx, id, unique)
	if err != nil {
		return Client{}, err
	}
	if revoked {
		i.revocations.poke()
	}
	return i.Client(ctx, id)
}

// RotateSecret gives a confidential client a new secret, returned this once; the old
// one stops working at once. Tokens already issued stay valid until they expire.
func (i *Issuer) RotateSecret(ctx context.Context, id string) (string, error) {
	c, err := i.st.OAuthClient(ctx, id)
	if err != nil {
		return "", err
	}
	if c.SecretHash == "" {
		return "", fmt.Errorf("%w: client %q is public: it has no secret", ErrInvalidClient, id)
	}
	secret := "atr_" + randomString(32)
	return secret, i.st.SetOAuthClientSecret(ctx, id, hashSecret(secret))
}

// DeleteClient removes a client and revokes every token issued to it.
func (i *Issuer) DeleteClient(ctx context.Context, id string) error {
	if err := i.st.DeleteOAuthClient(ctx, id); err != nil {
		return err
	}
	i.revocations.poke()
	return nil
}

func clientOf(c store.OAuthClient) Client {
	return Client{ID: c.ID, Name: c.Name, Public: c.SecretHash == "", Owner: c.Owner, Scopes: c.Scopes,
		RequestedScopes: c.RequestedScopes, GrantTypes: c.GrantTypes, RedirectURIs: c.RedirectURIs,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// opClient is a registered client as zitadel's op sees it.
type opClient struct {
	c        store.OAuthClient
	loginURL func(authRequestID string) string
	idTTL    time.Duration
}

var _ op.HasRedirectGlobs = (*opClient)(nil)

func (c *opClient) GetID() string                    { return c.c.ID }
func (c *opClient) RedirectURIs() []string           { return c.c.RedirectURIs }
func (c *opClient) PostLogoutRedirectURIs() []string { return c.c.RedirectURIs }

// RedirectURIGlobs lets a loopback redirect URI match any port (RFC 8252 7.3): native
// apps listen on whatever port is free.
func (c *opClient) RedirectURIGlobs() []string {
	var globs []string
	for _, r := range c.c.RedirectURIs {
		u, err := url.Parse(r)
		if err != nil || u.Scheme != "http" || !isLoopback(u.Hostname()) {
			continue
		}
		host := u.Hostname()
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		globs = append(globs, "http://"+host+":*"+u.EscapedPath())
	}
	return globs
}
func (c *opClient) PostLogoutRedirectURIGlobs() []string { return c.RedirectURIGlobs() }

func (c *opClient) ApplicationType() op.ApplicationType {
	if c.c.SecretHash == "" {
		return op.ApplicationTypeNative // loopback redirects over http are allowed for these
	}
	return op.ApplicationTypeWeb
}

func (c *opClient) AuthMethod() oidc.AuthMethod {
	if c.c.SecretHash == "" {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c *opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

func (c *opClient) GrantTypes() []oidc.GrantType {
	out := make([]oidc.GrantType, len(c.c.GrantTypes))
	for i, g := range c.c.GrantTypes {
		out[i] = oidc.GrantType(g)
	}
	return out
}

func (c *opClient) LoginURL(id string) string            { return c.loginURL(id) }
func (c *opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *opClient) IDTokenLifetime() time.Duration       { return c.idTTL }
func (c *opClient) DevMode() bool                        { return false }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
func (c *opClient) IsScopeAllowed(scope string) bool     { return true } // granted scopes are decided at sign-in
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (c *opClient) allows(grant string) bool { return slices.Contains(c.c.GrantTypes, grant) }
