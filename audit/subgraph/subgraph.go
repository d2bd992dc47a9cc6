// Package subgraph serves the federation-gateway-audit's subgraphs from Go: an SDL from the
// audit's subgraphs.json plus resolvers ported from its TypeScript, executed by a small
// GraphQL engine that behaves like @apollo/subgraph on graphql-js where the gateway can tell.
package subgraph

import (
	"fmt"
	"sort"
	"sync"
)

// Resolver resolves one field. parent is the parent object (nil for root fields); args are the
// coerced arguments (variables applied, defaults filled; Int as int, Float as float64, ID,
// String and enums as string).
type Resolver func(parent map[string]any, args map[string]any) (any, error)

// Subgraph is one audit subgraph. Its SDL comes from subgraphs.json (loaded by the harness).
//
// Object values are map[string]any; a "__typename" key names the concrete type (needed when
// the field's type is an interface or union). Lists are []any (any slice is accepted).
// Scalars: string, int, float64, bool, nil.
type Subgraph struct {
	Name string
	// Resolvers by type name, then field name. A field without a resolver reads parent[field].
	Resolvers map[string]map[string]Resolver
	// Entities resolves _entities representations by the representation's __typename
	// (Apollo's __resolveReference): rep holds __typename, the key fields and any @requires
	// fields. Return nil for "not found" (null entity). The returned object is then resolved
	// like any other. A type without an entry resolves to the representation itself, as
	// @apollo/subgraph does when a type has no __resolveReference. An error fails the whole
	// _entities field, like a synchronous throw in __resolveReference.
	Entities map[string]func(rep map[string]any) (any, error)
}

// Suite is one audit suite's subgraphs.
type Suite struct {
	Name      string
	Subgraphs []*Subgraph
}

// Subgraph returns the suite's subgraph with the given name, or nil.
func (s *Suite) Subgraph(name string) *Subgraph {
	for _, sg := range s.Subgraphs {
		if sg.Name == name {
			return sg
		}
	}
	return nil
}

var (
	mu       sync.Mutex
	registry = map[string]func() *Suite{}
)

// Register adds a suite (called from init functions in package audit/suites). Registering a
// name twice panics.
func Register(name string, build func() *Suite) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[name]; dup {
		panic(fmt.Sprintf("subgraph: suite %q registered twice", name))
	}
	registry[name] = build
}

// Lookup returns the build function of a registered suite.
func Lookup(name string) (func() *Suite, bool) {
	mu.Lock()
	defer mu.Unlock()
	b, ok := registry[name]
	return b, ok
}

// Names lists the registered suites, sorted.
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
