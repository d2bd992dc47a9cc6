package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// fed2-external-extension: fed1-external-extends with Federation 2 SDLs, a spells User as `extend type`.
func init() {
	subgraph.Register("fed2-external-extension", externalUserSuite("fed2-external-extension"))
}
