package introspect

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/vektah/gqlparser/v2/ast"
)

// status is the outcome of printing a default value. graphql-js first coerces the
// literal (valueFromAST: a failure means "no default", printed as null) and then turns
// the coerced value back into a literal (astFromValue: a failure throws, and the
// resolver returns null). A field default that fails to coerce is dropped from its
// input object, while one that fails to print fails the whole value, so the two are
// kept apart. Larger is worse: invalid wins over unprintable, as coercion runs first.
type status uint8

const (
	printed     status = iota
	unprintable        // coerced, but astFromValue throws (custom scalar holding a list, ±Inf)
	invalid            // valueFromAST returns undefined
)

// maxDefaultDepth bounds the nesting of input object field defaults, which can refer
// to each other in a cycle (graphql-js overflows its stack on such a schema).
const maxDefaultDepth = 64

// appendDefault appends the JSON string holding v printed as graphql-js prints the
// default value of an input of type t, or null when graphql-js answers null.
func (e *exec) appendDefault(buf []byte, v *ast.Value, t *ast.Type) []byte {
	if v == nil {
		return append(buf, "null"...)
	}
	mark := len(buf)
	buf = append(buf, '"')
	buf, st := e.appendValue(buf, v, t, 0)
	if st != printed {
		return append(buf[:mark], "null"...)
	}
	return append(buf, '"')
}

// appendValue appends v coerced to t and printed as a GraphQL literal, JSON-escaped
// for use inside a JSON string. On failure buf holds garbage past its original length:
// callers truncate.
func (e *exec) appendValue(buf []byte, v *ast.Value, t *ast.Type, depth int) ([]byte, status) {
	if depth > maxDefaultDepth {
		return buf, invalid
	}
	switch v.Kind {
	case ast.Variable:
		return buf, invalid
	case ast.NullValue:
		if t.NonNull {
			return buf, invalid
		}
		return append(buf, "null"...), printed
	}
	if t.Elem != nil {
		if v.Kind != ast.ListValue {
			buf = append(buf, '[')
			buf, st := e.appendValue(buf, v, t.Elem, depth+1)
			return append(buf, ']'), st
		}
		worst := printed
		buf = append(buf, '[')
		for i, c := range v.Children {
			if i > 0 {
				buf = append(buf, ", "...)
			}
			var st status
			buf, st = e.appendValue(buf, c.Value, t.Elem, depth+1)
			if st == invalid {
				return buf, invalid
			}
			worst = max(worst, st)
		}
		return append(buf, ']'), worst
	}
	def := e.schema.Types[t.NamedType]
	if def == nil {
		return buf, invalid
	}
	switch def.Kind {
	case ast.InputObject:
		return e.appendObject(buf, v, def, depth)
	case ast.Enum:
		if v.Kind != ast.EnumValue || def.EnumValues.ForName(v.Raw) == nil {
			return buf, invalid
		}
		return append(buf, v.Raw...), printed
	case ast.Scalar:
		return appendScalar(buf, v, def.Name)
	}
	return buf, invalid
}

// appendObject prints an input object literal the way valueFromAST then astFromValue
// leave it: fields in definition order, missing ones filled from their defaults,
// unknown ones dropped.
func (e *exec) appendObject(buf []byte, v *ast.Value, def *ast.Definition, depth int) ([]byte, status) {
	if v.Kind != ast.ObjectValue {
		return buf, invalid
	}
	worst := printed
	n := 0
	lastNull := false
	buf = append(buf, '{')
	for _, fd := range def.Fields {
		fv := lastChild(v.Children, fd.Name)
		mark := len(buf)
		if n > 0 {
			buf = append(buf, ", "...)
		}
		buf = append(buf, fd.Name...)
		buf = append(buf, ": "...)
		var st status
		switch {
		case fv != nil:
			buf, st = e.appendValue(buf, fv, fd.Type, depth+1)
			if st == invalid {
				return buf, invalid
			}
		case fd.DefaultValue != nil:
			buf, st = e.appendValue(buf, fd.DefaultValue, fd.Type, depth+1)
			if st == invalid { // a default that does not coerce is no default
				buf = buf[:mark]
				if fd.Type.NonNull {
					return buf, invalid
				}
				continue
			}
			fv = fd.DefaultValue
		default:
			buf = buf[:mark]
			if fd.Type.NonNull {
				return buf, invalid
			}
			continue
		}
		worst = max(worst, st)
		lastNull = fv.Kind == ast.NullValue
		n++
	}
	if def.Directives.ForName("oneOf") != nil && (n != 1 || lastNull) {
		return buf, invalid
	}
	return append(buf, '}'), worst
}

// lastChild returns the value of the last field named name: graphql-js keys an
// object literal's fields by name, so a repeated name keeps its last value.
func lastChild(children ast.ChildValueList, name string) *ast.Value {
	for i := len(children) - 1; i >= 0; i-- {
		if children[i].Name == name {
			return children[i].Value
		}
	}
	return nil
}

