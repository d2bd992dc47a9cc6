package subgraph

import (
	"fmt"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
)

// coerceArguments evaluates a field's arguments (literals and variables), fills defaults,
// including those of input object fields, and normalizes scalars: Int as int, Float as
// float64, ID, String and enum values as string.
func coerceArguments(
	schema *ast.Schema, defs ast.ArgumentDefinitionList, args ast.ArgumentList, vars map[string]any,
) (map[string]any, error) {
	out := map[string]any{}
	for _, d := range defs {
		var (
			val any
			has bool
		)
		if a := args.ForName(d.Name); a != nil {
			if a.Value.Kind == ast.Variable {
				val, has = vars[a.Value.Raw]
			} else {
				v, err := a.Value.Value(vars)
				if err != nil {
					return nil, err
				}
				val, has = v, true
			}
		}
		if !has && d.DefaultValue != nil {
			v, err := d.DefaultValue.Value(nil)
			if err != nil {
				return nil, err
			}
			val, has = v, true
		}
		if !has {
			continue
		}
		c, err := coerceInput(schema, d.Type, val)
		if err != nil {
			return nil, fmt.Errorf("argument %q: %w", d.Name, err)
		}
		out[d.Name] = c
	}
	return out, nil
}

func coerceInput(schema *ast.Schema, typ *ast.Type, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if typ.Elem != nil {
		list, isList := v.([]any)
		if !isList {
			item, err := coerceInput(schema, typ.Elem, v)
			return []any{item}, err
		}
		out := make([]any, len(list))
		for i, item := range list {
			c, err := coerceInput(schema, typ.Elem, item)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	}
	def := schema.Types[typ.NamedType]
	if def == nil {
		return v, nil
	}
	switch def.Kind {
	case ast.InputObject:
		m, isMap := v.(map[string]any)
		if !isMap {
			return nil, fmt.Errorf("expected an object for %s", def.Name)
		}
		out := map[string]any{}
		for _, f := range def.Fields {
			fv, has := m[f.Name]
			if !has && f.DefaultValue != nil {
				dv, err := f.DefaultValue.Value(nil)
				if err != nil {
					return nil, err
				}
				fv, has = dv, true
			}
			if !has {
				continue
			}
			c, err := coerceInput(schema, f.Type, fv)
			if err != nil {
				return nil, err
			}
			out[f.Name] = c
		}
		return out, nil
	case ast.Scalar:
		switch def.Name {
		case "Int":
			if f, isNum := toFloat(v); isNum {
				return int(f), nil
			}
		case "Float":
			if f, isNum := toFloat(v); isNum {
				return f, nil
			}
		case "ID":
			if f, isNum := toFloat(v); isNum {
				return strconv.FormatFloat(f, 'f', -1, 64), nil
			}
		}
	}
	return v, nil
}
