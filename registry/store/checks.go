package store

import (
	"context"
	"fmt"
	"time"
)

// CheckResult is the outcome of checking a proposed subgraph schema against the
// registry: whether it composes and what it would break.
type CheckResult struct {
	ID       int64
	Subgraph string
	// Version is the ID of the version the check compared against, 0 when there was
	// none yet.
	Version int64
	// SDL is the proposed schema; "" when the check was of removing the subgraph.
	SDL    string
	Passed bool
	// Result is the caller's JSON report of the check; "" for none.
	Result    string
	CreatedAt time.Time
}

// RecordCheck stores c and returns it with its ID and CreatedAt set. The subgraph need
// not be registered: a new subgraph is checked before its first publish.
func (s *Store) RecordCheck(ctx context.Context, c CheckResult) (CheckResult, error) {
	if err := s.usable(); err != nil {
		return CheckResult{}, err
	}
	var v validator
	v.subgraphName("subgraph", c.Subgraph)
	if c.Version < 0 {
		v.add("version", "must be 0 (none) or a version ID")
	}
	v.text("sdl", c.SDL, MaxSubgraphSDLBytes) // "" checks removing the subgraph
	v.jsonText("result", c.Result)
	if err := v.err(); err != nil {
		return CheckResult{}, err
	}
	c.CreatedAt = now()
	if err := s.writer.QueryRowContext(ctx, `
		INSERT INTO checks (subgraph, version_id, sdl, passed, result, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		c.Subgraph, c.Version, c.SDL, c.Passed, c.Result, s.timeArg(c.CreatedAt)).Scan(&c.ID); err != nil {
		return CheckResult{}, fmt.Errorf("record check of subgraph %q: %w", c.Subgraph, err)
	}
	return c, nil
}

// Checks returns up to limit checks of subgraph, newest first; subgraph "" lists the
// checks of every subgraph.
func (s *Store) Checks(ctx context.Context, subgraph string, limit int) ([]CheckResult, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	const columns = `SELECT id, subgraph, version_id, sdl, passed, result, created_at FROM checks`
	query, args := columns+` ORDER BY id DESC LIMIT $1`, []any{pageSize(limit)}
	if subgraph != "" {
		query, args = columns+` WHERE subgraph = $1 ORDER BY id DESC LIMIT $2`, []any{subgraph, pageSize(limit)}
	}
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	defer rows.Close()
	var out []CheckResult
	for rows.Next() {
		var c CheckResult
		if err := rows.Scan(&c.ID, &c.Subgraph, &c.Version, &c.SDL, &c.Passed, &c.Result, timeColumn{&c.CreatedAt}); err != nil {
			return nil, fmt.Errorf("list checks: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list checks: %w", err)
	}
	return out, nil
}
