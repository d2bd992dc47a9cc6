package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// shaper compiles the client's selections into the shape the executor writes, using the API
// schema (what the client sees) for types and nullability. denied are the fields
// authorization removed from the operation (nil: none).
type shaper struct {
	api    *ast.Schema
	vars   map[string]any
	denied map[*ast.Field]bool
}

// shape compiles the selection sets at type typ.
func (s *shaper) shape(typ string, sets []ast.SelectionSet) (*Shape, error) {
	api := s.api
	def := api.Types[typ]
	if def == nil {
		return nil, errorf("unknown type %s", typ)
	}
	c := collector{schema: api, vars: s.vars}
	sh := &Shape{TypeName: typ}
	if def.Kind == ast.Object {
		fields, err := s.fields(&c, def, sets)
		if err != nil {
			return nil, err
		}
		sh.Fields = fields
		return sh, nil
	}
	sh.Abstract = true
	sh.ByType = map[string][]*ShapeField{}
	// Until a concrete type is known (an @interfaceObject answers with the interface's
	// name), the fields selected on the interface itself still apply.
	own, err := s.fields(&c, def, sets)
	if err != nil {
		return nil, err
	}
	sh.ByType[typ] = own
	for _, obj := range api.GetPossibleTypes(def) {
		fields, err := s.fields(&c, obj, sets)
		if err != nil {
			return nil, err
		}
		sh.ByType[obj.Name] = fields
	}
	return sh, nil
}

func (s *shaper) fields(c *collector, obj *ast.Definition, sets []ast.SelectionSet) ([]*ShapeField, error) {
	collected := c.collect(obj.Name, sets)
	out := make([]*ShapeField, 0, len(collected))
	for _, f := range collected {
		sf := &ShapeField{Key: f.key, Name: f.name, Parent: obj.Name, KeyJSON: memberName(f.key)}
		switch f.name {
		case "__typename":
			sf.Typename = true
			sf.Type = ast.NonNullNamedType("String", nil)
		case "__schema", "__type":
			sf.Introspection = f.all
			sf.Type = f.field.Definition.Type
		default:
			fd := obj.Fields.ForName(f.name)
			if fd == nil {
				return nil, errorf("cannot query field %q on type %q", f.name, obj.Name)
			}
			sf.Type = fd.Type
			if s.denied != nil && allDenied(f.all, s.denied) {
				sf.Denied = true
				break
			}
			named := s.api.Types[fd.Type.Name()]
			if named != nil && named.Kind == ast.Enum {
				sf.Enum = named
			}
			if len(f.sets) > 0 {
				sub, err := s.shape(fd.Type.Name(), f.sets)
				if err != nil {
					return nil, err
				}
				sf.Sub = sub
			}
		}
		out = append(out, sf)
	}
	return out, nil
}

// allDenied reports whether every selection merged under one response key was removed by
// authorization (one that was not is fetched, and fills the key).
func allDenied(all []*ast.Field, denied map[*ast.Field]bool) bool {
	for _, f := range all {
		if !denied[f] {
			return false
		}
	}
	return true
}

// memberName returns `"name":`. Names are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), which
// need no escaping.
func memberName(name string) string { return `"` + name + `":` }
