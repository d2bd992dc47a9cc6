-- API clients registered by users through the registry API (the developer portal),
-- SQLite flavour: who registered each one, and the scopes it asked for beside those granted.

-- +goose Up
-- owner is the subject of the user who registered the client; '' for clients registered
-- with the admin token. scopes stays what the client is granted (what the issuer reads);
-- requested_scopes is what it asked for, space-separated: the difference waits for an
-- administrator. Existing clients were granted what they asked for.
ALTER TABLE oauth_clients ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_clients ADD COLUMN requested_scopes TEXT NOT NULL DEFAULT '';
UPDATE oauth_clients SET requested_scopes = scopes;
CREATE INDEX oauth_clients_by_owner ON oauth_clients (owner);

-- +goose Down
DROP INDEX oauth_clients_by_owner;
ALTER TABLE oauth_clients DROP COLUMN requested_scopes;
ALTER TABLE oauth_clients DROP COLUMN owner;
