package engine

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/jsonenc"
)

// collect lists the fields sel selects on an object of type typename, fragments applied
// and fields of one response key merged, in first-appearance order.
func (x *execution) collect(sel ast.SelectionSet, typename string) []*ast.Field {
	var out []*ast.Field
	byKey := map[string]int{}
	var walk func(ast.SelectionSet, int)
	walk = func(sel ast.SelectionSet, depth int) {
		if depth > 64 {
			return
		}
		for _, s := range sel {
			switch s := s.(type) {
			case *ast.Field:
				alias := s.Alias
				if alias == "" {
					alias = s.Name
				}
				if i, ok := byKey[alias]; ok {
					merged := *out[i]
					merged.SelectionSet = append(append(ast.SelectionSet{}, merged.SelectionSet...), s.SelectionSet...)
					out[i] = &merged
					continue
				}
				f := s
				if s.Alias == "" {
					c := *s
					c.Alias = alias
					f = &c
				}
				byKey[alias] = len(out)
				out = append(out, f)
			case *ast.InlineFragment:
				if x.applies(s.TypeCondition, typename) {
					walk(s.SelectionSet, depth+1)
				}
			case *ast.FragmentSpread:
				if fd := x.doc.Fragments.ForName(s.Name); fd != nil && x.applies(fd.TypeCondition, typename) {
					walk(fd.SelectionSet, depth+1)
				}
			}
		}
	}
	walk(sel, 0)
	return out
}

// applies reports whether a fragment on cond applies to an object of type typename.
func (x *execution) applies(cond, typename string) bool {
	if cond == "" || cond == typename {
		return true
	}
	def := x.s.sg.Schema.Types[cond]
	if def == nil || def.Kind == ast.Object {
		return false
	}
	for _, t := range x.s.sg.Schema.GetPossibleTypes(def) {
		if t.Name == typename {
			return true
		}
	}
	return false
}

// argument is one argument's value, variables substituted.
func (x *execution) argument(f *ast.Field, name string) any {
	a := f.Arguments.ForName(name)
	if a == nil || a.Value == nil {
		return nil
	}
	v, err := a.Value.Value(x.vars)
	if err != nil {
		return nil
	}
	return v
}

// arguments are the field's arguments as $args reads them: given values, else defaults.
func (x *execution) arguments(f *ast.Field, def *ast.FieldDefinition) map[string]any {
	args := map[string]any{}
	for _, a := range def.Arguments {
		if a.DefaultValue != nil {
			if v, err := a.DefaultValue.Value(nil); err == nil {
				args[a.Name] = v
			}
		}
	}
	for _, a := range f.Arguments {
		if a.Value == nil {
			continue
		}
		if a.Value.Kind == ast.Variable {
			if _, given := x.vars[a.Value.Raw]; !given {
				continue
			}
		}
		if v, err := a.Value.Value(x.vars); err == nil {
			args[a.Name] = v
		}
	}
	return args
}

// coerce applies GraphQL result coercion to a leaf value from a backend: an Int must be
// integral and fit 32 bits (never wrapped around), an enum value must be declared, an ID is
// a string or an integer; custom scalars pass through.
func coerce(def *ast.Definition, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if def.Kind == ast.Enum {
		if s, ok := v.(string); ok && def.EnumValues.ForName(s) != nil {
			return s, nil
		}
		return nil, invalid("Enum \"" + def.Name + "\" cannot represent the value")
	}
	switch def.Name {
	case "Int":
		f, ok := number(v)
		if !ok || f != math.Trunc(f) || f > math.MaxInt32 || f < math.MinInt32 {
			return nil, invalid("Int cannot represent the value")
		}
		return json.Number(strconv.FormatInt(int64(f), 10)), nil
	case "Float":
		f, ok := number(v)
		if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, invalid("Float cannot represent the value")
		}
		if n, isNum := v.(json.Number); isNum {
			return n, nil
		}
		return json.Number(strconv.FormatFloat(f, 'g', -1, 64)), nil
	case "String":
		if s, ok := scalarString(v); ok {
			return s, nil
		}
		return nil, invalid("String cannot represent a non-scalar value")
	case "Boolean":
		switch b := v.(type) {
		case bool:
			return b, nil
		}
		if f, ok := number(v); ok {
			return f != 0, nil
		}
		return nil, invalid("Boolean cannot represent the value")
	case "ID":
		switch id := v.(type) {
		case string:
			return id, nil
		case json.Number:
			if _, err := strconv.ParseInt(id.String(), 10, 64); err == nil {
				return id.String(), nil
			}
		}
		return nil, invalid("ID cannot represent the value")
	}
	return v, nil
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil && n != ""
	case bool:
		if n {
			return 1, true
		}
		return 0, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// write appends the response: data, then the errors with their paths.
func (x *execution) write(dst []byte, data *obj) []byte {
	dst = append(dst, `{"data":`...)
	dst = writeValue(dst, data)
	if len(x.errs) > 0 {
		dst = append(dst, `,"errors":[`...)
		for i, e := range x.errs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"message":`...)
			dst = writeValue(dst, e.message)
			if p := x.paths[i]; len(p) > 0 {
				dst = append(dst, `,"path":`...)
				dst = writeValue(dst, p)
			}
			if len(e.extensions) > 0 {
				dst = append(dst, `,"extensions":`...)
				dst = writeValue(dst, e.extensions)
			}
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func writeValue(dst []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...)
	case *obj:
		dst = append(dst, '{')
		for i, k := range v.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonenc.AppendString(dst, k)
			dst = append(dst, ':')
			dst = writeValue(dst, v.vals[i])
		}
		return append(dst, '}')
	case []any:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = writeValue(dst, e)
		}
		return append(dst, ']')
	case string:
		return jsonenc.AppendString(dst, v)
	case json.Number:
		return append(dst, v...)
	case bool:
		return strconv.AppendBool(dst, v)
	case int:
		return strconv.AppendInt(dst, int64(v), 10)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}
