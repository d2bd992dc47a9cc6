-- API clients registered by users through the registry API, PostgreSQL flavour. Keep it
-- in step with ../sqlite/00003_portal_clients.sql.

-- +goose Up
ALTER TABLE oauth_clients ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_clients ADD COLUMN requested_scopes TEXT NOT NULL DEFAULT '';
UPDATE oauth_clients SET requested_scopes = scopes;
CREATE INDEX oauth_clients_by_owner ON oauth_clients (owner);

-- +goose Down
DROP INDEX oauth_clients_by_owner;
ALTER TABLE oauth_clients DROP COLUMN requested_scopes;
ALTER TABLE oauth_clients DROP COLUMN owner;
