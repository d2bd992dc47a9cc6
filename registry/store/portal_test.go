package store_test

import (
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/stretchr/testify/require"

	"github.com/atrium-gateway/atrium/registry/store"
)

func TestOAuthClientsKeepTheirOwnerAndRequestedScopes(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		for _, c := range []store.OAuthClient{
			{ID: "b-alice", Name: "B", SecretHash: "aa", Owner: "alice", Scopes: []string{"reviews:read"},
				RequestedScopes: []string{"reviews:read", "orders:write"}, GrantTypes: []string{"client_credentials"}},
			{ID: "a-alice", Name: "A", SecretHash: "bb", Owner: "alice", GrantTypes: []string{"client_credentials"}},
			{ID: "bob", Name: "Bob's", SecretHash: "cc", Owner: "bob", GrantTypes: []string{"client_credentials"}},
			{ID: "ops", Name: "Ops", SecretHash: "dd", Scopes: []string{"x"}, RequestedScopes: []string{"x"}, GrantTypes: []string{"client_credentials"}},
		} {
			require.NoError(t, s.CreateOAuthClient(ctx, c))
		}
		got, err := s.OAuthClient(ctx, "b-alice")
		require.NoError(t, err)
		require.Equal(t, "alice", got.Owner)
		require.Equal(t, []string{"reviews:read"}, got.Scopes)
		require.Equal(t, []string{"reviews:read", "orders:write"}, got.RequestedScopes)

		mine, err := s.OAuthClientsOwnedBy(ctx, "alice")
		require.NoError(t, err)
		require.Len(t, mine, 2)
		require.Equal(t, "a-alice", mine[0].ID, "sorted by ID")
		require.Equal(t, "b-alice", mine[1].ID)
		none, err := s.OAuthClientsOwnedBy(ctx, "")
		require.NoError(t, err)
		require.Empty(t, none, "clients registered with the admin token belong to nobody")
	})
}

func TestSettingGrantedScopesRevokesTokensOnlyWhenAScopeIsTakenAway(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		ctx := t.Context()
		require.NoError(t, s.CreateOAuthClient(ctx, store.OAuthClient{ID: "svc", Name: "svc", SecretHash: "aa", Owner: "alice",
			Scopes: []string{"a"}, RequestedScopes: []string{"a", "b"}, GrantTypes: []string{"client_credentials"}}))
		require.NoError(t, s.AddOAuthTokens(ctx, token("t1", store.TokenAccess, "f1", "svc")))
		before, err := s.OAuthClient(ctx, "svc")
		require.NoError(t, err)

		revoked, err := s.SetOAuthClientScopes(ctx, "svc", []string{"a", "b"})
		require.NoError(t, err)
		require.False(t, revoked, "a grant that only adds keeps the tokens")
		got, err := s.OAuthClient(ctx, "svc")
		require.NoError(t, err)
		require.Equal(t, []string{"a", "b"}, got.Scopes)
		require.Equal(t, []string{"a", "b"}, got.RequestedScopes, "what was asked for stays")
		require.False(t, got.UpdatedAt.Before(before.UpdatedAt))
		tok, err := s.OAuthToken(ctx, "t1")
		require.NoError(t, err)
		require.True(t, tok.RevokedAt.IsZero())

		revoked, err = s.SetOAuthClientScopes(ctx, "svc", []string{"b"})
		require.NoError(t, err)
		require.True(t, revoked)
		tok, err = s.OAuthToken(ctx, "t1")
		require.NoError(t, err)
		require.False(t, tok.RevokedAt.IsZero(), "a token may carry the scope taken away")

		_, err = s.SetOAuthClientScopes(ctx, "nope", nil)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// TestMigrationGrantsExistingClientsWhatTheyHave upgrades a database made before clients
// had owners: every client registered then was granted what it asked for.
func TestMigrationGrantsExistingClientsWhatTheyHave(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := t.Context()
		dialect, folder, db := goose.DialectSQLite3, "migrations/sqlite", (*sql.DB)(nil)
		if strings.HasPrefix(dsn, "postgres") {
			dialect, folder = goose.DialectPostgres, "migrations/postgres"
			db = openPostgresDB(t, dsn)
		} else {
			var err error
			db, err = sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:"))
			require.NoError(t, err)
		}
		migrations, err := goose.NewProvider(dialect, db, os.DirFS(folder), goose.WithTableName("registry_migrations"),
			goose.WithDisableGlobalRegistry(true))
		require.NoError(t, err)
		_, err = migrations.UpTo(ctx, 2)
		require.NoError(t, err)
		_, err = db.ExecContext(ctx, `INSERT INTO oauth_clients (id, name, scopes, grant_types, created_at, updated_at)
			VALUES ('old', 'Old', 'a b', 'client_credentials', $1, $1)`, timeArg(dialect))
		require.NoError(t, err)
		// The migration can be undone (and is then redone by Open).
		_, err = migrations.UpTo(ctx, 3)
		require.NoError(t, err)
		_, err = migrations.DownTo(ctx, 2)
		require.NoError(t, err)
		require.NoError(t, db.Close())

		s := openStore(t, dsn) // migrates to the newest version
		got, err := s.OAuthClient(ctx, "old")
		require.NoError(t, err)
		require.Equal(t, "", got.Owner)
		require.Equal(t, []string{"a", "b"}, got.Scopes)
		require.Equal(t, []string{"a", "b"}, got.RequestedScopes)
	})
}

func openPostgresDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// timeArg is a timestamp as each dialect stores it: Unix microseconds in SQLite.
func timeArg(dialect goose.Dialect) any {
	if dialect == goose.DialectPostgres {
		return "2024-01-01T00:00:00Z"
	}
	return int64(1704067200000000)
}
