package registry

import (
	"context"
	"fmt"

	"github.com/atrium-gateway/atrium/federation"
	"github.com/atrium-gateway/atrium/registry/store"
)

// Current is a supergraph version with its parsed supergraph (API schema, join tables).
// It is immutable and shared: do not modify it.
type Current struct {
	Version    store.Version
	Supergraph *federation.Supergraph
}

// Current returns the current version, parsed; an error wrapping store.ErrNotFound before
// the first publish. The registry keeps the last one it parsed, so reads between
// publishes cost one small query; only one is kept, however many versions pass.
func (r *Registry) Current(ctx context.Context) (*Current, error) {
	id, err := r.store.CurrentID(ctx)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, fmt.Errorf("current version: %w: nothing has been published yet", store.ErrNotFound)
	}
	if c := r.current.Load(); c != nil && c.Version.ID == id {
		return c, nil
	}
	v, err := r.store.Version(ctx, id)
	if err != nil {
		return nil, err
	}
	sg, err := federation.Parse(fmt.Sprintf("version %d", v.ID), v.SDL)
	if err != nil {
		// Only supergraphs that composed are recorded, so this is a bug, not bad input.
		return nil, fmt.Errorf("version %d does not load: %w", v.ID, err)
	}
	c := &Current{Version: v, Supergraph: sg}
	// A slower reader of an older version must not replace a newer one.
	for {
		old := r.current.Load()
		if (old != nil && old.Version.ID >= id) || r.current.CompareAndSwap(old, c) {
			return c, nil
		}
	}
}
