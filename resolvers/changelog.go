package resolvers

import (
	"context"
	"time"

	"github.com/atrium-gateway/atrium/graph"
	"github.com/atrium-gateway/atrium/registry"
	"github.com/atrium-gateway/atrium/registry/store"
)

// maxChangelog bounds one page of the changelog: each entry diffs two API schemas.
const maxChangelog = 100

func (q queries) Changelog(ctx context.Context, first *int, before *int) ([]*registry.ChangelogEntry, error) {
	n := deref(first)
	if n < 1 || n > maxChangelog {
		return nil, &store.ValidationError{Field: "first", Message: "must be between 1 and 100"}
	}
	entries, err := q.Registry.Changelog(ctx, n, int64(deref(before)))
	return pointers(entries), err
}

func (r *Resolver) ChangelogEntry() graph.ChangelogEntryResolver { return changelogEntries{} }

type changelogEntries struct{}

func (changelogEntries) Version(_ context.Context, e *registry.ChangelogEntry) (int, error) {
	return int(e.Version.ID), nil
}

func (changelogEntries) CreatedAt(_ context.Context, e *registry.ChangelogEntry) (*time.Time, error) {
	return &e.Version.CreatedAt, nil
}

func (changelogEntries) Message(_ context.Context, e *registry.ChangelogEntry) (string, error) {
	return e.Version.Message, nil
}

func (changelogEntries) Changes(_ context.Context, e *registry.ChangelogEntry) ([]*registry.Change, error) {
	return pointers(e.Changes), nil
}
