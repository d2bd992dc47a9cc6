package introspect

import (
	"errors"
	"fmt"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
)

// Field appends to buf the JSON value of one root introspection field, `__schema` or
// `__type(name:)`, and returns the extended buffer. field must have been validated by
// gqlparser against schema; vars holds the request's variable values (coerced or as
// decoded from JSON: bool and string are the only types introspection arguments take).
//
// The caller owns buf and field's response key: Field writes only the value, and does
// not look at field's own @skip/@include, which belong to the caller's field collection.
// Field reads schema and field and never modifies them, so both may be shared between
// concurrent requests. On error the content appended to buf is unspecified.
func Field(buf []byte, schema *ast.Schema, field *ast.Field, vars map[string]any) ([]byte, error) {
	e := getExec(schema, vars)
	defer putExec(e)
	e.fields = append(e.fields, field)
	return e.root(buf)
}

// FieldGroup is Field for root fields that share one response key, which GraphQL
// executes as a single field whose selection sets are merged: in
// `{ __schema { queryType { name } } __schema { types { name } } }` both fields
// together produce one `__schema` value. fields must all have the same name and
// arguments, which validation guarantees for fields sharing a response key.
func FieldGroup(buf []byte, schema *ast.Schema, fields []*ast.Field, vars map[string]any) ([]byte, error) {
	if len(fields) == 0 {
		return buf, errors.New("introspect: FieldGroup called with no fields")
	}
	e := getExec(schema, vars)
	defer putExec(e)
	e.fields = append(e.fields, fields...)
	return e.root(buf)
}

// exec is the state of one Field call. fields is a stack of collected fields: each
// object's selection is collected once, merged by response key, onto the top of the
// stack, used for every object of a list, and popped when done.
type exec struct {
	schema  *ast.Schema
	vars    map[string]any
	fields  []*ast.Field
	visited []string // fragments spread by the current collect call
	defs    []*ast.Definition
	dirs    []*ast.DirectiveDefinition

	scalarsDone bool
	scalarsUsed uint8 // bit i set: specifiedScalars[i] is referenced somewhere
}

var execPool = sync.Pool{New: func() any { return new(exec) }}

func getExec(schema *ast.Schema, vars map[string]any) *exec {
	e := execPool.Get().(*exec)
	e.schema, e.vars = schema, vars
	return e
}

func putExec(e *exec) {
	// Keep the buffers, drop what they point to: the request's AST and the schema.
	clear(e.fields[:cap(e.fields)])
	clear(e.defs[:cap(e.defs)])
	clear(e.dirs[:cap(e.dirs)])
	clear(e.visited[:cap(e.visited)])
	*e = exec{fields: e.fields[:0], visited: e.visited[:0], defs: e.defs[:0], dirs: e.dirs[:0]}
	execPool.Put(e)
}

// root resolves the root field group held in e.fields.
func (e *exec) root(buf []byte) ([]byte, error) {
	f := e.fields[0]
	end := len(e.fields)
	switch f.Name {
	case "__schema":
		return e.object(buf, object{kind: kindSchema}, 0, end)
	case "__type":
		name, err := e.stringArg(f, "name")
		if err != nil {
			return buf, err
		}
		def := e.schema.Types[name]
		if def == nil || e.hidden(def) {
			return append(buf, "null"...), nil
		}
		return e.object(buf, object{kind: kindType, def: def}, 0, end)
	}
	return buf, fmt.Errorf("introspect: %s is not an introspection root field (want __schema or __type)%s", f.Name, at(f.Position))
}

// object appends the JSON object for o, selected by the merged selection sets of
// e.fields[from:to].
func (e *exec) object(buf []byte, o object, from, to int) ([]byte, error) {
	start, err := e.collect(o.kind.typename(), from, to)
	if err != nil {
		return buf, err
	}
	buf, err = e.write(buf, o, start, len(e.fields))
	e.fields = e.fields[:start]
	return buf, err
}

// list appends a JSON array of n objects of kind k, the i-th given by item(i), all
// selected by the merged selection sets of e.fields[from:to]. item returns false for
// elements to leave out.
func (e *exec) list(buf []byte, k kind, from, to, n int, item func(i int) (object, bool)) ([]byte, error) {
	start, err := e.collect(k.typename(), from, to)
	if err != nil {
		return buf, err
	}
	end := len(e.fields)
	buf = append(buf, '[')
	first := true
	for i := range n {
		o, ok := item(i)
		if !ok {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		if buf, err = e.write(buf, o, start, end); err != nil {
			return buf, err
		}
	}
	e.fields = e.fields[:start]
	return append(buf, ']'), nil
}

// write appends the JSON object for o, selected by the collected fields
// e.fields[start:end], in which fields sharing a response key are adjacent.
func (e *exec) write(buf []byte, o object, start, end int) ([]byte, error) {
	buf = append(buf, '{')
	for i := start; i < end; {
		key := responseKey(e.fields[i])
		j := i + 1
		for j < end && responseKey(e.fields[j]) == key {
			j++
		}
		if i > start {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, key...)
		buf = append(buf, '"', ':')
		var err error
		if buf, err = e.resolve(buf, o, i, j); err != nil {
			return buf, err
		}
		i = j
	}
	return append(buf, '}'), nil
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// collect appends to e.fields the fields that the selection sets of e.fields[from:to]
// select on an object of type typename, after @skip/@include and fragment type
// conditions, grouped by response key in order of first appearance (graphql-js's
// collectSubfields), and returns where they start.
func (e *exec) collect(typename string, from, to int) (int, error) {
	start := len(e.fields)
	e.visited = e.visited[:0]
	for i := from; i < to; i++ {
		if err := e.collectSet(typename, e.fields[i].SelectionSet); err != nil {
			return start, err
		}
	}
	// Make fields sharing a response key adjacent, keeping first-appearance order.
	seg := e.fields[start:]
	for i := 0; i < len(seg); {
		key := responseKey(seg[i])
		next := i + 1
		for m := next; m < len(seg); m++ {
			if responseKey(seg[m]) == key {
				f := seg[m]
				copy(seg[next+1:m+1], seg[next:m])
				seg[next] = f
				next++
			}
		}
		i = next
	}
	return start, nil
}

func (e *exec) collectSet(typename string, set ast.SelectionSet) error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			ok, err := e.include(s.Directives)
			if err != nil {
				return err
			}
			if ok {
				e.fields = append(e.fields, s)
			}
		case *ast.InlineFragment:
			ok, err := e.include(s.Directives)
			if err != nil {
				return err
			}
			if !ok || (s.TypeCondition != "" && !e.applies(s.TypeCondition, typename)) {
				continue
			}
			if err := e.collectSet(typename, s.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if e.spread(s.Name) {
				continue
			}
			ok, err := e.include(s.Directives)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			e.visited = append(e.visited, s.Name)
			def := s.Definition
			if def == nil {
				return fmt.Errorf("introspect: fragment %s is not defined%s", s.Name, at(s.Position))
			}
			if !e.applies(def.TypeCondition, typename) {
				continue
			}
			if err := e.collectSet(typename, def.SelectionSet); err != nil {
				return err
			}
		}
	}
	return nil
}

