// Package auth is who a request comes from and what it may see: principals from verified
// tokens, and the authorization directives (@authenticated, @requiresScopes, @policy)
// applied to operations before they are planned.
package auth

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
)

// Principal is the verified identity behind a request.
type Principal struct {
	// Issuer and Subject identify the principal (the token's iss and sub).
	Issuer, Subject string
	// ClientID is the OAuth client the token was issued to, if any.
	ClientID string
	// Scopes are the token's scopes (its space-separated scope claim, or mapped claims).
	Scopes []string
	// Claims are the token's claims as decoded JSON.
	Claims map[string]any
	// Token is the bearer token the principal was verified from (set by Middleware), kept
	// for forwarding rules that send it to backends (docs/forwarding.md); empty when the
	// principal did not come from a bearer token. It is a credential: never log it, never
	// put it in an error or a response. It is left out of JSON, fmt and slog output.
	Token string `json:"-"`
}

// String describes p without its token or claims (fmt's %v and %+v).
func (p Principal) String() string {
	return fmt.Sprintf("Principal{Issuer:%q Subject:%q ClientID:%q Scopes:%q}", p.Issuer, p.Subject, p.ClientID, p.Scopes)
}

// GoString is String (fmt's %#v), so that the token never shows.
func (p Principal) GoString() string { return p.String() }

// LogValue describes p in logs without its token or claims.
func (p Principal) LogValue() slog.Value {
	return slog.GroupValue(slog.String("issuer", p.Issuer), slog.String("subject", p.Subject),
		slog.String("client_id", p.ClientID), slog.Any("scopes", p.Scopes))
}

// HasScopes reports whether p holds every scope of all.
func (p *Principal) HasScopes(all []string) bool {
	for _, s := range all {
		if p == nil || !slices.Contains(p.Scopes, s) {
			return false
		}
	}
	return true
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom is the request's principal, nil when it is anonymous.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
