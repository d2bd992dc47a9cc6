package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
	"github.com/atrium-gateway/atrium/registry/store/storetest"
)

// receive waits up to 2s for the next ID on ch.
func receive(t *testing.T, ch <-chan int64) int64 {
	t.Helper()
	select {
	case id, ok := <-ch:
		require.True(t, ok, "the watch channel closed")
		return id
	case <-time.After(2 * time.Second):
		t.Fatal("no version arrived within 2s")
		return 0
	}
}

func TestWatchSeesPublishesOfAnotherStore(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		publisher, follower := openStore(t, dsn), openStore(t, dsn)
		// On PostgreSQL the follower polls once an hour, so only NOTIFY can deliver in
		// time. A SQLite file has no notifications across processes: polling it is.
		poll := time.Hour
		if follower.Dialect() == store.DialectSQLite {
			poll = 50 * time.Millisecond
		}
		updates := follower.Watch(t.Context(), poll)

		first := publish(t, publisher, 0, subgraph("users"), supergraph("users"))
		require.Equal(t, first.Version.ID, receive(t, updates))
		second := publish(t, publisher, first.Version.ID, subgraph("accounts"), supergraph("users", "accounts"))
		require.Equal(t, second.Version.ID, receive(t, updates))

		// A new watcher starts from the current version.
		late := follower.Watch(t.Context(), poll)
		require.Equal(t, second.Version.ID, receive(t, late))
	})
}

func TestWatchSeesPublishesOfItsOwnStoreAtOnce(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		updates := s.Watch(t.Context(), time.Hour) // polling cannot be what delivers
		p := publish(t, s, 0, subgraph("users"), supergraph("users"))
		require.Equal(t, p.Version.ID, receive(t, updates))
	})
}

func TestWatchDeliversTheLatestToASlowReader(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		updates := s.Watch(t.Context(), 20*time.Millisecond)
		var base int64
		for _, name := range []string{"a", "b", "c", "d"} {
			base = publish(t, s, base, subgraph(name), supergraph(name)).Version.ID
		}
		// Whatever was coalesced on the way, the latest ID arrives.
		deadline := time.After(2 * time.Second)
		for {
			select {
			case id := <-updates:
				if id == base {
					return
				}
				require.Less(t, id, base)
			case <-deadline:
				t.Fatal("the latest version did not arrive within 2s")
			}
		}
	})
}

func TestWatchClosesWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx, cancel := context.WithCancel(t.Context())
		updates := s.Watch(ctx, time.Hour)
		publish(t, s, 0, subgraph("users"), supergraph("users"))
		cancel()
		requireClosed(t, updates)
	})
}

func nowMinusDay() time.Time { return time.Now().Add(-24 * time.Hour) }

func TestWatchReconnectsAfterItsPostgresConnectionDrops(t *testing.T) {
	t.Parallel()
	dsn := storetest.Postgres(t)
	publisher, follower := openStore(t, dsn), openStore(t, dsn)
	updates := follower.Watch(t.Context(), time.Hour) // only notifications can deliver in time
	first := publish(t, publisher, 0, subgraph("users"), supergraph("users"))
	require.Equal(t, first.Version.ID, receive(t, updates))

	// Drop the LISTEN connection as a server restart or a proxy's idle timeout would.
	conn, err := pgx.Connect(t.Context(), dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.Background()) }()
	listeners := func(query string) int {
		var n int
		require.NoError(t, conn.QueryRow(t.Context(), query, store.ListenerApplicationName).Scan(&n))
		return n
	}
	const where = ` FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`
	// The first ID may have come from the watcher's first read, before the listener
	// connected: wait for it.
	require.Eventually(t, func() bool { return listeners(`SELECT count(*)`+where) == 1 },
		5*time.Second, 10*time.Millisecond, "one LISTEN connection per Store")
	require.Equal(t, 1, listeners(`SELECT count(pg_terminate_backend(pid))`+where))

	// Published while the listener may still be reconnecting: it re-reads on reconnect.
	second := publish(t, publisher, first.Version.ID, subgraph("accounts"), supergraph("users", "accounts"))
	require.Equal(t, second.Version.ID, receive(t, updates))

	// And notifications flow again on the new connection.
	third := publish(t, publisher, second.Version.ID, subgraph("reviews"), supergraph("users", "accounts", "reviews"))
	require.Equal(t, third.Version.ID, receive(t, updates))
}
