package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
)

// Change is one edit to the subgraph set: an Upsert or a Delete.
type Change interface{ isChange() }

// Upsert adds the subgraph Name, or replaces its URL and SDL. An empty Owner keeps the
// owner already recorded, so a publish from CI does not erase it.
type Upsert struct {
	Name  string
	URL   string
	SDL   string
	Owner string
}

// Delete removes the subgraph Name.
type Delete struct{ Name string }

func (Upsert) isChange() {}
func (Delete) isChange() {}

// PublishRequest is one change to the subgraph set with the supergraph the caller
// composed from the set as it will be after the change.
type PublishRequest struct {
	// Base is the ID of the current version the caller read and composed against, or 0
	// when nothing has been published yet.
	Base   int64
	Change Change
	// SDL is the supergraph composed successfully from the subgraph set with Change
	// applied. A failed composition is never published, so it never becomes current.
	SDL string
	// Diff is the caller's JSON description of what changed since Base; "" for none.
	Diff      string
	Publisher string
	Message   string
}

// Published is what Publish did.
type Published struct {
	// Version is the current version after the publish: the new one when Recorded,
	// otherwise the one that was current already.
	Version Version
	// Recorded reports whether a new version was recorded. It is false when neither the
	// composition's inputs (each subgraph's name, URL and SDL) nor the supergraph SDL
	// changed, e.g. when only the owner changed or the same schema was published again.
	Recorded bool
}

// notifyChannel is the PostgreSQL channel Publish notifies with the new version's ID.
const notifyChannel = "atrium_registry_versions"

// Publish applies req.Change and records the supergraph composed from it, in one
// transaction, if and only if the current version is still req.Base. Otherwise it
// returns an error wrapping ErrConflict and writes nothing: the caller re-reads the
// subgraphs, recomposes and retries.
//
// A new version is recorded whenever what composed it changed, even if the supergraph
// SDL did not (a subgraph's comment, say), so that each version's Subgraphs says
// exactly what composed it and Base always identifies the inputs the caller saw.
// Deleting a subgraph that does not exist returns an error wrapping ErrNotFound.
func (s *Store) Publish(ctx context.Context, req PublishRequest) (Published, error) {
	if err := s.usable(); err != nil {
		return Published{}, err
	}
	change, err := req.validate()
	if err != nil {
		return Published{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return Published{}, fmt.Errorf("publish: begin: %w", err)
	}
	defer rollback(tx) // a no-op once committed

	var head sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT version_id FROM registry_head WHERE id = 1`+s.forUpdate()).
		Scan(&head); err != nil {
		return Published{}, fmt.Errorf("publish: read the current version: %w", err)
	}
	if head.Int64 != req.Base {
		return Published{}, fmt.Errorf("publish on version %d: version %d is current now: %w", req.Base, head.Int64, ErrConflict)
	}
	at := now()
	if err := s.applyChange(ctx, tx, change, at); err != nil {
		return Published{}, fmt.Errorf("publish: %w", err)
	}
	refs, err := subgraphRefs(ctx, tx)
	if err != nil {
		return Published{}, fmt.Errorf("publish: %w", err)
	}
	sdlHash := hashSDL(req.SDL)
	if head.Valid {
		current, err := s.readVersion(ctx, tx, head.Int64, false)
		if err != nil {
			return Published{}, fmt.Errorf("publish: %w", err)
		}
		if current.SDLHash == sdlHash && slices.Equal(current.Subgraphs, refs) {
			if err := tx.Commit(); err != nil {
				return Published{}, fmt.Errorf("publish: commit: %w", err)
			}
			current.SDL = req.SDL // equal by hash; saves reading it back
			return Published{Version: current}, nil
		}
	}

	v := Version{
		SDL: req.SDL, SDLHash: sdlHash, Diff: req.Diff, Subgraphs: refs,
		Publisher: req.Publisher, Message: req.Message, CreatedAt: at,
	}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO versions (sdl, sdl_hash, diff, publisher, message, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		v.SDL, v.SDLHash, v.Diff, v.Publisher, v.Message, s.timeArg(at)).Scan(&v.ID); err != nil {
		return Published{}, fmt.Errorf("publish: record the version: %w", err)
	}
	if err := insertRefs(ctx, tx, v.ID, refs); err != nil {
		return Published{}, fmt.Errorf("publish: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE registry_head SET version_id = $1 WHERE id = 1`, v.ID); err != nil {
		return Published{}, fmt.Errorf("publish: move the current version: %w", err)
	}
	if s.dialect == DialectPostgres {
		// Delivered to listeners at commit, and not at all on rollback.
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, notifyChannel, strconv.FormatInt(v.ID, 10)); err != nil {
			return Published{}, fmt.Errorf("publish: notify: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Published{}, fmt.Errorf("publish: commit: %w", err)
	}
	s.changes.signal()
	return Published{Version: v, Recorded: true}, nil
}

// insertRefs records the snapshot of what composed version id.
func insertRefs(ctx context.Context, tx *sql.Tx, id int64, refs []SubgraphRef) error {
	rows := make([][]any, len(refs))
	for i, r := range refs {
		rows[i] = []any{id, r.Name, r.URL, r.SDLHash}
	}
	if err := execValues(ctx, tx, `INSERT INTO version_subgraphs (version_id, name, url, sdl_hash) VALUES `, ``, rows); err != nil {
		return fmt.Errorf("record the subgraphs of version %d: %w", id, err)
	}
	return nil
}

// validate reports every problem with req, and returns its change with pointers
// dereferenced.
func (req PublishRequest) validate() (Change, error) {
	var v validator
	if req.Base < 0 {
		v.add("base", "must be 0 (nothing published yet) or the ID of the current version")
	}
	change := req.Change
	switch c := change.(type) {
	case *Upsert:
		if c != nil {
			change = *c
		}
	case *Delete:
		if c != nil {
			change = *c
		}
	}
	switch c := change.(type) {
	case Upsert:
		v.subgraphName("change.name", c.Name)
		v.subgraphURL("change.url", c.URL)
		v.sdl("change.sdl", c.SDL, MaxSubgraphSDLBytes)
		v.text("change.owner", c.Owner, MaxOwnerBytes)
	case Delete:
		v.subgraphName("change.name", c.Name)
	default:
		v.add("change", "is required: an Upsert or a Delete")
	}
	v.sdl("sdl", req.SDL, MaxSupergraphSDLBytes)
	v.jsonText("diff", req.Diff)
	v.text("publisher", req.Publisher, MaxPublisherBytes)
	v.text("message", req.Message, MaxMessageBytes)
	return change, v.err()
}
