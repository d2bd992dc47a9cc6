package main

import (
	"context"
	"net/http"

	"github.com/atrium-gateway/atrium/auth/issuer"
	"github.com/atrium-gateway/atrium/portal"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/server"
)

// servePortal builds the developer portal over the registry; with the token issuer on,
// it registers the portal's sign-in client. The feeds' links start at the issuer's URL
// (the public one, when configured), else at the listen address.
func servePortal(ctx context.Context, reg *registry.Registry, iss *issuer.Issuer, listenURL string, variants []string) (http.Handler, error) {
	base := listenURL
	if iss != nil {
		if err := portal.EnsureClient(ctx, iss); err != nil {
			return nil, err
		}
		base = iss.URL()
	}
	opts := portal.Options{GraphQLPath: "/graphql", RegistryPath: server.RegistryPath, Issuer: iss,
		Feed:          portal.Feed(reg, portal.FeedOptions{BaseURL: base + portal.Path}),
		Announcements: portal.Announcements(reg.Store(), portal.FeedOptions{BaseURL: base + portal.Path})}
	for _, name := range variants {
		opts.Variants = append(opts.Variants, portal.Variant{Name: name, GraphQL: server.VariantPath(name), Registry: server.VariantRegistryPath(name)})
	}
	return portal.Handler(opts)
}
