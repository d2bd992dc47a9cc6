// Package resolvers implements the registry API (schema/registry.graphqls, generated
// into package graph) over package registry, and serves it over HTTP to the admin token
// and to Atrium access tokens, whose scopes give them roles (@hasRole).
package resolvers

import (
	"context"
	"errors"
	"time"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/graph/model"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
)

// Resolver is the root of the registry API's resolvers.
type Resolver struct {
	Registry *registry.Registry
	// Issuer manages API clients; nil when the token issuer is off.
	Issuer *issuer.Issuer
	// ClientScopes are granted at once to the clients a CONSUMER registers.
	ClientScopes []string
	// Health tells how the gateway's subgraphs are doing (status); nil: UNKNOWN.
	Health HealthSource
}

var _ graph.ResolverRoot = (*Resolver)(nil)

func (r *Resolver) Query() graph.QueryResolver                         { return queries{r} }
func (r *Resolver) Mutation() graph.MutationResolver                   { return mutations{r} }
func (r *Resolver) SupergraphVersion() graph.SupergraphVersionResolver { return versions{r} }

type queries struct{ *Resolver }

func (q queries) Subgraphs(ctx context.Context) ([]*store.Subgraph, error) {
	subs, err := q.Registry.Store().Subgraphs(ctx)
	return pointers(subs), err
}

func (q queries) Subgraph(ctx context.Context, name string) (*store.Subgraph, error) {
	return orNil(q.Registry.Store().Subgraph(ctx, name))
}

func (q queries) CurrentVersion(ctx context.Context) (*store.Version, error) {
	return orNil(q.Registry.Store().Current(ctx))
}

func (q queries) Version(ctx context.Context, id int) (*store.Version, error) {
	return orNil(q.Registry.Store().Version(ctx, int64(id)))
}

func (q queries) Versions(ctx context.Context, first *int, before *int) ([]*store.Version, error) {
	vs, err := q.Registry.Store().Versions(ctx, deref(first), int64(deref(before)))
	return pointers(vs), err
}

func (q queries) Diff(ctx context.Context, from int, to int) ([]*registry.Change, error) {
	changes, err := q.Registry.Diff(ctx, int64(from), int64(to))
	return pointers(changes), err
}

func (q queries) Checks(ctx context.Context, subgraph string, first *int) ([]*registry.CheckResult, error) {
	checks, err := q.Registry.Checks(ctx, subgraph, deref(first))
	return pointers(checks), err
}

type mutations struct{ *Resolver }

func (m mutations) PublishSubgraph(ctx context.Context, in model.PublishSubgraphInput) (*registry.PublishResult, error) {
	if err := mayChange(ctx, m.Registry.Store(), in.Name, deref(in.Owner)); err != nil {
		return nil, err
	}
	res, err := m.Registry.Publish(ctx, registry.PublishInput{
		Name: in.Name, URL: in.URL, SDL: in.Sdl, Owner: deref(in.Owner),
		Publisher: publisher(ctx), Message: deref(in.Message),
	})
	return &res, err
}

func (m mutations) DeleteSubgraph(ctx context.Context, in model.DeleteSubgraphInput) (*registry.PublishResult, error) {
	if err := mayChange(ctx, m.Registry.Store(), in.Name, ""); err != nil {
		return nil, err
	}
	res, err := m.Registry.Delete(ctx, in.Name, publisher(ctx), deref(in.Message))
	return &res, err
}

func (m mutations) CheckSubgraph(ctx context.Context, in model.CheckSubgraphInput) (*registry.CheckResult, error) {
	hours := deref(in.WindowHours)
	if hours < 0 {
		return nil, &store.ValidationError{Field: "windowHours", Message: "must not be negative"}
	}
	res, err := m.Registry.Check(ctx, registry.CheckInput{
		Name: in.Name, SDL: deref(in.Sdl), URL: deref(in.URL), Delete: deref(in.Delete),
		Window: time.Duration(hours) * time.Hour,
	})
	return &res, err
}

type versions struct{ *Resolver }

func (versions) Changes(_ context.Context, v *store.Version) ([]*registry.Change, error) {
	changes, err := registry.Changes(*v)
	return pointers(changes), err
}

// orNil turns "not found" into null, as the schema's nullable lookups promise.
func orNil[T any](v T, err error) (*T, error) {
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func (v versions) Sdl(ctx context.Context, obj *store.Version) (string, error) {
	if obj.SDL != "" {
		return obj.SDL, nil
	}
	full, err := v.Registry.Store().Version(ctx, obj.ID)
	return full.SDL, err
}
