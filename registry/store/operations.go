package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of saved operations: enough for any real operation, not a file store.
const (
	MaxSavedOperations     = 200
	MaxSavedOperationBytes = 100 << 10
	MaxSavedVariablesBytes = 20 << 10
	maxSavedOperationName  = 100
)

// SavedOperation is an operation a user saved in the portal's playground.
type SavedOperation struct {
	ID        int64
	Owner     string
	Name      string
	Query     string
	Variables string // a JSON object, "" when none
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (op SavedOperation) validate() error {
	var problems ValidationErrors
	name := strings.TrimSpace(op.Name)
	switch {
	case name == "" || utf8.RuneCountInString(name) > maxSavedOperationName:
		problems = append(problems, &ValidationError{Field: "name", Message: fmt.Sprintf("give it a name of 1-%d characters", maxSavedOperationName)})
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		problems = append(problems, &ValidationError{Field: "name", Message: "no control characters"})
	}
	switch {
	case strings.TrimSpace(op.Query) == "":
		problems = append(problems, &ValidationError{Field: "query", Message: "is empty"})
	case len(op.Query) > MaxSavedOperationBytes || !utf8.ValidString(op.Query):
		problems = append(problems, &ValidationError{Field: "query", Message: fmt.Sprintf("must be UTF-8 text of at most %d KiB", MaxSavedOperationBytes>>10)})
	}
	if op.Variables != "" {
		var obj map[string]any
		if len(op.Variables) > MaxSavedVariablesBytes || json.Unmarshal([]byte(op.Variables), &obj) != nil {
			problems = append(problems, &ValidationError{Field: "variables", Message: fmt.Sprintf("must be a JSON object of at most %d KiB", MaxSavedVariablesBytes>>10)})
		}
	}
	if len(problems) > 0 {
		return problems
	}
	return nil
}

// SaveOperation stores op under its owner and name, replacing the one of the same name;
// a user keeps at most MaxSavedOperations.
func (s *Store) SaveOperation(ctx context.Context, op SavedOperation) (SavedOperation, error) {
	if err := s.usable(); err != nil {
		return SavedOperation{}, err
	}
	if op.Owner == "" {
		return SavedOperation{}, &ValidationError{Field: "owner", Message: "saved operations belong to a signed-in user"}
	}
	op.Name = strings.TrimSpace(op.Name)
	if err := op.validate(); err != nil {
		return SavedOperation{}, err
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return SavedOperation{}, err
	}
	defer rollback(tx)
	var count int
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(CASE WHEN name = $2 THEN 1 ELSE 0 END), 0) = 1
		FROM saved_operations WHERE owner = $1`, op.Owner, op.Name).Scan(&count, &exists); err != nil {
		return SavedOperation{}, fmt.Errorf("count saved operations: %w", err)
	}
	if !exists && count >= MaxSavedOperations {
		return SavedOperation{}, &ValidationError{Field: "name", Message: fmt.Sprintf("you have %d saved operations, the most one may keep: delete some first", count)}
	}
	at := s.timeArg(now())
	row := tx.QueryRowContext(ctx, `INSERT INTO saved_operations (owner, name, query, variables, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (owner, name) DO UPDATE SET query = excluded.query, variables = excluded.variables, updated_at = excluded.updated_at
		RETURNING `+savedOperationColumns, op.Owner, op.Name, op.Query, op.Variables, at)
	saved, err := scanSavedOperation(row)
	if err != nil {
		return SavedOperation{}, fmt.Errorf("save operation: %w", err)
	}
	return saved, tx.Commit()
}

const savedOperationColumns = `id, owner, name, query, variables, created_at, updated_at`

func scanSavedOperation(row interface{ Scan(...any) error }) (SavedOperation, error) {
	var op SavedOperation
	err := row.Scan(&op.ID, &op.Owner, &op.Name, &op.Query, &op.Variables, timeColumn{&op.CreatedAt}, timeColumn{&op.UpdatedAt})
	return op, err
}

// SavedOperations lists an owner's saved operations by name.
func (s *Store) SavedOperations(ctx context.Context, owner string) ([]SavedOperation, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT `+savedOperationColumns+` FROM saved_operations WHERE owner = $1 ORDER BY name`, owner)
	if err != nil {
		return nil, fmt.Errorf("read saved operations: %w", err)
	}
	defer rows.Close()
	var out []SavedOperation
	for rows.Next() {
		op, err := scanSavedOperation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, op)
	}
	return out, rows.Err()
}

// DeleteSavedOperation removes one of owner's saved operations; ErrNotFound when owner
// has none with that ID (another user's is as absent as a missing one).
func (s *Store) DeleteSavedOperation(ctx context.Context, owner string, id int64) error {
	if err := s.usable(); err != nil {
		return err
	}
	res, err := s.writer.ExecContext(ctx, `DELETE FROM saved_operations WHERE owner = $1 AND id = $2`, owner, id)
	if err != nil {
		return fmt.Errorf("delete saved operation: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("saved operation %d: %w", id, ErrNotFound)
	}
	return nil
}
