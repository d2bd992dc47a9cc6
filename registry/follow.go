package registry

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/atrium-gateway/atrium/registry/store"
)

// Follow calls load with the current version, then with each version that becomes
// current, until ctx ends or the store closes: this is how a gateway serves what is
// published, by this process or any other sharing the store. A version that load refuses
// is logged and skipped (the gateway keeps serving the one before); a version that cannot
// be read is retried.
func Follow(ctx context.Context, st *store.Store, poll time.Duration, load func(store.Version) error, log *slog.Logger) {
	if log == nil {
		log = slog.Default()
	}
	for id := range st.Watch(ctx, poll) {
		v, ok := readVersion(ctx, st, id, log)
		if !ok {
			return
		}
		if err := load(v); err != nil {
			log.ErrorContext(ctx, "supergraph version does not load; still serving the previous one", "version", v.ID, "error", err)
			continue
		}
		log.InfoContext(ctx, "serving supergraph version", "version", v.ID, "subgraphs", len(v.Subgraphs))
	}
}

// readVersion reads version id, retrying with backoff while the database is unavailable;
// false when ctx ended first.
func readVersion(ctx context.Context, st *store.Store, id int64, log *slog.Logger) (store.Version, bool) {
	wait := 100 * time.Millisecond
	for {
		v, err := st.Version(ctx, id)
		if err == nil {
			return v, true
		}
		if ctx.Err() != nil || errors.Is(err, store.ErrClosed) {
			return store.Version{}, false
		}
		log.WarnContext(ctx, "cannot read the new supergraph version; retrying", "version", id, "error", err)
		select {
		case <-ctx.Done():
			return store.Version{}, false
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
