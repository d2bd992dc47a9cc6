package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// methodSpec describes one ->method: how many arguments it takes (checked by the parser) and
// how it runs. Arguments are expressions, evaluated by the method with "@" bound to its
// input (to each item, for ->map) and "$" unchanged.
type methodSpec struct {
	id       methodID
	name     string
	min, max int                                  // number of arguments; max < 0: no upper limit
	check    func(p *parser, c *methodCall) error // more parse-time checks, or nil
}

type methodID uint8

const (
	mEcho methodID = iota
	mMap
	mMatch
	mFirst
	mLast
	mGet
	mSlice
	mSize
	mJoinNotNull
	mJSONStringify
	mEq
	mNot
	mAnd
	mOr
	mEntries
)

// site is where a method runs: its path, the place of the path's first value, and the
// place of "$".
type site struct {
	p      *path
	base   *trail
	dollar *trail
}

var methods = map[string]*methodSpec{}

func init() {
	for _, m := range []*methodSpec{
		{id: mEcho, name: "echo", min: 1, max: 1},
		{id: mMap, name: "map", min: 1, max: 1},
		{id: mMatch, name: "match", min: 1, max: -1, check: checkMatch},
		{id: mFirst, name: "first"},
		{id: mLast, name: "last"},
		{id: mGet, name: "get", min: 1, max: 1},
		{id: mSlice, name: "slice", max: 2},
		{id: mSize, name: "size"},
		{id: mJoinNotNull, name: "joinNotNull", min: 1, max: 1},
		{id: mJSONStringify, name: "jsonStringify"},
		{id: mEq, name: "eq", min: 1, max: 1},
		{id: mNot, name: "not"},
		{id: mAnd, name: "and", min: 1, max: -1},
		{id: mOr, name: "or", min: 1, max: -1},
		{id: mEntries, name: "entries"},
	} {
		methods[m.name] = m
	}
}

func methodList() string {
	names := make([]string, 0, len(methods))
	for n := range methods {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func (m *methodSpec) arity() string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return strconv.Itoa(n) + " arguments"
	}
	switch {
	case m.max == 0:
		return "no arguments"
	case m.min == m.max:
		return plural(m.min)
	case m.max < 0:
		return "at least " + plural(m.min)
	}
	return fmt.Sprintf("%d to %d arguments", m.min, m.max)
}

// call runs a method. A switch rather than a function per method: direct calls let the
// compiler keep the evaluation's trails on the stack.
func (e *evaluator) call(c *methodCall, in any, sc scope, s site) (any, bool) {
	switch c.spec.id {
	case mEcho:
		return e.arg(c, 0, in, sc, s)
	case mMap:
		return e.mapMethod(c, in, sc, s)
	case mMatch:
		return e.matchMethod(c, in, sc, s)
	case mFirst, mLast:
		return e.firstLast(c, in, s)
	case mGet:
		return e.getMethod(c, in, sc, s)
	case mSlice:
		return e.sliceMethod(c, in, sc, s)
	case mSize:
		return e.sizeMethod(c, in, s)
	case mJoinNotNull:
		return e.joinNotNull(c, in, sc, s)
	case mJSONStringify:
		return e.jsonStringify(c, in, s)
	case mEq:
		return e.eqMethod(c, in, sc, s)
	case mNot:
		return e.notMethod(c, in, s)
	case mAnd, mOr:
		return e.andOr(c, in, sc, s)
	case mEntries:
		return e.entriesMethod(c, in, s)
	}
	return nil, false // the parser only builds calls of the methods above
}

// fail reports a problem of method c and makes the method yield nothing.
func (e *evaluator) fail(c *methodCall, s site, format string, args ...any) (any, bool) {
	e.problem(c.pos, s.base, s.p, "->"+c.spec.name+" "+format, args...)
	return nil, false
}

