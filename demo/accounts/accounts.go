// Package accounts is the demo accounts subgraph: users, keyed by id. User u1 is the signed-in
// user (Query.me), and User.name of u6 always fails, to exercise partial results and error
// paths in the gateway.
package accounts

//go:generate go tool gqlgen generate --config gqlgen.yml

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/atrium-gateway/atrium/demo/accounts/graph"
)

// Name is the subgraph's name in demo/supergraph.graphql.
const Name = "accounts"

// Handler returns the subgraph's GraphQL endpoint (POST only), whatever path it is mounted
// at. Introspection is on, which `_service { sdl }` needs. The data is read-only, so handlers
// may share it.
func Handler() http.Handler {
	srv := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &resolver{}}))
	srv.AddTransport(transport.POST{})
	srv.Use(extension.Introspection{})
	return srv
}
