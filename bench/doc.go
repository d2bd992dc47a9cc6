// Package bench holds Atrium's benchmark of the public GraphQL gateways benchmark workload
// (graphql-hive/graphql-gateways-benchmark): its subgraphs (bench/subgraphs), the floor a
// gateway can approach (bench/floor), and workload_test.go, which checks Atrium and the floor
// against the expected answer and benchmarks both in-process.
package bench
