-- Feedback on the API from the developer portal, PostgreSQL flavour. Keep it in step with
-- ../sqlite/00004_feedback.sql.

-- +goose Up
CREATE TABLE feedback_threads (
    id          BIGSERIAL PRIMARY KEY,
    coordinate  TEXT NOT NULL,
    type_name   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('QUESTION', 'PROBLEM')),
    title       TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ANSWERED', 'CLOSED')),
    known_issue BOOLEAN NOT NULL DEFAULT FALSE,
    author      TEXT NOT NULL,
    author_name TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX feedback_threads_by_activity ON feedback_threads (updated_at, id);
CREATE INDEX feedback_threads_by_type ON feedback_threads (type_name, updated_at, id);
CREATE INDEX feedback_threads_by_author ON feedback_threads (author, created_at);

CREATE TABLE feedback_posts (
    id           BIGSERIAL PRIMARY KEY,
    thread_id    BIGINT NOT NULL REFERENCES feedback_threads (id) ON DELETE CASCADE,
    author       TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    body         TEXT NOT NULL,
    owner_answer BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX feedback_posts_by_thread ON feedback_posts (thread_id, id);
CREATE INDEX feedback_posts_by_author ON feedback_posts (author, created_at);

-- +goose Down
DROP TABLE feedback_posts;
DROP TABLE feedback_threads;
