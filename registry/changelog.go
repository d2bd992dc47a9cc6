package registry

import (
	"context"

	"github.com/atrium-gateway/atrium/registry/store"
)

// ChangelogEntry is a version that changed the API schema, with what changed.
type ChangelogEntry struct {
	Version store.Version
	Changes []Change
}

// changelogScan bounds how many versions one Changelog call reads looking for versions
// that changed the API schema (a URL change makes a version without changes).
const changelogScan = 10 * store.MaxPageSize

// Changelog returns up to first versions older than before (0: the newest) that changed
// the API schema, newest first: the portal's changelog and its feed.
func (r *Registry) Changelog(ctx context.Context, first int, before int64) ([]ChangelogEntry, error) {
	var out []ChangelogEntry
	for scanned := 0; scanned < changelogScan && len(out) < first; {
		page, err := r.store.Versions(ctx, store.MaxPageSize, before)
		if err != nil || len(page) == 0 {
			return out, err
		}
		for _, v := range page {
			changes, err := Changes(v)
			if err != nil {
				return nil, err
			}
			if len(changes) > 0 && len(out) < first {
				out = append(out, ChangelogEntry{Version: v, Changes: changes})
			}
		}
		scanned += len(page)
		before = page[len(page)-1].ID
	}
	return out, nil
}
