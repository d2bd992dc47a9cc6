package store_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestPublishUpsertAndDelete(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()

		_, err := s.Current(ctx)
		require.ErrorIs(t, err, store.ErrNotFound, "nothing published yet")

		users := subgraph("users")
		first := publish(t, s, 0, users, supergraph("users"))
		require.True(t, first.Recorded)
		require.Equal(t, supergraph("users"), first.Version.SDL)
		require.Equal(t, "ci", first.Version.Publisher)
		require.Equal(t, `{"changes":[]}`, first.Version.Diff)
		require.Len(t, first.Version.Subgraphs, 1)
		require.Equal(t, "users", first.Version.Subgraphs[0].Name)
		require.Equal(t, users.URL, first.Version.Subgraphs[0].URL)

		got, err := s.Subgraph(ctx, "users")
		require.NoError(t, err)
		require.Equal(t, users.URL, got.URL)
		require.Equal(t, users.SDL, got.SDL)
		require.Equal(t, users.Owner, got.Owner)
		require.Equal(t, got.CreatedAt, got.UpdatedAt)

		second := publish(t, s, first.Version.ID, subgraph("accounts"), supergraph("users", "accounts"))
		require.True(t, second.Recorded)
		require.Greater(t, second.Version.ID, first.Version.ID)
		list, err := s.Subgraphs(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"accounts", "users"}, names(list))

		current, err := s.Current(ctx)
		require.NoError(t, err)
		require.Equal(t, second.Version, current, "what Publish returns is what is stored")

		// Only the owner changes: the subgraph row is updated, no version is recorded.
		newOwner := users
		newOwner.Owner = "platform"
		same := publish(t, s, second.Version.ID, newOwner, supergraph("users", "accounts"))
		require.False(t, same.Recorded)
		require.Equal(t, second.Version.ID, same.Version.ID)
		require.Equal(t, second.Version.SDL, same.Version.SDL)
		got, err = s.Subgraph(ctx, "users")
		require.NoError(t, err)
		require.Equal(t, "platform", got.Owner)
		require.False(t, got.UpdatedAt.Before(got.CreatedAt))

		// An upsert without an owner keeps the recorded one.
		noOwner := users
		noOwner.Owner = ""
		require.False(t, publish(t, s, second.Version.ID, noOwner, supergraph("users", "accounts")).Recorded)
		got, err = s.Subgraph(ctx, "users")
		require.NoError(t, err)
		require.Equal(t, "platform", got.Owner)

		// A subgraph's SDL changes but the supergraph does not: still a new version,
		// because what composed it changed.
		commented := users
		commented.SDL = "# a comment\n" + users.SDL
		third := publish(t, s, second.Version.ID, commented, supergraph("users", "accounts"))
		require.True(t, third.Recorded)
		require.Equal(t, second.Version.SDLHash, third.Version.SDLHash)
		require.NotEqual(t, second.Version.Subgraphs, third.Version.Subgraphs)

		fourth := publish(t, s, third.Version.ID, store.Delete{Name: "accounts"}, supergraph("users"))
		require.True(t, fourth.Recorded)
		require.Equal(t, []string{"users"}, refNames(fourth.Version.Subgraphs))
		_, err = s.Subgraph(ctx, "accounts")
		require.ErrorIs(t, err, store.ErrNotFound)

		// Deleting what is not there changes nothing.
		_, err = s.Publish(ctx, store.PublishRequest{Base: fourth.Version.ID, Change: store.Delete{Name: "accounts"}, SDL: "x"})
		require.ErrorIs(t, err, store.ErrNotFound)
		current, err = s.Current(ctx)
		require.NoError(t, err)
		require.Equal(t, fourth.Version.ID, current.ID)

		// Pointers to changes work as well as values.
		ptr := subgraph("reviews")
		fifth, err := s.Publish(ctx, store.PublishRequest{Base: fourth.Version.ID, Change: &ptr, SDL: supergraph("users", "reviews")})
		require.NoError(t, err)
		require.True(t, fifth.Recorded)
	})
}

