package executor

import (
	"unsafe"

	"github.com/valyala/fastjson"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/atrium-gateway/atrium/executor/introspect"
	"github.com/atrium-gateway/atrium/jsonenc"
	"github.com/atrium-gateway/atrium/planner"
)

// writer writes the client's response from the merged tree, field by field in the order of
// the client's selection. A null in a non-null position makes the writer drop what it wrote
// for the nearest nullable ancestor and write null there instead (GraphQL null propagation).
type writer struct {
	buf  []byte
	api  *ast.Schema
	vars map[string]any
	errs gqlerror.List
	// quiet suppresses "cannot return null" errors when backends already reported errors
	// that explain the nulls.
	quiet bool
	// path is where the writer is, for error paths; plain values, so that it costs no
	// allocation per field (an ast.PathElement is an interface).
	path []pathStep
	// supergraph is the whole schema, to tell @inaccessible enum values from unknown ones.
	supergraph *ast.Schema
}

// hidden reports whether value is a value of enum that the API schema hides.
func (w *writer) hidden(enum, value string) bool {
	def := w.supergraph.Types[enum]
	return def != nil && def.EnumValues.ForName(value) != nil
}

func (w *writer) object(sh *planner.Shape, obj *fastjson.Value) bool {
	typename := sh.TypeName
	if sh.Abstract {
		typename = typenameOf(obj)
	}
	fields := sh.FieldsFor(typename)
	w.buf = append(w.buf, '{')
	for i, f := range fields {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		w.buf = append(w.buf, f.KeyJSON...)
		switch {
		case f.Typename:
			w.buf = jsonenc.AppendString(w.buf, typename)
		case f.Denied:
			// Removed by authorization: null, and the error was reported with the removal.
			if f.Type.NonNull {
				return false
			}
			w.buf = append(w.buf, "null"...)
		case f.Introspection != nil:
			var err error
			start := len(w.buf)
			if w.buf, err = introspect.FieldGroup(w.buf, w.api, f.Introspection, w.vars); err != nil {
				w.buf = append(w.buf[:start], "null"...)
				w.errs = append(w.errs, &gqlerror.Error{Message: err.Error(), Path: append(ast.Path{}, ast.PathName(f.Key))})
			}
		default:
			w.path = append(w.path, pathStep{key: f.Key})
			ok := w.value(f, f.Type, obj.Get(f.Key))
			w.path = w.path[:len(w.path)-1]
			if !ok {
				return false
			}
		}
	}
	w.buf = append(w.buf, '}')
	return true
}

// pathStep is one step of a response path: a key or a list index.
type pathStep struct {
	key     string
	index   int
	isIndex bool
}

func (w *writer) errorPath() ast.Path {
	out := make(ast.Path, 0, len(w.path))
	for _, s := range w.path {
		if s.isIndex {
			out = append(out, ast.PathIndex(s.index))
		} else {
			out = append(out, ast.PathName(s.key))
		}
	}
	return out
}

// value writes v as type t. It returns false when v is null (or invalid) and t is non-null.
func (w *writer) value(f *planner.ShapeField, t *ast.Type, v *fastjson.Value) bool {
	start := len(w.buf)
	fail := func(msg string) bool {
		w.buf = w.buf[:start]
		if msg != "" {
			w.errs = append(w.errs, &gqlerror.Error{Message: msg, Path: w.errorPath()})
		}
		if t.NonNull {
			return false
		}
		w.buf = append(w.buf, "null"...)
		return true
	}
	if v == nil || v.Type() == fastjson.TypeNull {
		if t.NonNull && !w.quiet {
			return fail("Cannot return null for non-nullable field " + f.Parent + "." + f.Name + ".")
		}
		return fail("")
	}
	if t.Elem != nil {
		if v.Type() != fastjson.TypeArray {
			return fail("Expected a list for field " + f.Parent + "." + f.Name + ".")
		}
		w.buf = append(w.buf, '[')
		for i, e := range v.GetArray() {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.path = append(w.path, pathStep{index: i, isIndex: true})
			ok := w.value(f, t.Elem, e)
			w.path = w.path[:len(w.path)-1]
			if !ok {
				return fail("")
			}
		}
		w.buf = append(w.buf, ']')
		return true
	}
	if f.Sub != nil {
		if v.Type() != fastjson.TypeObject {
			return fail("Expected an object for field " + f.Parent + "." + f.Name + ".")
		}
		if f.Sub.Abstract {
			if _, known := f.Sub.ByType[typenameOf(v)]; !known {
				// A runtime type clients cannot see (@inaccessible) is null to them.
				return fail("")
			}
		}
		if !w.object(f.Sub, v) {
			return fail("")
		}
		return true
	}
	if f.Enum != nil {
		s := v.GetStringBytes()
		if v.Type() != fastjson.TypeString || f.Enum.EnumValues.ForName(string(s)) == nil {
			if v.Type() == fastjson.TypeString && w.hidden(f.Enum.Name, string(s)) {
				return fail("") // an @inaccessible value: null, as if it did not exist
			}
			return fail("Enum \"" + f.Enum.Name + "\" cannot represent value: " + string(v.MarshalTo(nil)))
		}
	}
	if v.Type() == fastjson.TypeString {
		b := v.GetStringBytes()
		w.buf = jsonenc.AppendString(w.buf, unsafe.String(unsafe.SliceData(b), len(b)))
		return true
	}
	// Numbers, booleans, and custom scalars, which may be any JSON value.
	w.buf = v.MarshalTo(w.buf)
	return true
}
