-- Feedback on the API from the developer portal, SQLite flavour: threads (a question or a
-- problem report on a type or a field) and their posts. Timestamps are Unix microseconds.

-- +goose Up
-- coordinate is `Type` or `Type.field`; type_name its type, so that a type's threads
-- include its fields'. author is the subject of the user who asked ('' for the admin
-- token), author_name what the portal shows (a name, never an email). updated_at is the
-- last activity (a reply, a status change): lists sort by it.
CREATE TABLE feedback_threads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    coordinate  TEXT NOT NULL,
    type_name   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('QUESTION', 'PROBLEM')),
    title       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ANSWERED', 'CLOSED')),
    known_issue INTEGER NOT NULL DEFAULT 0 CHECK (known_issue IN (0, 1)),
    author      TEXT NOT NULL,
    author_name TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_threads_by_activity ON feedback_threads (updated_at, id);
CREATE INDEX feedback_threads_by_type ON feedback_threads (type_name, updated_at, id);
CREATE INDEX feedback_threads_by_author ON feedback_threads (author, created_at);

-- The posts of a thread, oldest first: the first is the question or report itself.
-- owner_answer marks a reply by a subgraph owner (OWNER role).
CREATE TABLE feedback_posts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    thread_id    INTEGER NOT NULL REFERENCES feedback_threads (id) ON DELETE CASCADE,
    author       TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    body         TEXT NOT NULL,
    owner_answer INTEGER NOT NULL DEFAULT 0 CHECK (owner_answer IN (0, 1)),
    created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX feedback_posts_by_thread ON feedback_posts (thread_id, id);
CREATE INDEX feedback_posts_by_author ON feedback_posts (author, created_at);

-- +goose Down
DROP TABLE feedback_posts;
DROP TABLE feedback_threads;