// spread reports whether the current collect call has already spread fragment name.
func (e *exec) spread(name string) bool {
	for _, v := range e.visited {
		if v == name {
			return true
		}
	}
	return false
}

// applies reports whether a fragment on type condition applies to an object of type
// typename: the same type, or an interface or union it belongs to.
func (e *exec) applies(condition, typename string) bool {
	if condition == typename {
		return true
	}
	def := e.schema.Types[condition]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, pt := range e.schema.GetPossibleTypes(def) {
		if pt != nil && pt.Name == typename {
			return true
		}
	}
	return false
}

// include evaluates @skip and @include as graphql-js's shouldIncludeNode does.
func (e *exec) include(dirs ast.DirectiveList) (bool, error) {
	for _, d := range dirs {
		if d.Name != "skip" && d.Name != "include" {
			continue
		}
		v, set, err := e.boolValue(d.Arguments.ForName("if"), "if")
		if err != nil {
			return false, err
		}
		if !set {
			return false, fmt.Errorf("introspect: argument \"if\" of @%s must be a Boolean, not null%s", d.Name, at(d.Position))
		}
		if v == (d.Name == "skip") {
			return false, nil
		}
	}
	return true, nil
}

// boolArg returns the Boolean argument name of f, false when absent or null: the
// default of every Boolean argument of the introspection fields.
func (e *exec) boolArg(f *ast.Field, name string) (bool, error) {
	v, _, err := e.boolValue(f.Arguments.ForName(name), name)
	return v, err
}

// boolValue returns the value of a Boolean argument, and whether it was given and
// not null.
func (e *exec) boolValue(a *ast.Argument, name string) (v, set bool, err error) {
	val, pos, ok := e.argValue(a)
	if !ok {
		return false, false, nil
	}
	if val != nil && val.Kind == ast.BooleanValue {
		return val.Raw == "true", true, nil
	}
	if val != nil {
		return false, false, fmt.Errorf("introspect: argument %q must be a Boolean%s", name, at(pos))
	}
	raw := e.vars[a.Value.Raw]
	if b, isBool := raw.(bool); isBool {
		return b, true, nil
	}
	return false, false, fmt.Errorf("introspect: variable $%s must be a Boolean, got %T%s", a.Value.Raw, raw, at(pos))
}

// stringArg returns the non-null String argument name of f.
func (e *exec) stringArg(f *ast.Field, name string) (string, error) {
	a := f.Arguments.ForName(name)
	val, pos, ok := e.argValue(a)
	if !ok {
		return "", fmt.Errorf("introspect: argument %q of %s is required%s", name, f.Name, at(f.Position))
	}
	if val != nil && (val.Kind == ast.StringValue || val.Kind == ast.BlockValue) {
		return val.Raw, nil
	}
	if val != nil {
		return "", fmt.Errorf("introspect: argument %q of %s must be a String%s", name, f.Name, at(pos))
	}
	if s, ok := e.vars[a.Value.Raw].(string); ok {
		return s, nil
	}
	return "", fmt.Errorf("introspect: variable $%s must be a String, got %T%s", a.Value.Raw, e.vars[a.Value.Raw], at(pos))
}

// argValue resolves an argument: ok is false when it is absent, null, or a variable
// with neither a value nor a default. Otherwise val is the literal to use (the
// argument's own or its variable's default), or nil to read e.vars[a.Value.Raw].
func (e *exec) argValue(a *ast.Argument) (val *ast.Value, pos *ast.Position, ok bool) {
	if a == nil || a.Value == nil {
		return nil, nil, false
	}
	v := a.Value
	if v.Kind == ast.Variable {
		if x, found := e.vars[v.Raw]; found {
			return nil, v.Position, x != nil
		}
		if v.VariableDefinition == nil || v.VariableDefinition.DefaultValue == nil {
			return nil, v.Position, false
		}
		v = v.VariableDefinition.DefaultValue
	}
	if v.Kind == ast.NullValue {
		return nil, v.Position, false
	}
	return v, v.Position, true
}

// at formats a query position for an error message.
func at(pos *ast.Position) string {
	if pos == nil {
		return ""
	}
	return fmt.Sprintf(" (at %d:%d)", pos.Line, pos.Column)
}