func TestVersionHistoryAndPaging(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		var ids []int64
		var base int64
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			p := publish(t, s, base, subgraph(name), supergraph("up to "+name))
			base = p.Version.ID
			ids = append(ids, base)
		}

		page, err := s.Versions(ctx, 2, 0)
		require.NoError(t, err)
		require.Equal(t, []int64{ids[4], ids[3]}, versionIDs(page))
		page, err = s.Versions(ctx, 2, page[1].ID)
		require.NoError(t, err)
		require.Equal(t, []int64{ids[2], ids[1]}, versionIDs(page))
		page, err = s.Versions(ctx, 2, page[1].ID)
		require.NoError(t, err)
		require.Equal(t, []int64{ids[0]}, versionIDs(page))
		page, err = s.Versions(ctx, 2, page[0].ID)
		require.NoError(t, err)
		require.Empty(t, page)

		all, err := s.Versions(ctx, 0, 0)
		require.NoError(t, err)
		require.Len(t, all, 5)
		for i, v := range all {
			// Newest first; each snapshot holds the subgraphs published so far.
			require.Len(t, v.Subgraphs, 5-i)
			require.Empty(t, v.SDL, "pages leave out the SDL")
			require.NotEmpty(t, v.SDLHash)
			full, err := s.Version(ctx, v.ID)
			require.NoError(t, err)
			require.NotEmpty(t, full.SDL)
			require.Equal(t, v.SDLHash, full.SDLHash)
			require.Equal(t, v.Subgraphs, full.Subgraphs)
			require.Equal(t, v.CreatedAt, full.CreatedAt)
		}
		_, err = s.Version(ctx, ids[4]+100)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestPublishOnAStaleBaseConflictsAndWritesNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		first := publish(t, s, 0, subgraph("users"), supergraph("users"))
		second := publish(t, s, first.Version.ID, subgraph("accounts"), supergraph("users", "accounts"))

		for _, base := range []int64{0, first.Version.ID, second.Version.ID + 1} {
			_, err := s.Publish(ctx, store.PublishRequest{Base: base, Change: subgraph("reviews"), SDL: supergraph("stale")})
			require.ErrorIs(t, err, store.ErrConflict)
		}
		_, err := s.Publish(ctx, store.PublishRequest{Base: first.Version.ID, Change: store.Delete{Name: "users"}, SDL: supergraph("stale")})
		require.ErrorIs(t, err, store.ErrConflict)

		list, err := s.Subgraphs(ctx)
		require.NoError(t, err)
		require.Equal(t, []string{"accounts", "users"}, names(list))
		current, err := s.Current(ctx)
		require.NoError(t, err)
		require.Equal(t, second.Version, current)
	})
}

func TestConcurrentPublishesOnOneBaseHaveOneWinner(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		// Two Stores on one database stand for two registry processes.
		stores := []*store.Store{openStore(t, dsn), openStore(t, dsn)}
		ctx := t.Context()
		base := publish(t, stores[0], 0, subgraph("base"), supergraph("base")).Version

		contenders := []string{"a", "b", "c", "d", "e", "f"}
		results := make([]store.Published, len(contenders))
		errs := make([]error, len(contenders))
		var wg sync.WaitGroup
		for i, name := range contenders {
			wg.Go(func() {
				results[i], errs[i] = stores[i%2].Publish(ctx, store.PublishRequest{
					Base: base.ID, Change: subgraph(name), SDL: supergraph("base", name),
				})
			})
		}
		wg.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "two publishes on one base both won")
				winner = i
				continue
			}
			require.True(t, errors.Is(err, store.ErrConflict), "contender %d: %v", i, err)
		}
		require.NotEqual(t, -1, winner, "no publish won")

		// Only the winner's change is there, whole.
		list, err := stores[1].Subgraphs(ctx)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"base", contenders[winner]}, names(list))
		current, err := stores[1].Current(ctx)
		require.NoError(t, err)
		require.Equal(t, results[winner].Version, current)
		history, err := stores[1].Versions(ctx, 10, 0)
		require.NoError(t, err)
		require.Equal(t, []int64{current.ID, base.ID}, versionIDs(history))
	})
}

func names(list []store.Subgraph) []string {
	out := make([]string, len(list))
	for i, g := range list {
		out[i] = g.Name
	}
	return out
}

func refNames(refs []store.SubgraphRef) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.Name
	}
	return out
}

func versionIDs(list []store.Version) []int64 {
	out := make([]int64, len(list))
	for i, v := range list {
		out[i] = v.ID
	}
	return out
}
