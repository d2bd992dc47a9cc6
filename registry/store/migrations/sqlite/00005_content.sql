-- The developer portal's content, SQLite flavour: articles (guides, FAQ, articles and
-- announcements written in Markdown) and incidents shown on the status page.

-- +goose Up
-- kind is GUIDE, FAQ, ARTICLE or ANNOUNCEMENT; markdown is the source, rendered to HTML when
-- read. search is title and markdown in lower case (Go's Unicode folding, which SQLite's
-- LOWER lacks), for case-insensitive search. published_at is when it was last published,
-- NULL while it is a draft.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('GUIDE', 'FAQ', 'ARTICLE', 'ANNOUNCEMENT')),
    title        TEXT NOT NULL,
    markdown     TEXT NOT NULL,
    search       TEXT NOT NULL,
    author       TEXT NOT NULL,
    published    INTEGER NOT NULL CHECK (published IN (0, 1)),
    published_at INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    CHECK ((published = 1) = (published_at IS NOT NULL))
);
CREATE INDEX articles_by_kind ON articles (kind, id);

-- subgraphs is a space-separated list of subgraph names. resolved_at is set exactly when
-- status is RESOLVED.
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT NOT NULL,
    subgraphs   TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('MINOR', 'MAJOR')),
    status      TEXT NOT NULL CHECK (status IN ('INVESTIGATING', 'IDENTIFIED', 'RESOLVED')),
    markdown    TEXT NOT NULL,
    author      TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    updated_at  INTEGER NOT NULL,
    CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL))
);
CREATE INDEX incidents_by_resolution ON incidents (resolved_at);

-- +goose Down
DROP TABLE incidents;
DROP TABLE articles;
