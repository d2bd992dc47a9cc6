package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestUsageByClientSumsRequestsPerCoordinate(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		hour := time.Now().UTC().Truncate(time.Hour).Add(-5 * time.Hour)
		op := func(hash, client string, count int64, at time.Time, coordinates ...string) store.UsageRecord {
			return store.UsageRecord{Hash: hash, Coordinates: coordinates, Client: client, Count: count, At: at}
		}
		require.NoError(t, s.RecordUsage(ctx, []store.UsageRecord{
			op("me", "web", 3, hour, "Query.me", "User.name"),
			op("me", "ios", 5, hour.Add(time.Hour), "Query.me", "User.name"),
			op("me", "web", 2, hour.Add(3*time.Hour), "Query.me", "User.name"),
			op("users", "web", 4, hour.Add(3*time.Hour), "Query.users", "User.name"),
			op("users", "", 1, hour.Add(3*time.Hour), "Query.users", "User.name"),
			op("users", "zz-old", 9, hour.Add(-48*time.Hour), "Query.users", "User.name"),
		}))

		got, err := s.UsageByClient(ctx, hour, []string{"User.name", "Query.me", "Nobody.uses", "Query.me"})
		require.NoError(t, err)
		require.Equal(t, []store.CoordinateUsage{
			// Two operations' requests add up; the window leaves zz-old out; ties go by name.
			{Coordinate: "User.name", Count: 15, Clients: []store.ClientUse{{Name: "web", Count: 9}, {Name: "ios", Count: 5}, {Name: "", Count: 1}}},
			{Coordinate: "Query.me", Count: 10, Clients: []store.ClientUse{{Name: "ios", Count: 5}, {Name: "web", Count: 5}}},
			{Coordinate: "Nobody.uses", Clients: []store.ClientUse{}},
		}, got, "in the order asked, each once, unused ones with zero")

		// An hour that ends after since counts whole; earlier hours do not.
		got, err = s.UsageByClient(ctx, hour.Add(2*time.Hour+30*time.Minute), []string{"Query.me"})
		require.NoError(t, err)
		require.Equal(t, []store.CoordinateUsage{{Coordinate: "Query.me", Count: 2, Clients: []store.ClientUse{{Name: "web", Count: 2}}}}, got)

		got, err = s.UsageByClient(ctx, hour, nil)
		require.NoError(t, err)
		require.Empty(t, got)

		// Every bad coordinate at once, and a cap on how many one call looks up.
		_, err = s.UsageByClient(ctx, hour, []string{"Query.me", "not a coordinate", "Query.me OR 1=1"})
		var invalid store.ValidationErrors
		require.ErrorAs(t, err, &invalid)
		require.Len(t, invalid, 2)
		require.Equal(t, "coordinates[1]", invalid[0].Field)
		many := make([]string, store.MaxUsageLookups+1)
		for i := range many {
			many[i] = "Query.f" + strings.Repeat("x", i)
		}
		_, err = s.UsageByClient(ctx, hour, many)
		require.ErrorAs(t, err, &invalid)
		require.ErrorContains(t, err, "more than the limit of 200")
		_, err = s.UsageByClient(ctx, hour, many[:store.MaxUsageLookups])
		require.NoError(t, err, "the limit itself is fine")
	})
}
