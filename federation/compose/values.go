package compose

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// jsValue is a directive argument as Apollo's composition holds it: GraphQL literals become
// JavaScript values (an enum value is a string, 2.50 is 2.5) and print back from that, which
// decides the supergraph's bytes (`@meta(weight: 2)` for `weight: 2.0`).
type jsValue struct {
	kind byte // 'n' null, 'f' number, 's' string, 'b' boolean, 'l' list, 'o' object
	num  float64
	str  string
	b    bool
	list []*jsValue
	keys []string // object keys in written order
	obj  map[string]*jsValue
}

func jsFromAST(v *ast.Value) *jsValue {
	if v == nil {
		return &jsValue{kind: 'n'}
	}
	switch v.Kind {
	case ast.IntValue, ast.FloatValue:
		f, _ := strconv.ParseFloat(v.Raw, 64)
		return &jsValue{kind: 'f', num: f}
	case ast.StringValue, ast.BlockValue, ast.EnumValue:
		return &jsValue{kind: 's', str: v.Raw}
	case ast.BooleanValue:
		return &jsValue{kind: 'b', b: v.Raw == "true"}
	case ast.ListValue:
		out := &jsValue{kind: 'l'}
		for _, c := range v.Children {
			out.list = append(out.list, jsFromAST(c.Value))
		}
		return out
	case ast.ObjectValue:
		out := &jsValue{kind: 'o', obj: map[string]*jsValue{}}
		for _, c := range v.Children {
			if _, dup := out.obj[c.Name]; !dup {
				out.keys = append(out.keys, c.Name)
			}
			out.obj[c.Name] = jsFromAST(c.Value)
		}
		return out
	}
	return &jsValue{kind: 'n'}
}

// jsArgs reads a directive application's arguments, in written order.
func jsArgs(d *ast.Directive) *jsValue {
	out := &jsValue{kind: 'o', obj: map[string]*jsValue{}}
	for _, a := range d.Arguments {
		if _, dup := out.obj[a.Name]; !dup {
			out.keys = append(out.keys, a.Name)
		}
		out.obj[a.Name] = jsFromAST(a.Value)
	}
	return out
}

func (v *jsValue) equal(o *jsValue) bool {
	if v.kind != o.kind {
		return false
	}
	switch v.kind {
	case 'f':
		return v.num == o.num
	case 's':
		return v.str == o.str
	case 'b':
		return v.b == o.b
	case 'l':
		if len(v.list) != len(o.list) {
			return false
		}
		for i := range v.list {
			if !v.list[i].equal(o.list[i]) {
				return false
			}
		}
	case 'o':
		if len(v.obj) != len(o.obj) {
			return false
		}
		for k, x := range v.obj {
			y, ok := o.obj[k]
			if !ok || !x.equal(y) {
				return false
			}
		}
	}
	return true
}

// withDefaults expands an application's arguments with the defaults of the subgraph's
// definition (a missing nullable argument is null; input objects get their field defaults),
// for comparing two applications the way Apollo does.
func (sg *subgraph) withDefaults(args *jsValue, def *ast.DirectiveDefinition) *jsValue {
	out := &jsValue{kind: 'o', obj: map[string]*jsValue{}}
	for _, a := range def.Arguments {
		v, ok := args.obj[a.Name]
		switch {
		case ok:
			v = sg.applyDefaults(v, a.Type, 0)
		case a.DefaultValue != nil:
			v = sg.applyDefaults(jsFromAST(a.DefaultValue), a.Type, 0)
		case !a.Type.NonNull:
			v = &jsValue{kind: 'n'}
		default:
			continue
		}
		out.keys = append(out.keys, a.Name)
		out.obj[a.Name] = v
	}
	return out
}

// maxDefaultsDepth stops an input type whose field defaults contain itself
// (`input A { a: A = {} }`) from expanding forever.
const maxDefaultsDepth = 32

func (sg *subgraph) applyDefaults(v *jsValue, t *ast.Type, depth int) *jsValue {
	if v.kind == 'n' || depth > maxDefaultsDepth {
		return v
	}
	if t.Elem != nil {
		if v.kind == 'l' {
			out := &jsValue{kind: 'l'}
			for _, e := range v.list {
				out.list = append(out.list, sg.applyDefaults(e, t.Elem, depth+1))
			}
			return out
		}
		return sg.applyDefaults(v, t.Elem, depth+1)
	}
	it := sg.types[t.NamedType]
	if it == nil || it.kind != ast.InputObject || v.kind != 'o' {
		return v
	}
	out := &jsValue{kind: 'o', obj: map[string]*jsValue{}}
	for _, f := range it.fields {
		fv, ok := v.obj[f.name]
		switch {
		case ok:
			fv = sg.applyDefaults(fv, f.typ, depth+1)
		case f.defaultValue != nil:
			fv = sg.applyDefaults(jsFromAST(f.defaultValue), f.typ, depth+1)
		case !f.typ.NonNull:
			fv = &jsValue{kind: 'n'}
		default:
			continue
		}
		out.keys = append(out.keys, f.name)
		out.obj[f.name] = fv
	}
	return out
}

var integerStringRE = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)$`)

// valueString prints v as Apollo's valueToString does against the supergraph type t (nil
// when unknown): enum values and integer IDs bare, other strings quoted, numbers as
// JavaScript prints them.
func (m *merger) valueString(v *jsValue, t *ast.Type) string {
	if v == nil || v.kind == 'n' {
		return "null"
	}
	var named *mtype
	if t != nil && t.Elem == nil {
		named = m.types[t.NamedType]
		if named != nil && named.kind == ast.Scalar {
			t, named = nil, nil // custom scalar: no expectation
		}
	}
	switch v.kind {
	case 'l':
		var elem *ast.Type
		if t != nil && t.Elem != nil {
			elem = t.Elem
		}
		parts := make([]string, len(v.list))
		for i, e := range v.list {
			parts[i] = m.valueString(e, elem)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	if t != nil && t.Elem != nil {
		return m.valueString(v, t.Elem)
	}
	switch v.kind {
	case 'o':
		if named != nil && named.kind != ast.InputObject {
			named = nil
		}
		parts := make([]string, len(v.keys))
		for i, k := range v.keys {
			var ft *ast.Type
			if named != nil {
				if f := named.field(k); f != nil {
					ft = f.typ
				}
			}
			parts[i] = k + ": " + m.valueString(v.obj[k], ft)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case 's':
		if named != nil && named.kind == ast.Enum {
			if named.value(v.str) != nil {
				return v.str
			}
		} else if t != nil && t.NamedType == "ID" && integerStringRE.MatchString(v.str) {
			return v.str
		}
		return jsString(v.str)
	case 'b':
		return strconv.FormatBool(v.b)
	}
	return jsNumber(v.num)
}

// jsString quotes s as JSON.stringify does.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte("0123456789abcdef"[r>>4])
				b.WriteByte("0123456789abcdef"[r&0xf])
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// jsNumber prints f as JavaScript's String(number) does.
func jsNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	if a := math.Abs(f); a >= 1e21 || a < 1e-6 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		return mant + "e" + string(sign) + exp
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
