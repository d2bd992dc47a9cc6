// Package federation reads an Apollo Federation supergraph SDL into the tables the planner
// needs (which subgraph resolves which type, field and key) and derives the API schema that
// clients see.
package federation

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// Supergraph is one immutable supergraph version. It is built once by Parse and shared by
// every request that plans against it; nothing in it may be modified after Parse returns.
type Supergraph struct {
	// Schema is the whole supergraph, join machinery and @inaccessible elements included.
	Schema *ast.Schema
	// API is the client-facing schema: no join/link machinery, no @inaccessible elements.
	API *ast.Schema
	// Subgraphs are indexed by SubgraphID, in the order of the join__Graph enum.
	Subgraphs []*Subgraph
	// Types holds every named type of the supergraph by name.
	Types map[string]*Type
	// FedVersion is 1 for supergraphs composed by Federation 1 (join v0.1), else 2.
	FedVersion int
	// JoinDirectives are the @join__directive applications (connectors), in schema order.
	JoinDirectives []*JoinDirective
	// HasAuthorization is true when some type or field carries @authenticated,
	// @requiresScopes or @policy (see Type.Auth and Field.Auth).
	HasAuthorization bool
	// progressive lists the labelled (progressive) overrides, inactive in this model.
	progressive []progressiveOverride
}

// SubgraphID is a dense index into Supergraph.Subgraphs.
type SubgraphID = int

// Subgraph is one backend named by the join__Graph enum.
type Subgraph struct {
	ID   SubgraphID
	Name string // the name given in @join__graph(name:)
	Enum string // the join__Graph enum value, e.g. ACCOUNTS
	URL  string
}

// Type is a named type with where it lives.
type Type struct {
	Name string
	Kind ast.DefinitionKind
	Def  *ast.Definition
	// In lists the type's presence per subgraph, indexed by SubgraphID (nil: absent).
	In []*TypeIn
	// Fields by name (object, interface and input object types).
	Fields map[string]*Field
	// Owner is the Federation 1 owning subgraph (@join__owner), or -1.
	Owner SubgraphID
	// Auth is what the type's authorization directives ask of a request (nil: nothing).
	Auth *Requirements
}

// TypeIn is a type as one subgraph declares it.
type TypeIn struct {
	Sub             SubgraphID
	Keys            []*Key
	Extension       bool
	InterfaceObject bool
	// Implements lists the interfaces this subgraph says the type implements
	// (@join__implements). Members lists union members this subgraph knows.
	Implements []string
	Members    []string
	// Implicit is true when the subgraph was inferred (no @join__type on the type), as for
	// Federation 1 value types.
	Implicit bool
}

// Key is one @key of a type in one subgraph.
type Key struct {
	Raw        string
	Fields     ast.SelectionSet
	Resolvable bool
}

// Field is a field of an object, interface or input type.
type Field struct {
	Name   string
	Parent *Type
	Def    *ast.FieldDefinition
	// In lists the field's presence per subgraph, indexed by SubgraphID (nil: absent).
	In []*FieldIn
	// Auth is what the field's authorization directives ask of a request (nil: nothing).
	Auth *Requirements
}

// FieldIn is a field as one subgraph declares it.
type FieldIn struct {
	Sub            SubgraphID
	External       bool
	Requires       ast.SelectionSet
	RequiresRaw    string
	Provides       ast.SelectionSet
	ProvidesRaw    string
	Type           string // @join__field(type:) when given
	Override       string // the subgraph name this field was taken from
	OverrideLabel  string
	UsedOverridden bool
}

// Resolvable reports whether subgraph sub can resolve the field for a client (it declares it,
// not as @external, and it was not overridden away).
func (f *Field) Resolvable(sub SubgraphID) bool {
	if sub < 0 || sub >= len(f.In) {
		return false
	}
	in := f.In[sub]
	return in != nil && !in.External && !in.UsedOverridden
}

// ResolvableKeys returns the keys through which subgraph sub can resolve the type as an entity.
func (t *Type) ResolvableKeys(sub SubgraphID) []*Key {
	if sub < 0 || sub >= len(t.In) || t.In[sub] == nil {
		return nil
	}
	var keys []*Key
	for _, k := range t.In[sub].Keys {
		if k.Resolvable {
			keys = append(keys, k)
		}
	}
	return keys
}

// Field returns the named field of type typ, or nil.
func (s *Supergraph) Field(typ, name string) *Field {
	t := s.Types[typ]
	if t == nil {
		return nil
	}
	return t.Fields[name]
}

// SubgraphByName returns the subgraph with that name, or nil.
func (s *Supergraph) SubgraphByName(name string) *Subgraph {
	for _, sg := range s.Subgraphs {
		if sg.Name == name {
			return sg
		}
	}
	return nil
}

// PossibleTypes returns the object types that may stand for typ: itself if it is an object
// type, else its implementations or members in the whole supergraph.
func (s *Supergraph) PossibleTypes(typ string) []*ast.Definition {
	d := s.Schema.Types[typ]
	if d == nil {
		return nil
	}
	if d.Kind == ast.Object {
		return []*ast.Definition{d}
	}
	return s.Schema.GetPossibleTypes(d)
}

// HasMember reports whether object type obj is a possible type of the abstract type typ as
// subgraph sub sees it.
func (s *Supergraph) HasMember(sub SubgraphID, typ, obj string) bool {
	if typ == obj {
		return true
	}
	t := s.Types[typ]
	o := s.Types[obj]
	if t == nil || o == nil || sub >= len(t.In) || t.In[sub] == nil || sub >= len(o.In) || o.In[sub] == nil {
		return false
	}
	switch t.Kind {
	case ast.Union:
		for _, m := range t.In[sub].Members {
			if m == obj {
				return true
			}
		}
		return false
	case ast.Interface:
		if t.In[sub].InterfaceObject {
			return false
		}
		for _, i := range o.In[sub].Implements {
			if i == typ {
				return true
			}
		}
		return false
	}
	return false
}
