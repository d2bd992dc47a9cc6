// Package connectors defines how the executor reaches a backend. Each kind of backend
// (GraphQL subgraphs over HTTP today; REST and gRPC later) implements Connector.
package connectors

import (
	"context"
	"errors"
	"net/http"
)

// Request is one subgraph operation to run.
type Request struct {
	// Query is the GraphQL operation text.
	Query string
	// QueryJSON is Query as a JSON string literal when the caller has it ready (optional).
	QueryJSON []byte
	// OperationName names the operation ("" when anonymous).
	OperationName string
	// Variables is a JSON object, or nil.
	Variables []byte
	// Header holds headers to forward to the backend (may be nil): what the gateway's
	// forwarding rules send (see Forwarder), which replaces any header of the same name a
	// connector would set itself. It is shared: do not modify it.
	Header http.Header
	// Reserved names (canonical) the headers only Header may carry, whether it holds them
	// or not: Authorization when the caller's token is forwarded, and the headers claims
	// fill. A connector that builds its own calls (REST, gRPC) drops any value its header
	// mappings give them, so a client can never forge them.
	Reserved []string
	// Mutation marks an operation with side effects: never shared or retried.
	Mutation bool
}

// Connector runs subgraph operations against one backend.
type Connector interface {
	// Fetch runs req and appends the GraphQL response body ({"data":…,"errors":…}) to dst,
	// returning the extended slice (the caller owns it and may reuse it). An error means no
	// usable response was received (unreachable, timeout, bad status, not JSON).
	Fetch(ctx context.Context, req *Request, dst []byte) ([]byte, error)
}

// HeaderReader is a connector whose backend calls carry client headers, read from the
// request's Scope. Calls of two requests may be shared only when those headers agree.
type HeaderReader interface {
	// ClientHeaders names the headers it forwards; all: it may read any of them.
	ClientHeaders() (names []string, all bool)
}

// ErrUnavailable wraps failures to reach a backend. Its text is safe to show to clients: it
// names no host, URL or internal detail.
var ErrUnavailable = errors.New("backend unavailable")
