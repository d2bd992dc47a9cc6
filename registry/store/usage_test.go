package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestUsageCountsAddUpPerCoordinate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		hour := time.Now().UTC().Truncate(time.Hour).Add(-5 * time.Hour) // hours 0..3 below

		getUser := store.UsageRecord{
			Hash: "h-getuser", Name: "GetUser", Document: "query GetUser { user { name } }",
			Coordinates: []string{"Query.user", "User.name"},
		}
		listUsers := store.UsageRecord{
			Hash: "h-listusers", Name: "ListUsers", Document: "query ListUsers { users(first: 2) { name } }",
			Coordinates: []string{"Query.users", "Query.users.first", "User.name"},
		}
		use := func(r store.UsageRecord, client string, count int64, at time.Time) store.UsageRecord {
			r.Client, r.Count, r.At = client, count, at
			return r
		}
		require.NoError(t, s.RecordUsage(ctx, []store.UsageRecord{
			use(getUser, "web", 3, hour.Add(10*time.Minute)),
			use(getUser, "web", 2, hour.Add(20*time.Minute)), // same hour: adds up in the batch
			use(getUser, "ios", 4, hour.Add(time.Hour+5*time.Minute)),
			use(listUsers, "web", 1, hour.Add(3*time.Hour)),
		}))
		require.NoError(t, s.RecordUsage(ctx, []store.UsageRecord{
			use(listUsers, "web", 6, hour.Add(3*time.Hour+30*time.Minute)), // adds to the stored count
		}))
		require.NoError(t, s.RecordUsage(ctx, nil), "an empty batch is fine")

		coordinates := []string{"User.name", "Query.user", "Query.users", "Query.users.first", "Nobody.uses"}
		got, err := s.UsageSince(ctx, hour, coordinates)
		require.NoError(t, err)
		getUserUse := store.OperationUse{
			Hash: "h-getuser", Name: "GetUser", Count: 9, LastSeen: hour.Add(time.Hour + 5*time.Minute),
			Clients: []store.ClientUse{{Name: "ios", Count: 4}, {Name: "web", Count: 5}},
		}
		listUsersUse := store.OperationUse{
			Hash: "h-listusers", Name: "ListUsers", Count: 7, LastSeen: hour.Add(3*time.Hour + 30*time.Minute),
			Clients: []store.ClientUse{{Name: "web", Count: 7}},
		}
		require.Equal(t, map[string][]store.OperationUse{
			"User.name":         {getUserUse, listUsersUse}, // most used first
			"Query.user":        {getUserUse},
			"Query.users":       {listUsersUse},
			"Query.users.first": {listUsersUse},
		}, got)

		// An hour that ends after `since` counts whole; earlier hours do not count.
		got, err = s.UsageSince(ctx, hour.Add(90*time.Minute), []string{"User.name"})
		require.NoError(t, err)
		getUserUse.Count, getUserUse.Clients = 4, []store.ClientUse{{Name: "ios", Count: 4}}
		require.Equal(t, map[string][]store.OperationUse{"User.name": {listUsersUse, getUserUse}}, got)

		// Pruning before hour 2 deletes hours 0 and 1, which were all of GetUser.
		pruned, err := s.PruneUsage(ctx, hour.Add(2*time.Hour))
		require.NoError(t, err)
		require.EqualValues(t, 2, pruned)
		got, err = s.UsageSince(ctx, time.Time{}, coordinates)
		require.NoError(t, err)
		require.Equal(t, map[string][]store.OperationUse{
			"User.name":         {listUsersUse},
			"Query.users":       {listUsersUse},
			"Query.users.first": {listUsersUse},
		}, got)

		// A pruned operation comes back whole when it is used again.
		require.NoError(t, s.RecordUsage(ctx, []store.UsageRecord{use(getUser, "", 1, hour.Add(4*time.Hour))}))
		got, err = s.UsageSince(ctx, hour.Add(4*time.Hour), []string{"Query.user"})
		require.NoError(t, err)
		require.Equal(t, map[string][]store.OperationUse{"Query.user": {{
			Hash: "h-getuser", Name: "GetUser", Count: 1, LastSeen: hour.Add(4 * time.Hour),
			Clients: []store.ClientUse{{Name: "", Count: 1}},
		}}}, got)
	})
}

func TestConcurrentUsageReportsAllCount(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		stores := []*store.Store{openStore(t, dsn), openStore(t, dsn)}
		ctx := t.Context()
		at := time.Now().UTC()
		// Every batch touches the same rows, in different orders, from two "processes".
		batch := func(reverse bool) []store.UsageRecord {
			var records []store.UsageRecord
			for i := range 5 {
				records = append(records, store.UsageRecord{
					Hash: fmt.Sprintf("op-%d", i), Coordinates: []string{"Query.field" + fmt.Sprint(i)},
					Client: "web", Count: 1, At: at,
				})
			}
			if reverse {
				for i, j := 0, len(records)-1; i < j; i, j = i+1, j-1 {
					records[i], records[j] = records[j], records[i]
				}
			}
			return records
		}
		const writers, batches = 4, 5
		var wg sync.WaitGroup
		errs := make(chan error, writers*batches)
		for w := range writers {
			wg.Go(func() {
				for range batches {
					errs <- stores[w%2].RecordUsage(ctx, batch(w%2 == 1))
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := stores[0].UsageSince(ctx, at, []string{"Query.field0", "Query.field4"})
		require.NoError(t, err)
		require.Len(t, got, 2)
		for _, uses := range got {
			require.Len(t, uses, 1)
			require.EqualValues(t, writers*batches, uses[0].Count)
		}
	})
}
