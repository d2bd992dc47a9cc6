package connectors

import (
	"context"
	"net/http"
	"sync"
)

// Scope is what the connector calls of one client request share: the client's headers,
// which only explicit forwarding rules read, and request-scoped state such as dataloaders.
// It lives as long as the request and is never shared between requests, so a loader
// cannot batch one client's keys under another client's identity.
type Scope struct {
	// Header is the client's request headers (nil when there is no HTTP request).
	Header http.Header
	mu     sync.Mutex
	values map[any]any
}

type scopeKey struct{}

// WithScope returns ctx carrying a new Scope for one client request.
func WithScope(ctx context.Context, header http.Header) context.Context {
	return context.WithValue(ctx, scopeKey{}, &Scope{Header: header})
}

// ScopeOf returns the request's Scope. A context without one (a connector called outside a
// gateway request) gets a fresh Scope, so callers need no nil checks.
func ScopeOf(ctx context.Context) *Scope {
	if s, ok := ctx.Value(scopeKey{}).(*Scope); ok {
		return s
	}
	return &Scope{}
}

// Value returns the request's value under key, made by create the first time it is asked
// for. create runs under the scope's lock: keep it cheap.
func (s *Scope) Value(key any, create func() any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.values[key]; ok {
		return v
	}
	if s.values == nil {
		s.values = map[any]any{}
	}
	v := create()
	s.values[key] = v
	return v
}
