// Package inventory is the demo inventory subgraph: whether a product is in stock, and its
// shipping estimate, computed from the price and weight the gateway sends through
// `@requires(fields: "price weight")`.
package inventory

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/atrium-gateway/atrium/demo/inventory/graph"
)

// Name is the subgraph's name in demo/supergraph.graphql.
const Name = "inventory"

// Handler returns the subgraph's GraphQL endpoint (POST only), whatever path it is mounted
// at. Introspection is on, which `_service { sdl }` needs. The data is read-only, so handlers
// may share it.
func Handler() http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &resolver{}}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	return srv
}
