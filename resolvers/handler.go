package resolvers

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/atrium-gateway/atrium/auth"
	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/server"
	"github.com/atrium-gateway/atrium/server/transport"
)

// Path is where Atrium serves the registry API.
const Path = server.RegistryPath

// MaxBodyBytes bounds a request to the registry API: room for the largest subgraph SDL
// the store accepts (store.MaxSubgraphSDLBytes), escaped in JSON.
const MaxBodyBytes = 3 * store.MaxSubgraphSDLBytes

// Options configure the registry API's HTTP handler.
type Options struct {
	// AdminToken is the bearer token that has every role. Required.
	AdminToken string
	// Logger receives internal errors, which clients only see as "internal error", and
	// why tokens were refused.
	Logger *slog.Logger
	// Issuer, when set, lets the API manage the token issuer's API clients.
	Issuer *issuer.Issuer
	// Verifier, when set, admits access tokens of Issuer (it must trust it: Issuer.Trust),
	// with the roles their scopes give. Other issuers' tokens it accepts are refused. Nil:
	// the admin token is the only credential.
	Verifier *auth.Verifier
	// Roles map token scopes to roles (atrium.yaml portal.roles).
	Roles Roles
	// ClientScopes are the scopes a consumer's own API clients are granted at once
	// (atrium.yaml portal.client_scopes).
	ClientScopes []string
	// Health tells how the subgraphs are doing, for the status field: the gateway serving
	// them in the same process. Nil: every subgraph's health is UNKNOWN.
	Health HealthSource
}

// Handler serves the registry API over GraphQL-over-HTTP (GET for queries, POST).
func Handler(reg *registry.Registry, opts Options) (http.Handler, error) {
	if opts.AdminToken == "" {
		return nil, errors.New("the registry API needs an admin token")
	}
	if opts.Verifier != nil && opts.Issuer == nil {
		return nil, errors.New("the registry API accepts the token issuer's tokens only: a Verifier needs the Issuer")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	srv := handler.New(graph.NewExecutableSchema(graph.Config{
		Resolvers:  &Resolver{Registry: reg, Issuer: opts.Issuer, ClientScopes: opts.ClientScopes, Health: opts.Health},
		Directives: graph.DirectiveRoot{HasRole: hasRole},
	}))
	srv.AddTransport(transport.HTTP{MaxBodyBytes: MaxBodyBytes})
	srv.Use(extension.Introspection{})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		return present(ctx, err, opts.Logger)
	})
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		opts.Logger.ErrorContext(ctx, "registry API: panic", "panic", fmt.Sprint(v), "path", graphql.GetPath(ctx).String())
		return errInternal
	})
	a := &authenticator{opts: opts, admin: sha256.Sum256([]byte(opts.AdminToken))}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, refused := a.authenticate(r)
		if refused != nil {
			refused.write(w)
			return
		}
		srv.ServeHTTP(w, r.WithContext(withCaller(r.Context(), c)))
	}), nil
}

var errInternal = errors.New("internal error")

// present turns resolver errors into GraphQL errors a client can act on: bad input and
// missing things say what is wrong; anything else is logged and shown as "internal
// error", so no database detail reaches the client.
func present(ctx context.Context, err error, log *slog.Logger) *gqlerror.Error {
	var out *gqlerror.Error
	if !errors.As(err, &out) {
		out = gqlerror.WrapPath(graphql.GetPath(ctx), err)
	}
	if out.Err == nil {
		return out // gqlgen's own: parse and validation errors
	}
	var invalid store.ValidationErrors
	var one *store.ValidationError
	switch {
	case errors.As(err, &invalid):
		out.Message = invalid.Error()
		out.Extensions = map[string]any{"code": "BAD_USER_INPUT"}
	case errors.As(err, &one):
		out.Message = "invalid input: " + one.Error()
		out.Extensions = map[string]any{"code": "BAD_USER_INPUT"}
	case errors.Is(err, store.ErrNotFound):
		out.Message = out.Err.Error() // the cause's words, without gqlerror's location prefix
		out.Extensions = map[string]any{"code": "NOT_FOUND"}
	case errors.As(err, new(*errForbidden)):
		out.Message = out.Err.Error()
		out.Extensions = map[string]any{"code": "FORBIDDEN"}
	case errors.Is(err, errInternal):
		out.Message = errInternal.Error()
		out.Extensions = map[string]any{"code": "INTERNAL_SERVER_ERROR"}
	default:
		log.ErrorContext(ctx, "registry API", "path", out.Path.String(), "error", err)
		out.Message = errInternal.Error()
		out.Extensions = map[string]any{"code": "INTERNAL_SERVER_ERROR"}
	}
	return out
}
