package gateway

import "github.com/atrium-gateway/atrium/upstream"

// SubgraphStatus sums up the health of the subgraphs the gateway serves now, by name:
// each GraphQL subgraph configured with Options.SubgraphTraffic has its traffic pool's
// upstream.Pool.Status. Other subgraphs (called at their routing URL without a pool, or
// served by connectors) are left out: nothing is known of them. Nil before the first
// supergraph.
func (g *Gateway) SubgraphStatus() map[string]upstream.HealthStatus {
	s := g.acquire()
	if s == nil {
		return nil
	}
	defer s.release()
	out := make(map[string]upstream.HealthStatus, len(s.pools))
	for name, p := range s.pools {
		out[name] = p.Status()
	}
	return out
}