// appendScalar coerces a literal to the scalar named name and prints it back,
// following graphql-js's parseLiteral and serialize of the specified scalars; any
// other scalar parses literals untyped and serializes them unchanged.
func appendScalar(buf []byte, v *ast.Value, name string) ([]byte, status) {
	switch name {
	case "Int":
		if v.Kind != ast.IntValue {
			return buf, invalid
		}
		n, err := strconv.ParseInt(v.Raw, 10, 64)
		if err != nil || n > math.MaxInt32 || n < math.MinInt32 {
			return buf, invalid
		}
		return strconv.AppendInt(buf, n, 10), printed
	case "Float":
		if v.Kind != ast.IntValue && v.Kind != ast.FloatValue {
			return buf, invalid
		}
		return appendNumber(buf, v.Raw)
	case "String":
		if v.Kind != ast.StringValue && v.Kind != ast.BlockValue {
			return buf, invalid
		}
		return appendGraphQLString(buf, v.Raw), printed
	case "Boolean":
		if v.Kind != ast.BooleanValue {
			return buf, invalid
		}
		return append(buf, v.Raw...), printed
	case "ID":
		if v.Kind != ast.StringValue && v.Kind != ast.BlockValue && v.Kind != ast.IntValue {
			return buf, invalid
		}
		if isIntegerString(v.Raw) {
			return append(buf, v.Raw...), printed
		}
		return appendGraphQLString(buf, v.Raw), printed
	}
	switch v.Kind {
	case ast.IntValue, ast.FloatValue:
		return appendNumber(buf, v.Raw)
	case ast.StringValue, ast.BlockValue, ast.EnumValue:
		return appendGraphQLString(buf, v.Raw), printed
	case ast.BooleanValue:
		return append(buf, v.Raw...), printed
	case ast.ListValue, ast.ObjectValue:
		return buf, unprintable
	}
	return buf, invalid
}

// appendNumber prints a numeric literal as the JavaScript number it parses to.
func appendNumber(buf []byte, raw string) ([]byte, status) {
	f, err := strconv.ParseFloat(raw, 64)
	if math.IsInf(f, 0) { // JavaScript's Number(raw) is ±Infinity, which serialize rejects
		return buf, unprintable
	}
	if err != nil {
		return buf, invalid
	}
	return appendJSNumber(buf, f), printed
}

// appendJSNumber appends f as JavaScript's Number.prototype.toString prints it:
// the shortest round-tripping digits, in positional notation for 1e-7 <= |f| < 1e21
// and exponential notation (1e+21, 1.5e-7) otherwise.
func appendJSNumber(buf []byte, f float64) []byte {
	if f == 0 {
		return append(buf, '0')
	}
	if f < 0 {
		buf = append(buf, '-')
		f = -f
	}
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // d[.ddd]e±XX
	var digits [20]byte
	k := 0
	i := 0
	for ; s[i] != 'e'; i++ {
		if s[i] != '.' {
			digits[k] = s[i]
			k++
		}
	}
	exp, _ := strconv.Atoi(string(s[i+1:]))
	n := exp + 1 // the decimal point sits after the n-th digit
	d := digits[:k]
	switch {
	case k <= n && n <= 21:
		buf = append(buf, d...)
		for j := k; j < n; j++ {
			buf = append(buf, '0')
		}
	case 0 < n && n <= 21:
		buf = append(buf, d[:n]...)
		buf = append(buf, '.')
		buf = append(buf, d[n:]...)
	case -6 < n && n <= 0:
		buf = append(buf, "0."...)
		for j := n; j < 0; j++ {
			buf = append(buf, '0')
		}
		buf = append(buf, d...)
	default:
		buf = append(buf, d[0])
		if k > 1 {
			buf = append(buf, '.')
			buf = append(buf, d[1:]...)
		}
		buf = append(buf, 'e')
		if n-1 >= 0 {
			buf = append(buf, '+')
		}
		buf = strconv.AppendInt(buf, int64(n-1), 10)
	}
	return buf
}

// isIntegerString matches graphql-js's /^-?(?:0|[1-9][0-9]*)$/.
func isIntegerString(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || (s[0] == '0' && len(s) > 1) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const hexDigits = "0123456789ABCDEF"

// appendGraphQLString appends s as graphql-js's printString quotes it, itself escaped
// for the inside of a JSON string: `a"b` becomes \"a\\\"b\". graphql-js escapes
// U+0000-U+001F, '"', '\', and U+007F-U+009F; invalid UTF-8 becomes U+FFFD, as it
// would when JavaScript decoded the schema's source.
func appendGraphQLString(buf []byte, s string) []byte {
	buf = append(buf, `\"`...)
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r > 0x9f && !(r == utf8.RuneError && size == 1) {
				i += size
				continue
			}
		}
		buf = append(buf, s[start:i]...)
		i += size
		start = i
		switch {
		case r == utf8.RuneError:
			buf = append(buf, `\ufffd`...)
		case r == '"':
			buf = append(buf, `\\\"`...)
		case r == '\\':
			buf = append(buf, `\\\\`...)
		case r == '\b':
			buf = append(buf, `\\b`...)
		case r == '\t':
			buf = append(buf, `\\t`...)
		case r == '\n':
			buf = append(buf, `\\n`...)
		case r == '\f':
			buf = append(buf, `\\f`...)
		case r == '\r':
			buf = append(buf, `\\r`...)
		default:
			buf = append(buf, `\\u00`...)
			buf = append(buf, hexDigits[r>>4], hexDigits[r&0xf])
		}
	}
	buf = append(buf, s[start:]...)
	return append(buf, `\"`...)
}
