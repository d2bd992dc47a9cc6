// Package storetest gives tests real databases for the registry store: a fresh SQLite
// file or a fresh PostgreSQL database per test.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/atrium-gateway/atrium/registry/store"
)

// PostgresEnv names the environment variable holding the PostgreSQL server tests use,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Its database is only
// used to create and drop each test's own database.
const PostgresEnv = "ATRIUM_TEST_POSTGRES"

// SQLite returns a DSN for a new SQLite database in the test's temporary folder.
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "registry.db")
}

// Postgres creates a database for this test alone on the server named by
// ATRIUM_TEST_POSTGRES, drops it (disconnecting whoever is left) when the test ends,
// and returns its DSN.
//
// Without ATRIUM_TEST_POSTGRES the test is skipped, except under CI (CI set), where it
// fails: a CI run must not pass by skipping the PostgreSQL tests.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		const why = PostgresEnv + " is not set: set it to a PostgreSQL server URL, e.g. " +
			"postgres://postgres@127.0.0.1:5432/test?sslmode=disable, to run the PostgreSQL tests"
		if os.Getenv("CI") != "" {
			t.Fatal(why + " (CI is set, so this fails rather than skips)")
		}
		t.Skip(why)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", PostgresEnv)
	}

	name := "atrium_store_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s (%s): %v", PostgresEnv, u.Redacted(), err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	// The name is ours and plain [a-z0-9_], so it needs no quoting.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("connect to drop test database %s: %v", name, err)
			return
		}
		defer func() { _ = conn.Close(context.Background()) }()
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})

	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails
	return hex.EncodeToString(b)
}

// Backends are the databases every behaviour test runs on, by dialect name.
var Backends = []struct {
	Name string
	DSN  func(testing.TB) string
}{
	{"sqlite", SQLite},
	{"postgres", Postgres},
}

// Each runs test once per backend, in parallel subtests, each on a fresh database.
func Each(t *testing.T, test func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			test(t, b.DSN(t))
		})
	}
}

// Open opens the store at dsn for the test and closes it when the test ends.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatalf("open the registry store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close the registry store: %v", err)
		}
	})
	return s
}
