-- The token issuer's tables (auth/issuer), SQLite flavour: API clients, signing keys,
-- issued tokens and authorization requests in flight. Timestamps are Unix microseconds.

-- +goose Up
-- secret_hash is the SHA-256 of the client secret, hex; '' for a public client. Lists
-- (scopes, grant types, redirect URIs) are space-separated.
CREATE TABLE oauth_clients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    secret_hash   TEXT NOT NULL DEFAULT '',
    scopes        TEXT NOT NULL DEFAULT '',
    grant_types   TEXT NOT NULL,
    redirect_uris TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
) STRICT;

-- private_key is PKCS#8 DER. The newest key signs; older ones verify until retired.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    algorithm   TEXT NOT NULL,
    private_key BLOB NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX signing_keys_by_age ON signing_keys (created_at);

-- Issued tokens: access tokens by jti, refresh tokens by the SHA-256 of their value. A
-- family is one grant (a sign-in, a client credentials or token exchange call) and every
-- token refreshed from it: reusing a spent refresh token revokes the whole family.
CREATE TABLE oauth_tokens (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    family     TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    scopes     TEXT NOT NULL DEFAULT '',
    audience   TEXT NOT NULL DEFAULT '',
    claims     TEXT NOT NULL DEFAULT '{}',
    auth_time  INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE INDEX oauth_tokens_by_family ON oauth_tokens (family);
CREATE INDEX oauth_tokens_by_revocation ON oauth_tokens (revoked_at);
CREATE INDEX oauth_tokens_by_expiry ON oauth_tokens (expires_at);

-- Authorization requests between /oauth/authorize and the code's exchange. state is the
-- request as JSON; code_hash the SHA-256 of the code once issued; code_used is set when
-- the code is exchanged, so a replay is recognised (and the tokens it gave revoked).
CREATE TABLE oauth_auth_requests (
    id         TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    code_hash  TEXT UNIQUE,
    code_used  INTEGER NOT NULL DEFAULT 0 CHECK (code_used IN (0, 1)),
    expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX oauth_auth_requests_by_expiry ON oauth_auth_requests (expires_at);

-- +goose Down
DROP TABLE oauth_auth_requests;
DROP TABLE oauth_tokens;
DROP TABLE signing_keys;
DROP TABLE oauth_clients;
