package subgraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
)

// gqlError is one entry of a response's "errors".
type gqlError struct {
	Message string `json:"message"`
	Path    []any  `json:"path,omitempty"`
}

// object is a response object that keeps its keys in selection order.
type object struct {
	keys []string
	vals []any
}

func (o *object) set(k string, v any) {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

// MarshalJSON writes the object with its keys in selection order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[i])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// executor runs one operation. It is sequential, so mutation root fields run serially and
// resolvers never race each other within a request.
type executor struct {
	sg     *Subgraph
	sdl    string
	schema *ast.Schema
	doc    *ast.QueryDocument
	vars   map[string]any
	errs   []gqlError
}

func (e *executor) addError(msg string, path []any) {
	e.errs = append(e.errs, gqlError{Message: msg, Path: append([]any(nil), path...)})
}

// execute runs op and returns its data (nil when a non-null root field failed).
func (e *executor) execute(op *ast.OperationDefinition) any {
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = e.schema.Mutation
	case ast.Subscription:
		root = e.schema.Subscription
	default:
		root = e.schema.Query
	}
	if root == nil {
		e.addError(fmt.Sprintf("Schema is not configured to execute %s operation.", op.Operation), nil)
		return nil
	}
	out, ok := e.completeObject(root, []*ast.SelectionSet{&op.SelectionSet}, nil, nil)
	if !ok {
		return nil
	}
	return out
}

// collected is one response key with the fields merged under it.
type collected struct {
	key    string
	fields []*ast.Field
}

func (e *executor) collectFields(
	obj *ast.Definition, set ast.SelectionSet, out []collected, visited map[string]bool,
) []collected {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !e.included(s.Directives) {
				continue
			}
			key := s.Alias
			if key == "" {
				key = s.Name
			}
			found := false
			for i := range out {
				if out[i].key == key {
					out[i].fields = append(out[i].fields, s)
					found = true
					break
				}
			}
			if !found {
				out = append(out, collected{key: key, fields: []*ast.Field{s}})
			}
		case *ast.InlineFragment:
			if !e.included(s.Directives) || !e.applies(obj, s.TypeCondition) {
				continue
			}
			out = e.collectFields(obj, s.SelectionSet, out, visited)
		case *ast.FragmentSpread:
			if !e.included(s.Directives) || visited[s.Name] {
				continue
			}
			visited[s.Name] = true
			frag := e.doc.Fragments.ForName(s.Name)
			if frag == nil || !e.applies(obj, frag.TypeCondition) {
				continue
			}
			out = e.collectFields(obj, frag.SelectionSet, out, visited)
		}
	}
	return out
}

// included evaluates @skip and @include.
func (e *executor) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil {
		if v, _ := d.ArgumentMap(e.vars)["if"].(bool); v {
			return false
		}
	}
	if d := dirs.ForName("include"); d != nil {
		if v, _ := d.ArgumentMap(e.vars)["if"].(bool); !v {
			return false
		}
	}
	return true
}

// applies reports whether a fragment with the given type condition applies to obj.
func (e *executor) applies(obj *ast.Definition, cond string) bool {
	if cond == "" || cond == obj.Name {
		return true
	}
	def := e.schema.Types[cond]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, p := range e.schema.GetPossibleTypes(def) {
		if p.Name == obj.Name {
			return true
		}
	}
	return false
}

// completeObject resolves the merged selection sets on an object value. ok is false when a
// field error must null the nearest nullable ancestor.
func (e *executor) completeObject(
	obj *ast.Definition, sets []*ast.SelectionSet, parent map[string]any, path []any,
) (any, bool) {
	var fields []collected
	visited := map[string]bool{}
	for _, s := range sets {
		fields = e.collectFields(obj, *s, fields, visited)
	}
	out := &object{}
	for _, c := range fields {
		v, ok := e.executeField(obj, c, parent, append(path, c.key))
		if !ok {
			return nil, false
		}
		out.set(c.key, v)
	}
	return out, true
}

func (e *executor) executeField(obj *ast.Definition, c collected, parent map[string]any, path []any) (any, bool) {
	f := c.fields[0]
	if f.Name == "__typename" {
		return obj.Name, true
	}
	def := obj.Fields.ForName(f.Name)
	if def == nil {
		e.addError(fmt.Sprintf("Cannot query field %q on type %q.", f.Name, obj.Name), path)
		return nil, false
	}
	args, err := coerceArguments(e.schema, def.Arguments, f.Arguments, e.vars)
	if err != nil {
		e.addError(err.Error(), path)
		return nil, !def.Type.NonNull
	}
	var v any
	switch {
	case obj == e.schema.Query && f.Name == "_service":
		v = map[string]any{"sdl": e.sdl}
	case obj == e.schema.Query && f.Name == "_entities":
		v, err = e.entities(args)
	case obj == e.schema.Query && (f.Name == "__schema" || f.Name == "__type"):
		err = fmt.Errorf("introspection is not supported by the audit subgraphs")
	default:
		if r := e.sg.Resolvers[obj.Name][f.Name]; r != nil {
			v, err = safeCall(r, parent, args)
		} else if parent != nil {
			v = parent[f.Name]
		}
	}
	if err != nil {
		e.addError(err.Error(), path)
		return nil, !def.Type.NonNull
	}
	return e.complete(def.Type, obj.Name+"."+f.Name, c.fields, v, path)
}

