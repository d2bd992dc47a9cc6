package suites

import "github.com/atrium-gateway/atrium/audit/subgraph"

// fed1-external-extension: fed1-external-extends with a spells User as a Federation 1 `extend type` (no @link).
func init() {
	subgraph.Register("fed1-external-extension", externalUserSuite("fed1-external-extension"))
}
