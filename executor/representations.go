package executor

import (
	"unsafe"

	"github.com/valyala/fastjson"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/atrium-gateway/atrium/jsonenc"
	"github.com/atrium-gateway/atrium/planner"
)

// representations builds the `representations` list of one entity fetch: each distinct
// representation once, with the objects it answers for.
type representations struct {
	index   map[string]int
	byIndex [][]*fastjson.Value
	scratch []byte
}

// add appends obj's representation to buf (after a comma when needed) unless an equal one
// was already sent, and remembers obj as a position of it. Objects whose type the fetch does
// not take, or whose key is null or missing, are skipped.
func (r *representations) add(buf []byte, obj *fastjson.Value, types []*planner.InputType, isA func(typename, typ string) bool) []byte {
	typename := typenameOf(obj)
	var in *planner.InputType
	for _, t := range types {
		if isA(typename, t.TypeName) || typename == "" && len(types) == 1 {
			in = t
			break
		}
	}
	if in == nil {
		return buf
	}
	rep, ok := project(r.scratch[:0], obj, typename, in.Fields, in.TypeName, isA)
	r.scratch = rep
	if !ok {
		return buf
	}
	if r.index == nil {
		r.index = map[string]int{}
	}
	if i, seen := r.index[string(rep)]; seen {
		r.byIndex[i] = append(r.byIndex[i], obj)
		return buf
	}
	r.index[string(rep)] = len(r.byIndex)
	r.byIndex = append(r.byIndex, []*fastjson.Value{obj})
	if len(r.byIndex) > 1 {
		buf = append(buf, ',')
	}
	return append(buf, rep...)
}

// project writes the input fields of obj, whose __typename is actual, as a JSON object
// representing typename. It reports false when a key field is null or missing.
func project(buf []byte, obj *fastjson.Value, actual string, fields []*planner.InputField, typename string, isA func(string, string) bool) ([]byte, bool) {
	buf = append(buf, '{')
	buf, ok := projectFields(buf, obj, actual, fields, typename, true, isA)
	return append(buf, '}'), ok
}

func projectFields(buf []byte, obj *fastjson.Value, actual string, fields []*planner.InputField, typename string, first bool, isA func(string, string) bool) ([]byte, bool) {
	for _, f := range fields {
		if f.TypeCond != "" {
			if !isA(actual, f.TypeCond) {
				continue
			}
			var ok bool
			if buf, ok = projectFields(buf, obj, actual, f.Fields, typename, first, isA); !ok {
				return buf, false
			}
			first = first && len(f.Fields) == 0
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, f.NameJSON...)
		if f.Name == "__typename" {
			buf = jsonenc.AppendString(buf, typename)
			continue
		}
		v := obj.Get(f.Key)
		if v == nil || v.Type() == fastjson.TypeNull {
			if f.KeyField {
				return buf, false
			}
			buf = append(buf, "null"...)
			continue
		}
		var ok bool
		if buf, ok = projectValue(buf, v, f, isA); !ok {
			return buf, false
		}
	}
	return buf, true
}

func projectValue(buf []byte, v *fastjson.Value, f *planner.InputField, isA func(string, string) bool) ([]byte, bool) {
	if len(f.Fields) == 0 {
		return v.MarshalTo(buf), true
	}
	switch v.Type() {
	case fastjson.TypeArray:
		buf = append(buf, '[')
		for i, e := range v.GetArray() {
			if i > 0 {
				buf = append(buf, ',')
			}
			var ok bool
			if buf, ok = projectValue(buf, e, f, isA); !ok {
				return buf, false
			}
		}
		return append(buf, ']'), true
	case fastjson.TypeObject:
		buf = append(buf, '{')
		typename := typenameOf(v)
		buf, ok := projectFields(buf, v, typename, f.Fields, typename, true, isA)
		return append(buf, '}'), ok
	default:
		return append(buf, "null"...), !f.KeyField
	}
}

// paths finds the client paths of the objects that used representation idx, by walking the
// fetch's path again (done only when a subgraph reports errors).
func (r *representations) paths(root *fastjson.Value, paths [][]string, idx int) []ast.Path {
	if idx < 0 || idx >= len(r.byIndex) {
		return nil
	}
	var out []ast.Path
	for _, want := range r.byIndex[idx] {
		for _, path := range paths {
			if p := findPath(root, path, want, nil); p != nil {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

func findPath(v *fastjson.Value, path []string, want *fastjson.Value, at ast.Path) ast.Path {
	if v == nil {
		return nil
	}
	switch v.Type() {
	case fastjson.TypeArray:
		if len(path) > 0 && path[0] == "@" {
			path = path[1:]
		}
		for i, e := range v.GetArray() {
			if p := findPath(e, path, want, append(at[:len(at):len(at)], ast.PathIndex(i))); p != nil {
				return p
			}
		}
	case fastjson.TypeObject:
		if len(path) == 0 {
			if v == want {
				return append(ast.Path{}, at...)
			}
			return nil
		}
		if path[0] == "@" {
			return nil
		}
		return findPath(v.Get(path[0]), path[1:], want, append(at[:len(at):len(at)], ast.PathName(path[0])))
	}
	return nil
}

// typenameOf returns the object's __typename without copying it: the string points into
// the parsed response, which lives as long as the request.
func typenameOf(obj *fastjson.Value) string {
	b := obj.GetStringBytes("__typename")
	return unsafe.String(unsafe.SliceData(b), len(b))
}
