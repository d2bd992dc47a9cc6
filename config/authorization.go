package config

import (
	"fmt"
	"strings"

	"github.com/atrium-gateway/atrium/auth"
)

// Authorization configures how @authenticated, @requiresScopes and @policy are enforced
// (docs/authorization.md): whether anonymous requests are refused outright, whether an
// operation asking for what its caller may not see is refused or filtered (or only logged,
// in a dry run), and the policies @policy names. Each setting is described in auth.Rules.
type Authorization auth.Rules

// problems lists what is wrong, each with its path; hasProviders tells whether auth
// configures any identity provider.
func (a Authorization) problems(canAuthenticate bool) []string {
	var problems []string
	if a.RequireAuthentication && !canAuthenticate {
		problems = append(problems, "authorization.require_authentication: true would refuse every request: configure auth.providers or keep the token issuer on")
	}
	if a.DryRun && a.RejectUnauthorized {
		problems = append(problems, "authorization.dry_run: cannot be combined with reject_unauthorized (a dry run changes no answer)")
	}
	for _, name := range sortedKeys(a.Policies) {
		p := a.Policies[name]
		prefix := "authorization.policies." + name
		if strings.TrimSpace(name) == "" {
			problems = append(problems, fmt.Sprintf("authorization.policies: %q is not a policy name", name))
		}
		if p.Empty() {
			problems = append(problems, prefix+": give claims or scopes (a policy without conditions would grant every caller)")
		}
		for _, pr := range p.Problems() {
			problems = append(problems, prefix+"."+pr)
		}
	}
	return problems
}