// safeCall runs a resolver, turning a panic into a field error as a throw would be.
func safeCall(r Resolver, parent, args map[string]any) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return r(parent, args)
}

// complete serializes v as typ. ok is false when an error must propagate to the nearest
// nullable ancestor.
func (e *executor) complete(typ *ast.Type, field string, fields []*ast.Field, v any, path []any) (any, bool) {
	out, ok := e.completeNullable(typ, field, fields, v, path)
	if typ.NonNull {
		if ok && out == nil {
			e.addError("Cannot return null for non-nullable field "+field+".", path)
			return nil, false
		}
		return out, ok
	}
	if !ok {
		return nil, true
	}
	return out, true
}

func (e *executor) completeNullable(typ *ast.Type, field string, fields []*ast.Field, v any, path []any) (any, bool) {
	if isNil(v) {
		return nil, true
	}
	if typ.Elem != nil {
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			e.addError(fmt.Sprintf("Expected Iterable, but did not find one for field %q.", field), path)
			return nil, false
		}
		items := make([]any, rv.Len())
		for i := range items {
			item, ok := e.complete(typ.Elem, field, fields, rv.Index(i).Interface(), append(path, i))
			if !ok {
				return nil, false
			}
			items[i] = item
		}
		return items, true
	}
	def := e.schema.Types[typ.NamedType]
	switch def.Kind {
	case ast.Scalar:
		out, err := serializeScalar(def.Name, v)
		if err != nil {
			e.addError(err.Error(), path)
			return nil, false
		}
		return out, true
	case ast.Enum:
		s, isString := v.(string)
		if !isString || def.EnumValues.ForName(s) == nil {
			e.addError(fmt.Sprintf("Enum %q cannot represent value: %s", def.Name, inspect(v)), path)
			return nil, false
		}
		return s, true
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		e.addError(fmt.Sprintf("Expected value of type %q but got: %s.", def.Name, inspect(v)), path)
		return nil, false
	}
	obj := def
	if def.IsAbstractType() {
		name, _ := m["__typename"].(string)
		rt := e.schema.Types[name]
		if name == "" {
			e.addError(fmt.Sprintf(`Abstract type %q must resolve to an Object type at runtime for field %q. Either the %q type should provide a "resolveType" function or each possible type should provide an "isTypeOf" function.`, def.Name, field, def.Name), path)
			return nil, false
		}
		if rt == nil || rt.Kind != ast.Object || !e.applies(rt, def.Name) {
			e.addError(fmt.Sprintf("Abstract type %q must resolve to an Object type at runtime for field %q with value %s, received %q.", def.Name, field, inspect(v), name), path)
			return nil, false
		}
		obj = rt
	}
	sets := make([]*ast.SelectionSet, len(fields))
	for i, f := range fields {
		sets[i] = &f.SelectionSet
	}
	return e.completeObject(obj, sets, m, path)
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

func inspect(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// serializeScalar applies graphql-js's result coercion for the built-in scalars; custom
// scalars pass through.
func serializeScalar(name string, v any) (any, error) {
	switch name {
	case "Int":
		f, isNum := toFloat(v)
		if b, isBool := v.(bool); isBool {
			f, isNum = map[bool]float64{false: 0, true: 1}[b], true
		}
		if s, isStr := v.(string); isStr {
			if n, err := strconv.ParseFloat(s, 64); err == nil {
				f, isNum = n, true
			}
		}
		if !isNum || f != math.Trunc(f) {
			return nil, fmt.Errorf("Int cannot represent non-integer value: %s", inspect(v))
		}
		if f > math.MaxInt32 || f < math.MinInt32 {
			return nil, fmt.Errorf("Int cannot represent non 32-bit signed integer value: %s", inspect(v))
		}
		return int64(f), nil
	case "Float":
		if f, isNum := toFloat(v); isNum {
			return f, nil
		}
		if b, isBool := v.(bool); isBool {
			return map[bool]float64{false: 0, true: 1}[b], nil
		}
		if s, isStr := v.(string); isStr {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f, nil
			}
		}
		return nil, fmt.Errorf("Float cannot represent non numeric value: %s", inspect(v))
	case "String":
		switch x := v.(type) {
		case string:
			return x, nil
		case bool:
			return strconv.FormatBool(x), nil
		}
		if f, isNum := toFloat(v); isNum {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
		return nil, fmt.Errorf("String cannot represent value: %s", inspect(v))
	case "Boolean":
		if b, isBool := v.(bool); isBool {
			return b, nil
		}
		if f, isNum := toFloat(v); isNum {
			return f != 0, nil
		}
		return nil, fmt.Errorf("Boolean cannot represent a non boolean value: %s", inspect(v))
	case "ID":
		if s, isStr := v.(string); isStr {
			return s, nil
		}
		if f, isNum := toFloat(v); isNum && f == math.Trunc(f) {
			return strconv.FormatFloat(f, 'f', -1, 64), nil
		}
		return nil, fmt.Errorf("ID cannot represent value: %s", inspect(v))
	}
	return v, nil
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}
