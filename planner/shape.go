package planner

import (
	"github.com/vektah/gqlparser/v2/ast"
)

// buildShape compiles the client's selection at type typ into the shape the executor writes,
// using the API schema (what the client sees) for types and nullability.
func buildShape(api *ast.Schema, typ string, sets []ast.SelectionSet, vars map[string]any) (*Shape, error) {
	def := api.Types[typ]
	if def == nil {
		return nil, errorf("unknown type %s", typ)
	}
	c := collector{schema: api, vars: vars}
	sh := &Shape{TypeName: typ}
	if def.Kind == ast.Object {
		fields, err := shapeFields(api, &c, def, sets, vars)
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
	own, err := shapeFields(api, &c, def, sets, vars)
	if err != nil {
		return nil, err
	}
	sh.ByType[typ] = own
	for _, obj := range api.GetPossibleTypes(def) {
		fields, err := shapeFields(api, &c, obj, sets, vars)
		if err != nil {
			return nil, err
		}
		sh.ByType[obj.Name] = fields
	}
	return sh, nil
}

func shapeFields(api *ast.Schema, c *collector, obj *ast.Definition, sets []ast.SelectionSet, vars map[string]any) ([]*ShapeField, error) {
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
			named := api.Types[fd.Type.Name()]
			if named != nil && named.Kind == ast.Enum {
				sf.Enum = named
			}
			if len(f.sets) > 0 {
				sub, err := buildShape(api, fd.Type.Name(), f.sets, vars)
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

// memberName returns `"name":`. Names are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), which
// need no escaping.
func memberName(name string) string { return `"` + name + `":` }
