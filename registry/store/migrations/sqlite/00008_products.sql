-- API products, their plans and the subscriptions of API clients to them, SQLite flavour.
-- A product is a view of the graph filtered by @tag (a contract); a plan is its rate limit
-- and daily quota; a subscription puts one API client on one plan. Timestamps are Unix
-- microseconds.

-- +goose Up
-- include_tags and exclude_tags are space-separated @tag names, sorted; an empty
-- include_tags keeps everything not excluded. Unpublished products are seen by owners only.
CREATE TABLE products (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    include_tags TEXT NOT NULL DEFAULT '',
    exclude_tags TEXT NOT NULL DEFAULT '',
    published    INTEGER NOT NULL CHECK (published IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- Limits of 0 are unlimited. UNIQUE (id, product_id) lets subscriptions check that their
-- plan is one of their product's.
CREATE TABLE plans (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id          INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    requests_per_minute INTEGER NOT NULL CHECK (requests_per_minute >= 0),
    requests_per_day    INTEGER NOT NULL CHECK (requests_per_day >= 0),
    auto_approve        INTEGER NOT NULL CHECK (auto_approve IN (0, 1)),
    UNIQUE (product_id, name),
    UNIQUE (id, product_id)
) STRICT;

-- One subscription per API client, whatever its status: subscribing again replaces it.
-- requested_by is the subject of who subscribed ('' for the admin token). The store
-- refuses to delete a product or plan with PENDING or ACTIVE subscriptions; the others go
-- with it, and with their client.
CREATE TABLE subscriptions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id    TEXT NOT NULL UNIQUE REFERENCES oauth_clients (id) ON DELETE CASCADE,
    product_id   INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    plan_id      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'REJECTED', 'CANCELLED')),
    requested_by TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    FOREIGN KEY (plan_id, product_id) REFERENCES plans (id, product_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX subscriptions_by_product ON subscriptions (product_id, status);
CREATE INDEX subscriptions_by_plan ON subscriptions (plan_id, status);
CREATE INDEX subscriptions_by_status ON subscriptions (status);

-- One row: when products, plans or subscriptions last changed (NULL: never), strictly
-- increasing, so that gateways poll one row. Every write to the three tables updates it
-- in its transaction, and locks it first, which also serializes those writes.
CREATE TABLE products_changed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER
) STRICT;
INSERT INTO products_changed (id, at) VALUES (1, NULL);

-- +goose Down
DROP TABLE products_changed;
DROP TABLE subscriptions;
DROP TABLE plans;
DROP TABLE products;
