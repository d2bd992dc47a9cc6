package issuer

import (
	"context"
	"sync"
	"time"

	"github.com/atrium-gateway/atrium/registry/store"
)

// revocations is the set of revoked access tokens not yet expired, kept in memory so that
// verifying a token costs no database read, and refreshed from the store every second
// (and at once after a revocation made here): a token revoked at any gateway sharing the
// store is refused by every one within about a second.
type revocations struct {
	st *store.Store

	mu    sync.RWMutex
	ids   map[string]time.Time // jti → expiry
	since time.Time            // newest revocation seen

	wake chan struct{}
}

// overlap re-reads revocations this far back: a transaction stamps revoked_at before it
// commits, so a revocation may appear after a newer one was already seen.
const overlap = 5 * time.Second

func newRevocations(st *store.Store) *revocations {
	return &revocations{st: st, ids: map[string]time.Time{}, wake: make(chan struct{}, 1)}
}

func (r *revocations) revoked(jti string) bool {
	r.mu.RLock()
	_, ok := r.ids[jti]
	r.mu.RUnlock()
	return ok
}

func (r *revocations) sync(ctx context.Context) error {
	r.mu.RLock()
	since := r.since
	r.mu.RUnlock()
	if !since.IsZero() {
		since = since.Add(-overlap)
	}
	ids, expires, latest, err := r.st.RevokedAccessTokens(ctx, since)
	if err != nil {
		return err
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for n, id := range ids {
		r.ids[id] = expires[n]
	}
	for id, exp := range r.ids {
		if exp.Before(now) {
			delete(r.ids, id)
		}
	}
	if latest.After(r.since) {
		r.since = latest
	}
	return nil
}

// poke asks for a sync now.
func (r *revocations) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}
