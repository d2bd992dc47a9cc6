-- Traffic per API client, PostgreSQL flavour. Keep it in step with
-- ../sqlite/00007_client_traffic.sql.

-- +goose Up
CREATE TABLE client_traffic (
    client_id TEXT NOT NULL,
    bucket    TIMESTAMPTZ NOT NULL,
    requests  BIGINT NOT NULL,
    errors    BIGINT NOT NULL,
    latency   TEXT NOT NULL,
    PRIMARY KEY (client_id, bucket)
);
CREATE INDEX client_traffic_by_bucket ON client_traffic (bucket);

-- +goose Down
DROP TABLE client_traffic;
