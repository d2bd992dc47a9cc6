-- The token issuer's tables (auth/issuer), PostgreSQL flavour. Keep them in step with
-- ../sqlite/00002_identity.sql.

-- +goose Up
CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    secret_hash   TEXT NOT NULL DEFAULT '',
    scopes        TEXT NOT NULL DEFAULT '',
    grant_types   TEXT NOT NULL,
    redirect_uris TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    algorithm   TEXT NOT NULL,
    private_key BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX signing_keys_by_age ON signing_keys (created_at);

CREATE TABLE oauth_tokens (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    family     TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scopes     TEXT NOT NULL DEFAULT '',
    audience   TEXT NOT NULL DEFAULT '',
    claims     TEXT NOT NULL DEFAULT '{}',
    auth_time  TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX oauth_tokens_by_family ON oauth_tokens (family);
CREATE INDEX oauth_tokens_by_revocation ON oauth_tokens (revoked_at);
CREATE INDEX oauth_tokens_by_expiry ON oauth_tokens (expires_at);

CREATE TABLE oauth_auth_requests (
    id         TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    code_hash  TEXT UNIQUE,
    code_used  BOOLEAN NOT NULL DEFAULT FALSE,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oauth_auth_requests_by_expiry ON oauth_auth_requests (expires_at);

-- +goose Down
DROP TABLE oauth_auth_requests;
DROP TABLE oauth_tokens;
DROP TABLE signing_keys;
DROP TABLE oauth_clients;
