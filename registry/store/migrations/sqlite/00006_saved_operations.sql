-- Operations users save in the portal's playground, SQLite flavour. Timestamps are Unix
-- microseconds.

-- +goose Up
-- owner is the subject of the user; a name is unique per user (saving again replaces).
-- variables is a JSON object as text, '' when none.
CREATE TABLE saved_operations (
    id         INTEGER PRIMARY KEY,
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    variables  TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (owner, name)
) STRICT;

-- +goose Down
DROP TABLE saved_operations;