// arg evaluates argument i with "@" bound to in.
func (e *evaluator) arg(c *methodCall, i int, in any, sc scope, s site) (any, bool) {
	return e.value(c.args[i], scope{at: in, dollar: sc.dollar}, places{at: s.base, dollar: s.dollar})
}

// mapMethod evaluates its argument for each item of a list; a value that is not a list is
// mapped as a list of one item.
func (e *evaluator) mapMethod(c *methodCall, in any, sc scope, s site) (any, bool) {
	list, ok := in.([]any)
	if !ok {
		v, ok := e.arg(c, 0, in, sc, s)
		if !ok {
			return nil, false
		}
		return []any{norm(v)}, true
	}
	out := make([]any, len(list))
	for i, el := range list {
		if v, ok := e.arg(c, 0, el, sc, s); ok {
			out[i] = norm(v)
		}
	}
	return out, true
}

func checkMatch(p *parser, c *methodCall) error {
	for _, a := range c.args {
		if a.kind != valueArray || len(a.elems) != 2 {
			return p.fail(a.pos, "->match takes [candidate, value] pairs; write [@, value] last for a default")
		}
	}
	return nil
}

// matchMethod yields the value of the first pair whose candidate equals the input.
func (e *evaluator) matchMethod(c *methodCall, in any, sc scope, s site) (any, bool) {
	argScope, argPlaces := scope{at: in, dollar: sc.dollar}, places{at: s.base, dollar: s.dollar}
	for _, pair := range c.args {
		if cand, ok := e.value(pair.elems[0], argScope, argPlaces); ok && equal(cand, in) {
			return e.value(pair.elems[1], argScope, argPlaces)
		}
	}
	return e.fail(c, s, "found no [candidate, value] pair for %s (add [@, default] as the last pair)", brief(in))
}

// firstLast yields the first or last item of a list or character of a string. Like Apollo,
// on another kind of value it reports a problem and yields the value itself.
func (e *evaluator) firstLast(c *methodCall, in any, s site) (any, bool) {
	first := c.spec.id == mFirst
	switch x := in.(type) {
	case []any:
		if len(x) == 0 {
			return nil, false
		}
		if first {
			return x[0], true
		}
		return x[len(x)-1], true
	case string:
		if x == "" {
			return nil, false
		}
		if first {
			_, n := utf8.DecodeRuneInString(x)
			return x[:n], true
		}
		_, n := utf8.DecodeLastRuneInString(x)
		return x[len(x)-n:], true
	}
	e.problem(c.pos, s.base, s.p, "->%s needs a list or a string, found %s (the value is kept as is)", c.spec.name, aKind(in))
	return in, true
}

// getMethod yields the item at an index of a list (negative: from the end), the character at
// an index of a string, or the property of an object.
func (e *evaluator) getMethod(c *methodCall, in any, sc scope, s site) (any, bool) {
	arg, ok := e.arg(c, 0, in, sc, s)
	if !ok {
		return nil, false
	}
	switch x := in.(type) {
	case []any, string:
		i, ok := asInt(arg)
		if !ok {
			return e.fail(c, s, "on %s needs an integer index, found %s", aKind(in), brief(arg))
		}
		n := length(x)
		if i < 0 {
			i += n
		}
		if i < 0 || i >= n {
			return e.fail(c, s, "index %s is out of range for %s of length %d", brief(arg), aKind(in), n)
		}
		if list, ok := x.([]any); ok {
			return list[i], true
		}
		return substr(x.(string), i, i+1), true
	case map[string]any:
		key, ok := arg.(string)
		if !ok {
			return e.fail(c, s, "on an object needs a string key, found %s", brief(arg))
		}
		v, ok := x[key]
		if !ok {
			return e.fail(c, s, "found no property %q", key)
		}
		return v, true
	}
	return e.fail(c, s, "needs a list, a string or an object, found %s", aKind(in))
}

