-- The registry's tables, PostgreSQL flavour. Keep the names, columns and meaning in
-- step with ../sqlite: the Go code runs the same queries on both.

-- +goose Up
CREATE TABLE subgraphs (
    name       TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    sdl        TEXT NOT NULL,
    sdl_hash   TEXT NOT NULL,
    owner      TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE versions (
    id         BIGSERIAL PRIMARY KEY,
    sdl        TEXT NOT NULL,
    sdl_hash   TEXT NOT NULL,
    diff       TEXT NOT NULL DEFAULT '',
    publisher  TEXT NOT NULL DEFAULT '',
    message    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- What composed each version: one row per subgraph, as it was then.
CREATE TABLE version_subgraphs (
    version_id BIGINT NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    url        TEXT NOT NULL,
    sdl_hash   TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
);

-- The one row naming the current version: Publish locks it (SELECT … FOR UPDATE), so
-- concurrent publishes on one base are serialized and all but one see a conflict.
CREATE TABLE registry_head (
    id         SMALLINT PRIMARY KEY CHECK (id = 1),
    version_id BIGINT REFERENCES versions (id)
);
INSERT INTO registry_head (id, version_id) VALUES (1, NULL);

CREATE TABLE checks (
    id         BIGSERIAL PRIMARY KEY,
    subgraph   TEXT NOT NULL,
    version_id BIGINT NOT NULL DEFAULT 0,
    sdl        TEXT NOT NULL,
    passed     BOOLEAN NOT NULL,
    result     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX checks_by_subgraph ON checks (subgraph, id);

CREATE TABLE operations (
    hash       TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    document   TEXT NOT NULL DEFAULT '',
    first_seen TIMESTAMPTZ NOT NULL
);

CREATE TABLE operation_coordinates (
    hash       TEXT NOT NULL REFERENCES operations (hash) ON DELETE CASCADE,
    coordinate TEXT NOT NULL,
    PRIMARY KEY (hash, coordinate)
);
CREATE INDEX operation_coordinates_by_coordinate ON operation_coordinates (coordinate, hash);

-- Counts per operation, client and hour (the hour's start), added to by each report.
CREATE TABLE operation_usage (
    hash      TEXT NOT NULL REFERENCES operations (hash) ON DELETE CASCADE,
    client    TEXT NOT NULL,
    hour      TIMESTAMPTZ NOT NULL,
    count     BIGINT NOT NULL CHECK (count > 0),
    last_seen TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hash, client, hour)
);
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
