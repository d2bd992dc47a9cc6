package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// eachBackend runs test once per backend; see storetest.Each.
var eachBackend = storetest.Each

func openStore(t *testing.T, dsn string) *store.Store { return storetest.Open(t, dsn) }

// subgraph is a valid upsert of a subgraph called name with a one-field schema.
func subgraph(name string) store.Upsert {
	return store.Upsert{
		Name:  name,
		URL:   "http://" + name + ".internal:4001/graphql",
		SDL:   "type Query { " + name + ": String }",
		Owner: "team-" + name,
	}
}

// supergraph stands in for a composition: any non-empty SDL that differs per input.
func supergraph(parts ...string) string {
	return "# composed\n" + strings.Join(parts, "\n")
}

// publish publishes change on base and fails the test on error.
func publish(t *testing.T, s *store.Store, base int64, change store.Change, sdl string) store.Published {
	t.Helper()
	p, err := s.Publish(t.Context(), store.PublishRequest{
		Base: base, Change: change, SDL: sdl, Diff: `{"changes":[]}`, Publisher: "ci", Message: "test",
	})
	require.NoError(t, err)
	return p
}

func TestOpenTwiceMigratesOnceAndKeepsData(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		first, err := store.Open(t.Context(), dsn)
		require.NoError(t, err)
		p := publish(t, first, 0, subgraph("users"), supergraph("users"))
		require.NoError(t, first.Close())

		again := openStore(t, dsn)
		current, err := again.Current(t.Context())
		require.NoError(t, err)
		require.Equal(t, p.Version.ID, current.ID)
		require.Equal(t, p.Version.SDL, current.SDL)
	})
}

func TestOpenConcurrentlyOnAFreshDatabase(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		// Two processes starting at once both migrate; neither may fail.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() {
				s, err := store.Open(t.Context(), dsn)
				if err == nil {
					_, err = s.Subgraphs(t.Context())
					err = errors.Join(err, s.Close())
				}
				errs[i] = err
			})
		}
		wg.Wait()
		require.NoError(t, errors.Join(errs...))
	})
}

func TestOpenDSNForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, dsn := range []string{
		filepath.Join(dir, "plain.db"),
		"sqlite:" + filepath.Join(dir, "prefixed"),
		"sqlite://" + filepath.Join(dir, "url-form"),
		"sqlite:" + filepath.Join(dir, "odd?name#with%chars.db"),
	} {
		s := openStore(t, dsn)
		require.Equal(t, store.DialectSQLite, s.Dialect())
	}
	for _, name := range []string{"plain.db", "prefixed", "url-form", "odd?name#with%chars.db"} {
		require.FileExists(t, filepath.Join(dir, name))
	}
}

func TestOpenDefaultsToSQLiteUnderDotAtrium(t *testing.T) {
	// Not parallel: it changes the working directory.
	t.Chdir(t.TempDir())
	s := openStore(t, "")
	require.Equal(t, store.DialectSQLite, s.Dialect())
	_, err := os.Stat(store.DefaultSQLitePath)
	require.NoError(t, err)
}

func TestOpenErrorsDoNotLeakPasswords(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"mysql://admin:hunter2@db.internal/registry",
		"postgres://admin:hunter2@127.0.0.1:1/registry?connect_timeout=2", // nothing listens on port 1
		"postgres://admin:hunter2@127.0.0.1:5432/registry?sslmode=bogus",
	} {
		_, err := store.Open(t.Context(), dsn)
		require.Error(t, err, dsn)
		require.NotContains(t, err.Error(), "hunter2")
	}
}

func TestClosedStoreReturnsErrClosed(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s, err := store.Open(t.Context(), dsn)
		require.NoError(t, err)
		watch := s.Watch(t.Context(), time.Hour)
		require.NoError(t, s.Close())
		require.NoError(t, s.Close(), "a second Close is harmless")

		ctx := t.Context()
		_, err = s.Subgraphs(ctx)
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.Subgraph(ctx, "users")
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.Current(ctx)
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.Version(ctx, 1)
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.Versions(ctx, 10, 0)
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.Publish(ctx, store.PublishRequest{Change: subgraph("users"), SDL: "type Query { a: Int }"})
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.RecordCheck(ctx, store.CheckResult{Subgraph: "users", SDL: "type Query { a: Int }"})
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.Checks(ctx, "", 10)
		require.ErrorIs(t, err, store.ErrClosed)
		require.ErrorIs(t, s.RecordUsage(ctx, []store.UsageRecord{{Hash: "h", Count: 1}}), store.ErrClosed)
		_, err = s.UsageSince(ctx, time.Time{}, []string{"Query.a"})
		require.ErrorIs(t, err, store.ErrClosed)
		_, err = s.PruneUsage(ctx, time.Now())
		require.ErrorIs(t, err, store.ErrClosed)

		requireClosed(t, watch)
		requireClosed(t, s.Watch(ctx, time.Hour))
	})
}

// requireClosed waits up to 2s for ch to close, draining what it still holds.
func requireClosed(t *testing.T, ch <-chan int64) {
	t.Helper()
	timeout := time.After(2 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the watch channel did not close within 2s")
		}
	}
}
