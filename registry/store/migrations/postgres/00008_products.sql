-- API products, plans and subscriptions, PostgreSQL flavour. Keep it in step with
-- ../sqlite/00008_products.sql, which describes the columns.

-- +goose Up
CREATE TABLE products (
    id           BIGSERIAL PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    include_tags TEXT NOT NULL DEFAULT '',
    exclude_tags TEXT NOT NULL DEFAULT '',
    published    BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE plans (
    id                  BIGSERIAL PRIMARY KEY,
    product_id          BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    requests_per_minute INTEGER NOT NULL CHECK (requests_per_minute >= 0),
    requests_per_day    INTEGER NOT NULL CHECK (requests_per_day >= 0),
    auto_approve        BOOLEAN NOT NULL,
    UNIQUE (product_id, name),
    UNIQUE (id, product_id)
);

CREATE TABLE subscriptions (
    id           BIGSERIAL PRIMARY KEY,
    client_id    TEXT NOT NULL UNIQUE REFERENCES oauth_clients (id) ON DELETE CASCADE,
    product_id   BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    plan_id      BIGINT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'REJECTED', 'CANCELLED')),
    requested_by TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (plan_id, product_id) REFERENCES plans (id, product_id) ON DELETE CASCADE
);
CREATE INDEX subscriptions_by_product ON subscriptions (product_id, status);
CREATE INDEX subscriptions_by_plan ON subscriptions (plan_id, status);
CREATE INDEX subscriptions_by_status ON subscriptions (status);

CREATE TABLE products_changed (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TIMESTAMPTZ
);
INSERT INTO products_changed (id, at) VALUES (1, NULL);

-- +goose Down
DROP TABLE products_changed;
DROP TABLE subscriptions;
DROP TABLE plans;
DROP TABLE products;