// sliceMethod yields items or characters [start, end) of a list or string. Bounds are clamped
// to [0, length]; a missing or non-integer bound means the start or the end.
func (e *evaluator) sliceMethod(c *methodCall, in any, sc scope, s site) (any, bool) {
	switch in.(type) {
	case []any, string:
	default:
		return e.fail(c, s, "needs a list or a string, found %s", aKind(in))
	}
	n := length(in)
	bounds := [2]int{0, n}
	for i := range c.args {
		if v, ok := e.arg(c, i, in, sc, s); ok {
			if b, ok := asInt(v); ok {
				bounds[i] = min(max(b, 0), n)
			}
		}
	}
	start, end := bounds[0], max(bounds[1], bounds[0])
	if list, ok := in.([]any); ok {
		return list[start:end:end], true
	}
	return substr(in.(string), start, end), true
}

func (e *evaluator) sizeMethod(c *methodCall, in any, s site) (any, bool) {
	switch in.(type) {
	case []any, string, map[string]any:
		return json.Number(strconv.Itoa(length(in))), true
	}
	return e.fail(c, s, "needs a list, a string or an object, found %s", aKind(in))
}

// joinNotNull joins the scalars of a list with a separator, skipping nulls. A scalar that is
// not a list yields its own text ("" for null).
func (e *evaluator) joinNotNull(c *methodCall, in any, sc scope, s site) (any, bool) {
	arg, ok := e.arg(c, 0, in, sc, s)
	sep, isString := arg.(string)
	if !ok || !isString {
		return e.fail(c, s, "needs a string separator, found %s", brief(arg))
	}
	list, ok := in.([]any)
	if !ok {
		list = []any{in}
	}
	parts := make([]string, 0, len(list))
	for i, el := range list {
		if el == nil {
			continue
		}
		text, ok := scalarText(el)
		if !ok {
			return e.fail(c, s, "needs a list of scalars; item %d is %s", i, aKind(el))
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, sep), true
}

func (e *evaluator) jsonStringify(c *methodCall, in any, s site) (any, bool) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(in); err != nil {
		return e.fail(c, s, "cannot encode the value: %v", err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), true
}

func (e *evaluator) eqMethod(c *methodCall, in any, sc scope, s site) (any, bool) {
	arg, ok := e.arg(c, 0, in, sc, s)
	if !ok {
		return nil, false
	}
	return equal(in, arg), true
}

func (e *evaluator) notMethod(c *methodCall, in any, s site) (any, bool) {
	b, ok := in.(bool)
	if !ok {
		return e.fail(c, s, "needs a boolean, found %s", aKind(in))
	}
	return !b, true
}

// andOr combines booleans, evaluating arguments left to right only while the result is open.
// An argument that is not a boolean is reported and skipped; an absent one makes the result
// absent.
func (e *evaluator) andOr(c *methodCall, in any, sc scope, s site) (any, bool) {
	result, ok := in.(bool)
	if !ok {
		return e.fail(c, s, "needs a boolean input, found %s", aKind(in))
	}
	isAnd := c.spec.id == mAnd
	for i := range c.args {
		if result != isAnd { // false for ->and, true for ->or: decided
			break
		}
		v, ok := e.arg(c, i, in, sc, s)
		if !ok {
			return nil, false
		}
		b, isBool := v.(bool)
		if !isBool {
			e.problem(c.args[i].pos, s.base, s.p, "->%s argument %d is %s, not a boolean (ignored)", c.spec.name, i+1, aKind(v))
			continue
		}
		result = b
	}
	return result, true
}

// entriesMethod yields [{key, value}, …] for an object, sorted by key.
func (e *evaluator) entriesMethod(c *methodCall, in any, s site) (any, bool) {
	obj, ok := in.(map[string]any)
	if !ok {
		return e.fail(c, s, "needs an object, found %s", aKind(in))
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = map[string]any{"key": k, "value": norm(obj[k])}
	}
	return out, true
}
