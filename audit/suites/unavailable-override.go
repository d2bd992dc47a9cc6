package suites

import (
	"github.com/atrium-gateway/atrium/audit/subgraph"
)

// unavailable-override: b overrides Post.createdAt from a subgraph that does not exist, so
// a keeps resolving it.
func init() {
	subgraph.Register("unavailable-override", postFeeds("unavailable-override"))
}
