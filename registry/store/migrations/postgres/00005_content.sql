-- The developer portal's content, PostgreSQL flavour. Keep it in step with
-- ../sqlite/00005_content.sql, which describes the columns.

-- +goose Up
CREATE TABLE articles (
    id           BIGSERIAL PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('GUIDE', 'FAQ', 'ARTICLE', 'ANNOUNCEMENT')),
    title        TEXT NOT NULL,
    markdown     TEXT NOT NULL,
    search       TEXT NOT NULL,
    author       TEXT NOT NULL,
    published    BOOLEAN NOT NULL,
    published_at TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (published = (published_at IS NOT NULL))
);
CREATE INDEX articles_by_kind ON articles (kind, id);

CREATE TABLE incidents (
    id          BIGSERIAL PRIMARY KEY,
    title       TEXT NOT NULL,
    subgraphs   TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('MINOR', 'MAJOR')),
    status      TEXT NOT NULL CHECK (status IN ('INVESTIGATING', 'IDENTIFIED', 'RESOLVED')),
    markdown    TEXT NOT NULL,
    author      TEXT NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ,
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL))
);
CREATE INDEX incidents_by_resolution ON incidents (resolved_at);

-- +goose Down
DROP TABLE incidents;
DROP TABLE articles;
