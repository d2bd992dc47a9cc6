// Package planner turns a client operation and a supergraph into a query plan: which
// subgraph operations to send, in which order, and where their answers go. It does no I/O.
package planner

import (
	"sync/atomic"

	"github.com/vektah/gqlparser/v2/ast"
)

// Plan is everything the executor needs to answer one operation: the fetch tree and the shape
// of the client response. A Plan is immutable and shared by all requests that hit the cache.
type Plan struct {
	Kind  ast.Operation
	Root  Node // nil when no subgraph is called (only __typename or introspection)
	Shape *Shape
	// Fetches counts the Fetch nodes of Root.
	Fetches int
	// sizeHint remembers the size of the last response, so the next one is written into a
	// buffer of the right size at once.
	sizeHint atomic.Int64
}

// SizeHint returns the size of the last response written for this plan (0 at first).
func (p *Plan) SizeHint() int { return int(p.sizeHint.Load()) }

// SetSizeHint records the size of a response written for this plan.
func (p *Plan) SetSizeHint(n int) { p.sizeHint.Store(int64(n)) }

// Node is a plan node: *Sequence, *Parallel, *Flatten or *Fetch.
type Node interface{ isNode() }

// Sequence runs its nodes one after the other.
type Sequence struct{ Nodes []Node }

// Parallel runs its nodes concurrently.
type Parallel struct{ Nodes []Node }

// Flatten runs its node against every object found at Path in the response so far; "@"
// stands for every element of a list. A fetch merged from identical fetches at several places
// also reads the objects at More (one request for all of them).
type Flatten struct {
	Path []string
	More [][]string
	Node Node
	// Walks tell the executor, for Path and each of More in turn, where to start looking for
	// objects: from the objects a parent fetch found at a prefix of the path, when it has.
	Walks []Walk
}

// Walk is how to find the objects at one path of a Flatten.
type Walk struct {
	// Key names the path (its elements joined by dots).
	Key string
	// Anchor is the Key of a parent fetch's path that prefixes this one ("" = from the
	// root), and From the number of path elements it covers.
	Anchor string
	From   int
}

// Paths returns Path and More.
func (f *Flatten) Paths() [][]string { return append([][]string{f.Path}, f.More...) }

// Fetch is one subgraph operation.
type Fetch struct {
	ID          int
	Subgraph    int
	ServiceName string
	Kind        ast.Operation
	// Operation is the printed subgraph operation, ready to send.
	Operation string
	// OperationJSON is Operation as a JSON string literal, quoted once at planning time.
	OperationJSON []byte
	// OperationName is the name given to the subgraph operation ("" when anonymous).
	OperationName string
	// Variables are the client variables the operation uses, in order.
	Variables []string
	// Requires selects, per entity type, the fields that make up a representation. Empty for
	// root fetches.
	Requires []*InputType
	// Renames undo internal aliases in the answer (fields sharing a response key with
	// different types in one operation), outermost first.
	Renames []Rename
}

// Rename turns key From back into To in the objects of type TypeCond ("" = all) found at
// Path (response keys, lists crossed transparently) in a fetch's answer (in each entity, for
// entity fetches).
type Rename struct {
	Path     []string
	TypeCond string
	From, To string
}

// InputType is the part of a representation for one entity type: `... on T { __typename key }`.
type InputType struct {
	TypeName string
	Fields   []*InputField
}

// InputField is one field copied from the response into a representation.
type InputField struct {
	Name string // name in the representation
	Key  string // response key to read it from
	// NameJSON is Name as a JSON object member name with its colon, written as is.
	NameJSON string
	Fields   []*InputField
	// TypeCond restricts the nested fields to objects of that type (an inline fragment in a
	// required field set); "" means every object.
	TypeCond string
	// KeyField marks a field of the entity's key: an object whose key field is null or
	// missing cannot be represented and is skipped.
	KeyField bool
}

func (*Sequence) isNode() {}
func (*Parallel) isNode() {}
func (*Flatten) isNode()  {}
func (*Fetch) isNode()    {}

// Shape is the client's selection set at one position, by runtime type: what the executor
// writes to the response and in which order.
type Shape struct {
	// Fields is used when the position has one possible type (object types).
	Fields []*ShapeField
	// ByType holds the fields per possible object type for abstract positions.
	ByType map[string][]*ShapeField
	// Abstract is true for interface and union positions (read __typename).
	Abstract bool
	// TypeName is the static type at this position.
	TypeName string
}

// ShapeField is one response key.
type ShapeField struct {
	Key  string
	Name string
	// KeyJSON is Key as a JSON object member name with its colon (`"key":`), written as is.
	KeyJSON string
	// Type is the field's type in the API schema (nullability and list wrapping).
	Type *ast.Type
	// Parent is the object type that declares the field (for error messages).
	Parent string
	// Typename is set for __typename.
	Typename bool
	// Enum is the API enum definition for enum-typed leaves (values are checked against it).
	Enum *ast.Definition
	// Sub is the child shape for composite fields.
	Sub *Shape
	// Introspection holds the client's __schema or __type selections under this key (merged),
	// answered by the gateway.
	Introspection []*ast.Field
	// Denied is set for a field authorization removed from the operation: it is written as
	// null (and a null in a non-null position propagates), without an error of its own.
	Denied bool
}

// FieldsFor returns the fields to write for an object of runtime type typename.
func (s *Shape) FieldsFor(typename string) []*ShapeField {
	if !s.Abstract {
		return s.Fields
	}
	return s.ByType[typename]
}
