// Package suites ports the federation-gateway-audit's subgraph resolvers to Go: one file per
// suite (named after the suite's folder in testdata/federation-audit), each registering the
// suite with subgraph.Register from an init function. The harness in package audit_test
// imports this package for those side effects.
package suites
