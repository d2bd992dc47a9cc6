-- Traffic per API client, SQLite flavour: requests, requests with errors and a latency
-- histogram per client and 5-minute bucket (Unix microseconds of its start), for the
-- portal's usage charts. The latency buckets' upper bounds are in store/traffic.go.

-- +goose Up
CREATE TABLE client_traffic (
    client_id TEXT NOT NULL,
    bucket    INTEGER NOT NULL,
    requests  INTEGER NOT NULL,
    errors    INTEGER NOT NULL,
    latency   TEXT NOT NULL,
    PRIMARY KEY (client_id, bucket)
) STRICT, WITHOUT ROWID;
CREATE INDEX client_traffic_by_bucket ON client_traffic (bucket);

-- +goose Down
DROP TABLE client_traffic;
