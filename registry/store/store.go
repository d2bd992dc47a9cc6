package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialects a Store runs on, as Store.Dialect reports them.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// DefaultSQLitePath is where Open puts the registry when given an empty DSN.
const DefaultSQLitePath = ".atrium/registry.db"

var (
	// ErrNotFound is returned when a subgraph or version does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned by Publish when the current version is no longer the one
	// the caller composed against. Nothing was written: re-read, recompose and retry.
	ErrConflict = errors.New("the registry changed since the version you composed against")
	// ErrClosed is returned by every method called after Close.
	ErrClosed = errors.New("store is closed")
)

// Store is the schema registry's storage. It is safe for concurrent use by many
// goroutines, and several processes may share one database (see the package doc).
type Store struct {
	dialect string
	// writer takes every transaction that writes; reader serves plain reads. They are the
	// same pool on PostgreSQL. On SQLite the writer has one connection, because SQLite
	// has one writer at a time and a second in-process connection would only wait on
	// the file lock, while the reader's connections read the WAL concurrently.
	writer *sql.DB
	reader *sql.DB
	// pgConfig is kept for the LISTEN connection, which needs a native pgx connection.
	pgConfig *pgx.ConnConfig

	changes broadcast // signalled after every local publish and every NOTIFY

	mu        sync.Mutex // guards closed against goroutines starting while Close waits
	closed    atomic.Bool
	ctx       context.Context // cancelled by Close; stops watchers and the listener
	cancel    context.CancelFunc
	workers   sync.WaitGroup
	listening sync.Once
}

// Open opens the store at dsn and applies any pending migrations.
//
//   - "" opens SQLite at ./.atrium/registry.db, creating the folder.
//   - "sqlite:<path>" (or "sqlite://<path>") or a path ending in ".db" opens SQLite.
//   - "postgres://…" or "postgresql://…" opens PostgreSQL.
//
// Several processes may open the same database at once: migrations take a lock
// (PostgreSQL) or retry after a concurrent migration (SQLite).
func Open(ctx context.Context, dsn string) (*Store, error) {
	// The store outlives ctx, which only bounds opening and migrating.
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Store{ctx: life, cancel: cancel}
	if err := s.open(ctx, dsn); err != nil {
		cancel()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, dsn string) error {
	switch {
	case dsn == "":
		if err := os.MkdirAll(filepath.Dir(DefaultSQLitePath), 0o750); err != nil {
			return fmt.Errorf("create the registry folder: %w", err)
		}
		return s.openSQLite(ctx, DefaultSQLitePath)
	case strings.HasPrefix(dsn, "sqlite://"):
		return s.openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite://"))
	case strings.HasPrefix(dsn, "sqlite:"):
		return s.openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return s.openPostgres(ctx, dsn)
	case strings.HasSuffix(dsn, ".db"):
		return s.openSQLite(ctx, dsn)
	}
	// The DSN is not repeated: it may hold a password.
	return errors.New(`open registry store: unrecognized DSN; use "sqlite:<path>", a path ending in .db, or a postgres:// URL`)
}

func (s *Store) openSQLite(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("open registry store: the SQLite path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("open SQLite registry at %s: %w", path, err)
	}
	s.dialect = DialectSQLite
	// A file: URI keeps a '?' or '#' in the path from being read as parameters.
	uri := "file:" + sqliteURIEscaper.Replace(filepath.ToSlash(abs))
	if !strings.HasPrefix(uri, "file:/") {
		uri = "file:/" + strings.TrimPrefix(uri, "file:") // Windows: file:/C:/…
	}
	// busy_timeout makes a writer wait for another process's write instead of failing;
	// _txlock=immediate takes the write lock at BEGIN, so a transaction never fails
	// halfway when it upgrades from reading to writing.
	writer, err := sql.Open("sqlite", uri+"?_txlock=immediate"+
		"&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		return fmt.Errorf("open SQLite registry at %s: %w", abs, err)
	}
	writer.SetMaxOpenConns(1)
	s.writer = writer
	if err := s.migrate(ctx); err != nil {
		_ = writer.Close()
		return fmt.Errorf("open SQLite registry at %s: %w", abs, err)
	}
	// Opened after migrating, so the file exists and is in WAL mode already.
	reader, err := sql.Open("sqlite", uri+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		_ = writer.Close()
		return fmt.Errorf("open SQLite registry at %s: %w", abs, err)
	}
	reader.SetMaxOpenConns(4)
	s.reader = reader
	return nil
}

var sqliteURIEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

func (s *Store) openPostgres(ctx context.Context, dsn string) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the DSN, and redacting it is best effort.
		return fmt.Errorf("open PostgreSQL registry at %s: invalid connection string", redactDSN(dsn))
	}
	where := fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	s.dialect = DialectPostgres
	s.pgConfig = cfg
	db := stdlib.OpenDB(*cfg.Copy())
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s.writer, s.reader = db, db
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("open PostgreSQL registry at %s: %w", where, err)
	}
	if err := s.migrate(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("open PostgreSQL registry at %s: %w", where, err)
	}
	return nil
}

