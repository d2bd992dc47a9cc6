package config

import "github.com/atrium-gateway/atrium/connectors"

// Forwarding is atrium.yaml's forwarding section: what of the caller's identity (token,
// claims) and which client headers reach GraphQL subgraphs and connector sources, by
// default and per subgraph (docs/forwarding.md). Its fields are connectors.Forwarding's:
// the gateway applies that type, this one checks it with paths.
//
//	forwarding:
//	  default:
//	    claims: { sub: X-User-Id }
//	    headers: [X-Request-Id]
//	  subgraphs:
//	    accounts: { token: true }
type Forwarding connectors.Forwarding

// Rules is f as the gateway takes it (gateway.Options.Forwarding).
func (f Forwarding) Rules() connectors.Forwarding { return connectors.Forwarding(f) }

// problems lists what is wrong with f, each line starting with its path in atrium.yaml
// ("forwarding.default.claims.sub: ...").
func (f Forwarding) problems() []string {
	problems := connectors.Forwarding(f).Problems()
	for i, p := range problems {
		problems[i] = "forwarding." + p
	}
	return problems
}
