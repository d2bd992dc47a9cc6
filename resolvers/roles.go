package resolvers

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry/store"
)

// Roles name, per role, the token scopes of which a caller needs any one (atrium.yaml
// portal.roles; config.PortalRoles has the same fields). Every Atrium token is a
// CONSUMER; ADMIN implies OWNER. An empty list gives its role to no token.
type Roles struct {
	Admin, Owner []string
}

// of returns the roles of a token with scopes, lowest first.
func (r Roles) of(scopes []string) []model.Role {
	anyOf := func(want []string) bool {
		return slices.ContainsFunc(scopes, func(s string) bool { return slices.Contains(want, s) })
	}
	roles := []model.Role{model.RoleConsumer}
	admin := anyOf(r.Admin)
	if admin || anyOf(r.Owner) {
		roles = append(roles, model.RoleOwner)
	}
	if admin {
		roles = append(roles, model.RoleAdmin)
	}
	return roles
}

// caller is who a request comes from: the admin token, or the principal of an Atrium
// access token.
type caller struct {
	// principal is nil for the admin token.
	principal *auth.Principal
	roles     []model.Role
}

var adminCaller = &caller{roles: []model.Role{model.RoleConsumer, model.RoleOwner, model.RoleAdmin}}

func (c *caller) has(role model.Role) bool { return c != nil && slices.Contains(c.roles, role) }

// subject is who owns what the caller registers: the token's subject, "" for the admin
// token (whose clients belong to nobody).
func (c *caller) subject() string {
	if c == nil || c.principal == nil {
		return ""
	}
	return c.principal.Subject
}

// isClient tells a token an API client got for itself (client_credentials: its subject
// is its client_id) from a user's.
func (c *caller) isClient() bool {
	return c != nil && c.principal != nil && c.principal.Subject == c.principal.ClientID
}

// scopes are the caller's token's scopes; none for the admin token.
func (c *caller) scopes() []string {
	if c == nil || c.principal == nil {
		return nil
	}
	return c.principal.Scopes
}

// claim is a string claim of the caller's token; "" when it has none.
func (c *caller) claim(name string) string {
	if c == nil || c.principal == nil {
		return ""
	}
	s, _ := c.principal.Claims[name].(string)
	return s
}

// publisher names the caller in the version history: "admin" for the admin token, else
// a name people recognise, else the subject.
func (c *caller) publisher() string {
	if c == nil || c.principal == nil {
		return "admin"
	}
	name := firstOf(c.claim("preferred_username"), c.claim("email"), c.principal.Subject)
	// The store refuses longer ones, which the caller could do nothing about.
	for len(name) > store.MaxPublisherBytes {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

type callerKey struct{}

func withCaller(ctx context.Context, c *caller) context.Context {
	if c.principal != nil {
		ctx = auth.WithPrincipal(ctx, c.principal)
	}
	return context.WithValue(ctx, callerKey{}, c)
}

// callerFrom is the request's caller; nil outside a request the handler authenticated.
func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// publisher names who made the request, for the version history.
func publisher(ctx context.Context) string { return callerFrom(ctx).publisher() }

// errForbidden is a field the caller may not use (FORBIDDEN).
type errForbidden struct{ message string }

func (e *errForbidden) Error() string { return e.message }

func needsRole(field string, role model.Role) error {
	return &errForbidden{fmt.Sprintf("%s needs the %s role, which this token does not have", field, role)}
}

// hasRole implements @hasRole: the field resolves only for a caller with the role.
func hasRole(ctx context.Context, _ any, next graphql.Resolver, role model.Role) (any, error) {
	if !callerFrom(ctx).has(role) {
		field := "this field"
		if fc := graphql.GetFieldContext(ctx); fc != nil {
			field = fc.Field.Name
		}
		return nil, needsRole(field, role)
	}
	return next(ctx)
}

func (q queries) Viewer(ctx context.Context) (*model.Viewer, error) {
	c := callerFrom(ctx)
	if c.principal == nil {
		return &model.Viewer{Subject: "admin", Name: "Administrator", Roles: c.roles}, nil
	}
	v := &model.Viewer{Subject: c.principal.Subject, Roles: c.roles,
		Name: firstOf(c.claim("name"), c.claim("preferred_username"), c.claim("email"), c.principal.Subject)}
	if email := c.claim("email"); email != "" {
		v.Email = &email
	}
	if c.principal.ClientID != "" {
		v.ClientID = &c.principal.ClientID
	}
	return v, nil
}
