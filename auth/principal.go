// Package auth is who a request comes from and what it may see: principals from verified
// tokens, and the authorization directives (@authenticated, @requiresScopes, @policy)
// applied to operations before they are planned.
package auth

import (
	"context"
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
