package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/atrium-gateway/atrium/config"
	"github.com/atrium-gateway/atrium/gateway"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/resolvers"
	"github.com/atrium-gateway/atrium/server"
)

// loader serves supergraph versions: a gateway, or the API products' router over one.
type loader interface {
	Load(name, sdl string, opts gateway.Options) error
}

// followRegistry makes gw serve each new version of st, recording the usage that feeds
// st's schema checks. stop ends the recording after a last write: call it after the HTTP
// server stopped, so that the write has the last requests' counts.
func followRegistry(ctx context.Context, st *store.Store, gw loader, opts gateway.Options, poll, usageInterval time.Duration, label string) (stop func()) {
	opts.Usage = gateway.NewUsageRecorder(st, gateway.UsageOptions{FlushInterval: usageInterval})
	recording, stopRecording := context.WithCancel(context.WithoutCancel(ctx))
	recorded := make(chan struct{})
	go func() { opts.Usage.Run(recording); close(recorded) }()
	go registry.Follow(ctx, st, poll, func(v store.Version) error {
		return gw.Load(fmt.Sprintf("%ssupergraph version %d", label, v.ID), v.SDL, opts)
	}, nil)
	return func() { stopRecording(); <-recorded }
}

// serveVariants opens each configured variant's registry and serves its gateway and
// registry API beside the main graph's (docs/variants.md). The registry APIs take the
// same tokens and roles as the main one.
func serveVariants(ctx context.Context, cfg *config.Config, mainDatabase string, api resolvers.Options, opts gateway.Options,
	poll, usageInterval time.Duration) (variants []server.Variant, stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, s := range stops {
			s()
		}
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	for _, name := range cfg.VariantNames() {
		dsn, err := cfg.VariantDatabase(name, mainDatabase)
		if err != nil {
			return nil, stop, err
		}
		st, err := store.Open(ctx, dsn)
		if err != nil {
			return nil, stop, fmt.Errorf("variant %s: %w", name, err)
		}
		stops = append(stops, func() { st.Close() })
		gw := gateway.New(nil)
		api.Health = gw // the variant's status is its own gateway's view
		reg, err := resolvers.Handler(registry.New(st), api)
		if err != nil {
			return nil, stop, err
		}
		stops = append([]func(){followRegistry(ctx, st, gw, opts, poll, usageInterval, name+" ")}, stops...)
		variants = append(variants, server.Variant{Name: name, API: gw, Registry: reg})
		slog.Info("graph variant", "name", name, "graphql", server.VariantPath(name), "registry", server.VariantRegistryPath(name), "database", store.Describe(dsn))
	}
	return variants, stop, nil
}