// redactDSN returns dsn without its password, or a placeholder when it does not parse.
// Describe names the database dsn opens, for logs: passwords are redacted.
func Describe(dsn string) string {
	switch {
	case dsn == "":
		return DefaultSQLitePath
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return redactDSN(dsn)
	case strings.HasPrefix(dsn, "sqlite:"), strings.HasSuffix(dsn, ".db"):
		return dsn
	}
	return "(unrecognized)"
}

func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// Dialect reports the database the store runs on: DialectSQLite or DialectPostgres.
func (s *Store) Dialect() string { return s.dialect }

// Close stops every Watch (their channels close), then closes the database. Methods
// called afterwards return ErrClosed. Close is safe to call more than once.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed.Swap(true) {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	s.cancel()
	s.workers.Wait()
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	if err != nil {
		return fmt.Errorf("close registry store: %w", err)
	}
	return nil
}

// usable returns ErrClosed once Close has been called.
func (s *Store) usable() error {
	if s.closed.Load() {
		return ErrClosed
	}
	return nil
}

// forUpdate locks the rows a read selects until the transaction ends. SQLite has no
// row locks and needs none: its write transactions are exclusive from BEGIN.
func (s *Store) forUpdate() string {
	if s.dialect == DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// now is the time stamped on new rows, at the microsecond precision both databases keep,
// so what Publish returns equals what a later read returns.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// timeArg converts t to what the dialect stores: TIMESTAMPTZ on PostgreSQL, Unix
// microseconds on SQLite, whose INTEGER compares and sorts exactly.
func (s *Store) timeArg(t time.Time) any {
	if s.dialect == DialectPostgres {
		return t.UTC()
	}
	return t.UnixMicro()
}

// timeColumn scans a timestamp stored by timeArg in either dialect.
type timeColumn struct{ t *time.Time }

func (c timeColumn) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = v.UTC()
	default:
		return fmt.Errorf("timestamp column holds %T", src)
	}
	return nil
}

// rollback ends tx after a failure; its own error is dropped because the first one is
// what the caller needs to see.
func rollback(tx *sql.Tx) { _ = tx.Rollback() }

// execValues runs insert + "(…), (…)" + suffix for rows, which all have the same number
// of values, in as few statements as both databases' limits on parameters allow.
func execValues(ctx context.Context, tx *sql.Tx, insert, suffix string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	perStatement := max(1, 1000/len(rows[0])) // SQLite's limit was 999 before 3.32
	var query strings.Builder
	for start := 0; start < len(rows); start += perStatement {
		chunk := rows[start:min(start+perStatement, len(rows))]
		query.Reset()
		query.WriteString(insert)
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for i, row := range chunk {
			if i > 0 {
				query.WriteString(", ")
			}
			query.WriteByte('(')
			for j, value := range row {
				if j > 0 {
					query.WriteString(", ")
				}
				args = append(args, value)
				query.WriteString("$" + strconv.Itoa(len(args)))
			}
			query.WriteByte(')')
		}
		query.WriteString(suffix)
		if _, err := tx.ExecContext(ctx, query.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
