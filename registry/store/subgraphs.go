package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subgraph is one registered subgraph as it is now.
type Subgraph struct {
	Name      string
	URL       string
	SDL       string
	Owner     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// querier is what both *sql.DB and *sql.Tx offer, so a read can run inside a
// transaction or outside one.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const subgraphColumns = `name, url, sdl, owner, created_at, updated_at`

func scanSubgraph(row interface{ Scan(...any) error }) (Subgraph, error) {
	var g Subgraph
	err := row.Scan(&g.Name, &g.URL, &g.SDL, &g.Owner, timeColumn{&g.CreatedAt}, timeColumn{&g.UpdatedAt})
	return g, err
}

// Subgraphs returns every registered subgraph, sorted by name.
func (s *Store) Subgraphs(ctx context.Context) ([]Subgraph, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+subgraphColumns+` FROM subgraphs`)
	if err != nil {
		return nil, fmt.Errorf("list subgraphs: %w", err)
	}
	defer rows.Close()
	var out []Subgraph
	for rows.Next() {
		g, err := scanSubgraph(rows)
		if err != nil {
			return nil, fmt.Errorf("list subgraphs: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list subgraphs: %w", err)
	}
	// Sorted here, not by ORDER BY: PostgreSQL would sort by the database's collation,
	// SQLite by bytes.
	slices.SortFunc(out, func(a, b Subgraph) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Subgraph returns the subgraph called name, or an error wrapping ErrNotFound.
func (s *Store) Subgraph(ctx context.Context, name string) (Subgraph, error) {
	if err := s.usable(); err != nil {
		return Subgraph{}, err
	}
	g, err := scanSubgraph(s.reader.QueryRowContext(ctx,
		`SELECT `+subgraphColumns+` FROM subgraphs WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Subgraph{}, fmt.Errorf("subgraph %q: %w", truncate(name), ErrNotFound)
	}
	if err != nil {
		return Subgraph{}, fmt.Errorf("read subgraph %q: %w", truncate(name), err)
	}
	return g, nil
}

// applyChange writes change to the subgraphs table.
func (s *Store) applyChange(ctx context.Context, tx *sql.Tx, change Change, at time.Time) error {
	switch c := change.(type) {
	case Upsert:
		return s.upsertSubgraph(ctx, tx, c, at)
	case Delete:
		res, err := tx.ExecContext(ctx, `DELETE FROM subgraphs WHERE name = $1`, c.Name)
		if err != nil {
			return fmt.Errorf("delete subgraph %q: %w", c.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("delete subgraph %q: %w", c.Name, err)
		} else if n == 0 {
			return fmt.Errorf("delete subgraph %q: %w", c.Name, ErrNotFound)
		}
		return nil
	}
	return fmt.Errorf("unknown change %T", change)
}

// upsertSubgraph writes the subgraph unless it is unchanged, so that updated_at says
// when it last changed. An empty Owner keeps the owner already recorded.
func (s *Store) upsertSubgraph(ctx context.Context, tx *sql.Tx, c Upsert, at time.Time) error {
	sdlHash := hashSDL(c.SDL)
	var oldURL, oldHash, owner string
	err := tx.QueryRowContext(ctx, `SELECT url, sdl_hash, owner FROM subgraphs WHERE name = $1`, c.Name).
		Scan(&oldURL, &oldHash, &owner)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("read subgraph %q: %w", c.Name, err)
	default:
		if c.Owner == "" {
			c.Owner = owner
		}
		if oldURL == c.URL && oldHash == sdlHash && owner == c.Owner {
			return nil
		}
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO subgraphs (name, url, sdl, sdl_hash, owner, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (name) DO UPDATE SET url = excluded.url, sdl = excluded.sdl,
			sdl_hash = excluded.sdl_hash, owner = excluded.owner, updated_at = excluded.updated_at`,
		c.Name, c.URL, c.SDL, sdlHash, c.Owner, s.timeArg(at))
	if err != nil {
		return fmt.Errorf("write subgraph %q: %w", c.Name, err)
	}
	return nil
}

// subgraphRefs snapshots the subgraph set as it is in tx, sorted by name.
func subgraphRefs(ctx context.Context, q querier) ([]SubgraphRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, url, sdl_hash FROM subgraphs`)
	if err != nil {
		return nil, fmt.Errorf("read the subgraph set: %w", err)
	}
	defer rows.Close()
	var refs []SubgraphRef
	for rows.Next() {
		var r SubgraphRef
		if err := rows.Scan(&r.Name, &r.URL, &r.SDLHash); err != nil {
			return nil, fmt.Errorf("read the subgraph set: %w", err)
		}
		refs = append(refs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the subgraph set: %w", err)
	}
	sortRefs(refs)
	return refs, nil
}

func sortRefs(refs []SubgraphRef) {
	slices.SortFunc(refs, func(a, b SubgraphRef) int { return strings.Compare(a.Name, b.Name) })
}

// hashSDL is the hex SHA-256 of sdl, by which versions and snapshots compare schemas
// without reading them.
func hashSDL(sdl string) string {
	sum := sha256.Sum256([]byte(sdl))
	return hex.EncodeToString(sum[:])
}
