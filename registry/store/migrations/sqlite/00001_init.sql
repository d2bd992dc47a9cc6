-- The registry's tables, SQLite flavour. Timestamps are Unix microseconds (UTC) in
-- INTEGER columns: they compare and sort exactly, unlike SQLite's text dates.
-- STRICT makes SQLite reject a value of the wrong type instead of storing it.

-- +goose Up
CREATE TABLE subgraphs (
    name       TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    sdl        TEXT NOT NULL,
    sdl_hash   TEXT NOT NULL,
    owner      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- AUTOINCREMENT: a version id is never reused, even after the newest row is deleted.
CREATE TABLE versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sdl        TEXT NOT NULL,
    sdl_hash   TEXT NOT NULL,
    diff       TEXT NOT NULL DEFAULT '',
    publisher  TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;

-- What composed each version: one row per subgraph, as it was then.
CREATE TABLE version_subgraphs (
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    url        TEXT NOT NULL,
    sdl_hash   TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
) STRICT, WITHOUT ROWID;

-- The one row naming the current version: Publish's optimistic check reads it and
-- moves it in the same transaction.
CREATE TABLE registry_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version_id INTEGER REFERENCES versions (id)
) STRICT;
INSERT INTO registry_head (id, version_id) VALUES (1, NULL);

CREATE TABLE checks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    subgraph   TEXT NOT NULL,
    version_id INTEGER NOT NULL DEFAULT 0,
    sdl        TEXT NOT NULL,
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    result     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX checks_by_subgraph ON checks (subgraph, id);

CREATE TABLE operations (
    hash       TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    document   TEXT NOT NULL DEFAULT '',
    first_seen INTEGER NOT NULL
) STRICT;

CREATE TABLE operation_coordinates (
    hash       TEXT NOT NULL REFERENCES operations (hash) ON DELETE CASCADE,
    coordinate TEXT NOT NULL,
    PRIMARY KEY (hash, coordinate)
) STRICT, WITHOUT ROWID;
CREATE INDEX operation_coordinates_by_coordinate ON operation_coordinates (coordinate, hash);

-- Counts per operation, client and hour (the hour's start), added to by each report.
CREATE TABLE operation_usage (
    hash      TEXT NOT NULL REFERENCES operations (hash) ON DELETE CASCADE,
    client    TEXT NOT NULL,
    hour      INTEGER NOT NULL,
    count     INTEGER NOT NULL CHECK (count > 0),
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (hash, client, hour)
) STRICT, WITHOUT ROWID;
CREATE INDEX operation_usage_by_hour ON operation_usage (hour);

-- +goose Down
DROP TABLE operation_usage;
DROP TABLE operation_coordinates;
DROP TABLE operations;
DROP TABLE checks;
DROP TABLE registry_head;
DROP TABLE version_subgraphs;
DROP TABLE versions;
DROP TABLE subgraphs;
