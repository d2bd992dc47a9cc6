package auth

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Rules configure how the gateway enforces @authenticated, @requiresScopes and @policy
// (atrium.yaml's authorization section, docs/authorization.md).
type Rules struct {
	// RequireAuthentication refuses every request without a principal (401), whatever it
	// asks for.
	RequireAuthentication bool `yaml:"require_authentication"`
	// RejectUnauthorized refuses a whole operation that asks for anything the caller may
	// not see, instead of removing those parts and answering the rest.
	RejectUnauthorized bool `yaml:"reject_unauthorized"`
	// DryRun computes and logs what would be removed, and removes nothing.
	DryRun bool `yaml:"dry_run"`
	// Policies define the names @policy uses. A name used by the supergraph but not
	// defined here is never granted.
	Policies map[string]Policy `yaml:"policies"`
}

// Policy is one named policy: a principal holds it when it holds every one of the
// conditions. A policy without any condition is never granted (configuration refuses it).
type Policy struct {
	// Claims: each named claim must hold one of the listed values. A string claim must equal
	// one, a list claim must contain one; numbers and booleans compare as written in JSON.
	// A name with dots that is not a claim itself reads nested objects
	// ("realm_access.roles").
	Claims map[string][]string `yaml:"claims"`
	// Scopes: the principal must hold every one of them.
	Scopes []string `yaml:"scopes"`
}

// Problems lists what is wrong with p's conditions, each line starting with the field's path
// relative to p ("claims.groups: ..."); nil when they are valid. That p has a condition at
// all is the caller's to check (Empty).
func (p Policy) Problems() []string {
	var problems []string
	names := make([]string, 0, len(p.Claims))
	for name := range p.Claims {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		values := p.Claims[name]
		switch {
		case strings.TrimSpace(name) == "":
			problems = append(problems, "claims: a claim name must not be empty")
		case len(values) == 0:
			problems = append(problems, fmt.Sprintf("claims.%s: list the accepted values (at least one)", name))
		}
		for i, v := range values {
			if v == "" {
				problems = append(problems, fmt.Sprintf("claims.%s[%d]: must not be empty", name, i))
			}
		}
	}
	for i, s := range p.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\n") {
			problems = append(problems, fmt.Sprintf("scopes[%d]: %q is not a scope (one scope per entry, without spaces)", i, s))
		}
	}
	return problems
}

// Empty reports whether p has no condition.
func (p Policy) Empty() bool { return len(p.Claims) == 0 && len(p.Scopes) == 0 }

// Allows reports whether principal pr (nil: anonymous) holds the policy. (An Authorizer
// compiles its policies once; this is for checking one at hand.)
func (p Policy) Allows(pr *Principal) bool { return compileGrant(p, true).allows(pr) }

// claimValue finds a claim by its name, or else, for a dotted name, through nested objects.
func claimValue(claims map[string]any, name string) any {
	if v, ok := claims[name]; ok {
		return v
	}
	var cur any = claims
	for part := range strings.SplitSeq(name, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[part]; !ok {
			return nil
		}
	}
	return cur
}

func claimHolds(v any, accepted []string) bool {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			if scalarHolds(e, accepted) {
				return true
			}
		}
		return false
	case []string:
		for _, e := range v {
			if slices.Contains(accepted, e) {
				return true
			}
		}
		return false
	}
	return scalarHolds(v, accepted)
}

func scalarHolds(v any, accepted []string) bool {
	switch v := v.(type) {
	case string:
		return slices.Contains(accepted, v)
	case bool:
		return slices.Contains(accepted, strconv.FormatBool(v))
	case float64:
		return slices.Contains(accepted, strconv.FormatFloat(v, 'f', -1, 64))
	}
	return false
}
