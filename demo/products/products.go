// Package products is the demo products subgraph: the product catalogue, keyed by upc, with a
// createProduct mutation so the gateway's mutation path can be demoed.
package products

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/atrium-gateway/atrium/demo/products/graph"
)

// Name is the subgraph's name in demo/supergraph.graphql.
const Name = "products"

// Handler returns the subgraph's GraphQL endpoint (POST only), whatever path it is mounted
// at. Introspection is on, which `_service { sdl }` needs. Each call starts its own in-memory
// catalogue with the nine demo products; createProduct adds to that catalogue only, and is
// safe for concurrent use.
func Handler() http.Handler {
	r := &resolver{catalogue: newCatalogue()}
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	return srv
}
