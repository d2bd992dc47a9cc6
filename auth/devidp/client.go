package devidp

import (
	"net/url"
	"slices"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Lifetimes of what the provider issues.
const (
	loginLifetime        = 10 * time.Minute // from /authorize to the code
	codeLifetime         = 5 * time.Minute  // from the code to its exchange (by hand, in docs/dev-idp.md)
	accessTokenLifetime  = time.Hour
	idTokenLifetime      = time.Hour
	refreshTokenLifetime = 24 * time.Hour
)

// client is a Client as zitadel's op sees it.
type client struct {
	Client
	loginURL string // the login page's absolute URL
}

var _ op.Client = (*client)(nil)

func (c *client) public() bool { return c.Secret == "" }

func (c *client) GetID() string { return c.ID }

func (c *client) RedirectURIs() []string { return c.Client.RedirectURIs }

// PostLogoutRedirectURIs are the redirect URIs: after /end_session a client may send the
// user back to any of them.
func (c *client) PostLogoutRedirectURIs() []string { return c.Client.RedirectURIs }

// ApplicationType is native for public clients: op then accepts their loopback redirect
// URIs on any port.
func (c *client) ApplicationType() op.ApplicationType {
	if c.public() {
		return op.ApplicationTypeNative
	}
	return op.ApplicationTypeWeb
}

func (c *client) AuthMethod() oidc.AuthMethod {
	if c.public() {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic // op also accepts the secret in the form (AuthMethodPost)
}

func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}

func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}

func (c *client) LoginURL(authRequestID string) string {
	return c.loginURL + "?" + url.Values{"authRequestID": {authRequestID}}.Encode()
}

func (c *client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

func (c *client) IDTokenLifetime() time.Duration { return idTokenLifetime }

func (c *client) DevMode() bool { return false }

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(scopes []string) []string { return scopes }
}

// IsScopeAllowed is asked for every scope but openid, profile, email, phone, address and
// offline_access.
func (c *client) IsScopeAllowed(scope string) bool {
	return scope == ScopeGroups || c.Scopes == nil || slices.Contains(c.Scopes, scope)
}

// IDTokenUserinfoClaimsAssertion puts the profile and email claims in the ID token even
// though an access token is issued too: clients should not need a userinfo call.
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return true }

func (c *client) ClockSkew() time.Duration { return 0 }
