package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestChecksAreRecordedAndListedNewestFirst(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		record := func(subgraph string, passed bool, result string) store.CheckResult {
			c, err := s.RecordCheck(ctx, store.CheckResult{
				Subgraph: subgraph, Version: 7, SDL: "type Query { " + subgraph + ": Int }", Passed: passed, Result: result,
			})
			require.NoError(t, err)
			require.NotZero(t, c.ID)
			require.False(t, c.CreatedAt.IsZero())
			return c
		}
		a1 := record("users", true, `{"breaking":[]}`)
		b1 := record("reviews", false, `{"errors":["INVALID_FIELD_SHARING"]}`)
		a2 := record("users", false, `{"breaking":["Query.user"]}`)
		a3 := record("users", true, "")

		users, err := s.Checks(ctx, "users", 10)
		require.NoError(t, err)
		require.Equal(t, []store.CheckResult{a3, a2, a1}, users)

		limited, err := s.Checks(ctx, "users", 2)
		require.NoError(t, err)
		require.Equal(t, []store.CheckResult{a3, a2}, limited)

		all, err := s.Checks(ctx, "", 0)
		require.NoError(t, err)
		require.Equal(t, []store.CheckResult{a3, a2, b1, a1}, all)

		none, err := s.Checks(ctx, "nobody", 10)
		require.NoError(t, err)
		require.Empty(t, none)
	})
}
