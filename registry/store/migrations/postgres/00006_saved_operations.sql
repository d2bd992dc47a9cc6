-- Operations users save in the portal's playground, PostgreSQL flavour. Keep it in step
-- with ../sqlite/00006_saved_operations.sql.

-- +goose Up
CREATE TABLE saved_operations (
    id         BIGSERIAL PRIMARY KEY,
    owner      TEXT NOT NULL,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    variables  TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (owner, name)
);

-- +goose Down
DROP TABLE saved_operations;
