package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// fed2-external-extends: fed1-external-extends with Federation 2 SDLs, a marks User with @extends.
func init() {
	subgraph.Register("fed2-external-extends", externalUserSuite("fed2-external-extends"))
}
