// Package store is the schema registry's storage: the subgraphs, every composed
// supergraph version, schema-check results and the operations clients send. It runs
// on SQLite embedded in the process (the default, pure Go) or on PostgreSQL, which
// several registry and gateway instances can share. Open migrates the schema
// (migrations/<dialect>, applied with goose).
//
// # Tables
//
//   - subgraphs: the current subgraph set, one row per subgraph (name, URL, SDL and its
//     hash, owner).
//   - versions: every composed supergraph, immutable once written, with the caller's
//     diff, publisher and message. version_subgraphs snapshots what composed each one:
//     every subgraph's name, URL and SDL hash.
//   - registry_head: one row naming the current version.
//   - checks: results of schema checks, per subgraph.
//   - operations (hash, name, document, first seen), operation_coordinates (which schema
//     coordinates each operation uses) and operation_usage (counts per operation, client
//     and hour, which reports add to): what clients really send, to tell whether a
//     schema change breaks any of them.
//   - feedback_threads and feedback_posts: the developer portal's questions and problem
//     reports on a type or field, and their replies (feedback.go).
//   - articles (the portal's guides, FAQ entries, articles and announcements, in Markdown,
//     with a lower-cased copy for search) and incidents (known problems with subgraphs,
//     open until resolved_at is set): the developer portal's content and status page.
//   - products (views of the graph filtered by @tag), plans (per-client limits of a
//     product), subscriptions (one per API client: its product, plan and status) and
//     products_changed (one row: when any of them last changed, which gateways poll, and
//     whose lock serializes their writes): API products (products.go).
//
// Timestamps are TIMESTAMPTZ on PostgreSQL and Unix microseconds on SQLite; the Go
// code runs the same SQL on both otherwise.
//
// # Concurrency
//
// A Store is safe for use by many goroutines, and several processes may share one
// database. Publish is optimistic: the caller reads the current version and the
// subgraphs, composes, and publishes with the version it read as the base. Publish
// applies the change and records the new version in one transaction only if the base is
// still current, which it checks on the registry_head row locked for the transaction
// (SELECT … FOR UPDATE on PostgreSQL; on SQLite every write transaction takes the
// database's write lock at BEGIN). Of two publishes on one base, one commits and the
// other gets ErrConflict having written nothing, and recomposes from what the winner
// wrote. A composition that failed is never published, so the current version is
// always one that composed.
//
// SQLite runs in WAL mode: one writer at a time (the Store keeps one write connection;
// other processes wait on busy_timeout) while readers read concurrently.
//
// Watch follows new versions: Publish wakes the watchers of its own Store at once,
// PostgreSQL's LISTEN/NOTIFY wakes those of other processes, and polling finds what
// both missed, including writes by another process to the same SQLite file.
package store
