package config

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Portal is atrium.yaml's portal section: who may do what in the registry API when calling
// it with an Atrium access token (the developer portal does, for its signed-in user)
// rather than the admin token (docs/registry.md#roles).
//
//	portal:
//	  roles:
//	    admin: [atrium-admins]
//	    owner: [atrium-owners]
//	  client_scopes: [reviews:read]
type Portal struct {
	// Roles map token scopes to the API's roles. Every Atrium token is a CONSUMER.
	Roles PortalRoles `yaml:"roles"`
	// ClientScopes are the scopes a consumer's own API clients are granted without an
	// administrator; the other scopes they ask for wait for one. Default none.
	ClientScopes []string `yaml:"client_scopes"`
}

// PortalRoles name, per role, the scopes of which a token needs any one. A list left out
// takes its default; an empty list gives the role to no token (the admin token still has
// every role). resolvers.Roles has the same fields.
type PortalRoles struct {
	// Admin: ADMIN, which implies OWNER and CONSUMER; default [atrium:admin].
	Admin []string `yaml:"admin"`
	// Owner: OWNER (subgraph owners: publish, check, read versions); default [atrium:owner].
	Owner []string `yaml:"owner"`
}

// WithDefaults returns p with the lists left out set to their defaults.
func (p Portal) WithDefaults() Portal {
	if p.Roles.Admin == nil {
		p.Roles.Admin = []string{"atrium:admin"}
	}
	if p.Roles.Owner == nil {
		p.Roles.Owner = []string{"atrium:owner"}
	}
	return p
}

// problems lists what is wrong with p, each with its path in atrium.yaml.
func (p Portal) problems() []string {
	var problems []string
	check := func(path string, scopes []string) {
		for i, s := range scopes {
			switch {
			case s == "":
				problems = append(problems, fmt.Sprintf("%s[%d]: must not be empty", path, i))
			case strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
				problems = append(problems, fmt.Sprintf("%s[%d]: %q is not a scope: scopes have no spaces", path, i, s))
			}
		}
	}
	check("portal.roles.admin", p.Roles.Admin)
	check("portal.roles.owner", p.Roles.Owner)
	check("portal.client_scopes", p.ClientScopes)
	roles := p.WithDefaults().Roles
	for i, s := range p.ClientScopes {
		// A consumer would give its clients, and so itself, the role.
		if slices.Contains(roles.Admin, s) || slices.Contains(roles.Owner, s) {
			problems = append(problems, fmt.Sprintf("portal.client_scopes[%d]: %q is a role's scope (portal.roles): any user could take the role through an API client", i, s))
		}
	}
	return problems
}
