package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds one folder of goose SQL files per dialect. A schema change adds a
// file to both folders with the same version number.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// migrationTable is goose's version table, named for the registry so that a database
// shared with an application that also uses goose keeps the two histories apart.
const migrationTable = "registry_migrations"

// migrationLockID is the PostgreSQL advisory lock held while migrating, distinct from
// goose's default for the same reason as migrationTable.
const migrationLockID int64 = 0x61747269756d // "atrium"

// migrate applies pending migrations.
//
// On PostgreSQL a session advisory lock makes concurrent starts take turns. SQLite has
// no such lock, but its write transactions are serialized: a process that raced another
// fails its migration when the tables already exist, rolls back, and on the retry
// finds the migration recorded and has nothing to do.
func (s *Store) migrate(ctx context.Context) error {
	attempts := 1
	if s.dialect == DialectSQLite {
		attempts = 3
	}
	for attempt := 1; ; attempt++ {
		err := s.migrateOnce(ctx)
		if err == nil || attempt == attempts {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

func (s *Store) migrateOnce(ctx context.Context) error {
	files, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return fmt.Errorf("migrations for %s: %w", s.dialect, err)
	}
	options := []goose.ProviderOption{
		goose.WithTableName(migrationTable),
		// Go migrations registered globally by other packages are not ours.
		goose.WithDisableGlobalRegistry(true),
	}
	dialect := goose.DialectSQLite3
	if s.dialect == DialectPostgres {
		dialect = goose.DialectPostgres
		// Poll every second for up to 5 minutes: a second process starting beside the
		// first waits about a second, not goose's default five.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrationLockID), lock.WithLockTimeout(1, 300))
		if err != nil {
			return fmt.Errorf("migration lock: %w", err)
		}
		options = append(options, goose.WithSessionLocker(locker))
	}
	// The provider is not closed: its Close would close s.writer.
	provider, err := goose.NewProvider(dialect, s.writer, files, options...)
	if err != nil {
		return fmt.Errorf("load migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrate the schema: %w", err)
	}
	return nil
}
