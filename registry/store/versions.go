package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// SubgraphRef is one subgraph as it was when a version was composed.
type SubgraphRef struct {
	Name    string
	URL     string
	SDLHash string // hex SHA-256 of the subgraph's SDL
}

// Version is one composed supergraph. Versions are immutable once recorded.
type Version struct {
	ID      int64
	SDL     string
	SDLHash string // hex SHA-256 of SDL, to compare versions without their SDL
	// Diff is the publisher's JSON description of the change from the previous version.
	Diff string
	// Subgraphs is what composed this version, sorted by name.
	Subgraphs []SubgraphRef
	Publisher string
	Message   string
	CreatedAt time.Time
}

// Page sizes for Versions and Checks: a limit ≤ 0 means DefaultPageSize, and larger
// limits are capped at MaxPageSize.
const (
	DefaultPageSize = 20
	MaxPageSize     = 500
)

func pageSize(limit int) int {
	if limit <= 0 {
		return DefaultPageSize
	}
	return min(limit, MaxPageSize)
}

// Current returns the current version, or an error wrapping ErrNotFound when nothing
// has been published yet.
func (s *Store) Current(ctx context.Context) (Version, error) {
	if err := s.usable(); err != nil {
		return Version{}, err
	}
	id, err := s.currentID(ctx)
	if err != nil {
		return Version{}, err
	}
	if id == 0 {
		return Version{}, fmt.Errorf("current version: %w: nothing has been published yet", ErrNotFound)
	}
	// Versions are immutable, so reading this one outside the head's read is safe.
	return s.readVersion(ctx, s.reader, id, true)
}

// CurrentID returns the current version's ID, or 0 before the first publish. It reads
// one row: a cheap way to tell whether something cached for a version is still current.
func (s *Store) CurrentID(ctx context.Context) (int64, error) {
	if err := s.usable(); err != nil {
		return 0, err
	}
	return s.currentID(ctx)
}

// currentID returns the current version's ID, or 0 when there is none.
func (s *Store) currentID(ctx context.Context) (int64, error) {
	var head sql.NullInt64
	if err := s.reader.QueryRowContext(ctx, `SELECT version_id FROM registry_head WHERE id = 1`).Scan(&head); err != nil {
		return 0, fmt.Errorf("read the current version: %w", err)
	}
	return head.Int64, nil
}

// Version returns the version with the given ID, or an error wrapping ErrNotFound.
func (s *Store) Version(ctx context.Context, id int64) (Version, error) {
	if err := s.usable(); err != nil {
		return Version{}, err
	}
	return s.readVersion(ctx, s.reader, id, true)
}

// readVersion reads version id, with its SDL only when withSDL.
func (s *Store) readVersion(ctx context.Context, q querier, id int64, withSDL bool) (Version, error) {
	sdl := `''`
	if withSDL {
		sdl = `sdl`
	}
	v := Version{ID: id}
	err := q.QueryRowContext(ctx, `SELECT `+sdl+`, sdl_hash, diff, publisher, message, created_at
		FROM versions WHERE id = $1`, id).
		Scan(&v.SDL, &v.SDLHash, &v.Diff, &v.Publisher, &v.Message, timeColumn{&v.CreatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, fmt.Errorf("version %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Version{}, fmt.Errorf("read version %d: %w", id, err)
	}
	refs, err := readRefs(ctx, q, id, id)
	if err != nil {
		return Version{}, err
	}
	v.Subgraphs = refs[id]
	return v, nil
}

// Versions returns up to limit versions older than before (all versions when before
// ≤ 0), newest first. Pass the last ID of one page as before to get the next.
//
// The versions come without their SDL (Version.SDL is empty; SDLHash is set): a page
// of history would otherwise carry every full supergraph. Version(ctx, id) reads it.
func (s *Store) Versions(ctx context.Context, limit int, before int64) ([]Version, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.reader.QueryContext(ctx, `
		SELECT id, sdl_hash, diff, publisher, message, created_at
		FROM versions WHERE id < $1 ORDER BY id DESC LIMIT $2`, before, pageSize(limit))
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.ID, &v.SDLHash, &v.Diff, &v.Publisher, &v.Message, timeColumn{&v.CreatedAt}); err != nil {
			return nil, fmt.Errorf("list versions: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// The page is every version between its oldest and newest ID, so one range read
	// finds all their snapshots.
	refs, err := readRefs(ctx, s.reader, out[len(out)-1].ID, out[0].ID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Subgraphs = refs[out[i].ID]
	}
	return out, nil
}

// readRefs reads the snapshots of versions from first to last, by version ID, each
// sorted by name.
func readRefs(ctx context.Context, q querier, first, last int64) (map[int64][]SubgraphRef, error) {
	rows, err := q.QueryContext(ctx, `SELECT version_id, name, url, sdl_hash FROM version_subgraphs
		WHERE version_id BETWEEN $1 AND $2`, first, last)
	if err != nil {
		return nil, fmt.Errorf("read the subgraphs of versions %d–%d: %w", first, last, err)
	}
	defer rows.Close()
	out := map[int64][]SubgraphRef{}
	for rows.Next() {
		var id int64
		var r SubgraphRef
		if err := rows.Scan(&id, &r.Name, &r.URL, &r.SDLHash); err != nil {
			return nil, fmt.Errorf("read the subgraphs of versions %d–%d: %w", first, last, err)
		}
		out[id] = append(out[id], r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the subgraphs of versions %d–%d: %w", first, last, err)
	}
	for _, refs := range out {
		sortRefs(refs)
	}
	return out, nil
}
