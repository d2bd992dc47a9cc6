package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Problem is a non-fatal problem met while applying a selection, such as a method applied
// to a value of the wrong kind. The expression that met it yields nothing, so the key it
// maps is left out of the output.
type Problem struct {
	// Message says what went wrong, starting with the line:col of the expression in the
	// selection's source.
	Message string
	// Path locates the value in the input: keys and list indices from the data (or from a
	// variable), then the text of the failing path, e.g. "items.3.price->size".
	Path string
}

// maxProblems caps the problems one Apply reports; the rest are counted in a last one.
const maxProblems = 100

// maxBuilt caps the values that literal objects and lists built by one Apply or Execute may
// hold, counting a value each time it is referenced: ->echo([@, @]) chained 32 times would
// otherwise build a value of 2^32 items out of shared references.
const maxBuilt = 1 << 22

// Apply evaluates the selection against data ("$" at the top level) and vars.
//
// The output is a map[string]any holding the selection's keys, or a list of such maps when
// data is a list (a selection maps over a list as a block does). A selection that is a single
// path without a name, like "$.items" or "$.results { id name }", yields that path's value
// instead. A key whose value is absent (a missing property, a missing variable, a failed
// method) is left out. Problems do not stop the evaluation.
func (s *Selection) Apply(data any, vars Vars) (any, []Problem) {
	e := evaluator{src: s.src, vars: vars}
	var out any
	if s.single != nil {
		if v, ok := e.path(s.single, scope{at: data, dollar: data}, places{}); ok {
			out = norm(v)
		}
	} else {
		out = e.block(s.root, data, nil)
	}
	return out, e.done()
}

type evaluator struct {
	src      string
	vars     Vars
	problems []Problem
	dropped  int
	firstOff int    // offset of the first problem, for template errors
	firstMsg string // message of the first problem, without its position
	built    int    // values held by literal objects and lists so far (see maxBuilt)
}

// scope binds "@" (the value a method is applied to; the block's value outside methods)
// and "$" (the value of the nearest enclosing block).
type scope struct {
	at     any
	dollar any
}

// places holds the places of "@" and "$" in the input. It is kept apart from scope so that
// escape analysis, which does not tell struct fields apart, keeps trails on the stack while
// values flow into the output.
type places struct {
	at     *trail
	dollar *trail
}

// trail is the place of a value in the input, as a chain of keys and indices. Nodes live on
// the stack of the evaluation; String is only called when a problem is reported.
type trail struct {
	parent  *trail
	key     string
	index   int
	isIndex bool
}

func (t *trail) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

// write writes the trail's keys, "."-separated; written recursively (not collected in a
// slice) so that trails never escape to the heap.
func (t *trail) write(b *strings.Builder) {
	if t == nil {
		return
	}
	t.parent.write(b)
	if !t.isIndex && t.key == "" {
		return
	}
	if b.Len() > 0 && !strings.HasPrefix(t.key, "->") {
		b.WriteByte('.')
	}
	if t.isIndex {
		b.WriteString(strconv.Itoa(t.index))
	} else {
		b.WriteString(t.key)
	}
}

// problem records a problem at byte offset off of the source, for the path p evaluated
// from the place base.
func (e *evaluator) problem(off int, base *trail, p *path, format string, args ...any) {
	if len(e.problems) >= maxProblems {
		e.dropped++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if len(e.problems) == 0 {
		e.firstOff, e.firstMsg = off, msg
	}
	line, col := lineCol(e.src, off)
	where := trail{parent: base}
	if p != nil {
		where.key = p.text
	}
	e.problems = append(e.problems, Problem{
		Message: fmt.Sprintf("%d:%d: %s", line, col, msg),
		Path:    where.String(),
	})
}

func (e *evaluator) done() []Problem {
	if e.dropped > 0 {
		e.problems = append(e.problems, Problem{Message: fmt.Sprintf("%d more problems not listed", e.dropped)})
	}
	return e.problems
}

// block applies a block (or the top level) to data: to each item when data is a list.
func (e *evaluator) block(b *block, data any, tr *trail) any {
	if list, ok := data.([]any); ok {
		out := make([]any, len(list))
		t := trail{parent: tr, isIndex: true}
		for i, el := range list {
			t.index = i
			out[i] = e.block(b, el, &t)
		}
		return out
	}
	obj := make(map[string]any, len(b.items))
	sc, pl := scope{at: data, dollar: data}, places{at: tr, dollar: tr}
	for _, it := range b.items {
		switch it.kind {
		case itemNamed:
			if v, ok := e.path(it.path, sc, pl); ok {
				put(obj, it.name, v)
			}
		case itemGroup:
			put(obj, it.name, e.block(it.group, data, tr))
		case itemMerge:
			v, ok := e.path(it.path, sc, pl)
			if !ok {
				continue
			}
			switch m := v.(type) {
			case map[string]any:
				for k, x := range m {
					put(obj, k, x)
				}
			case nil:
			default:
				e.problem(it.pos, tr, it.path, "this path's value is %s; only an object's fields can merge into "+
					"the enclosing object (give the path an alias to keep the value)", aKind(v))
			}
		}
	}
	if len(obj) == 0 {
		if _, isObj := data.(map[string]any); !isObj {
			return norm(data) // null, or a scalar nothing was selected from: kept as is
		}
	}
	return obj
}

// put sets obj[k], merging two objects key by key (a new map: inputs are never modified).
func put(obj map[string]any, k string, v any) {
	v = norm(v)
	if old, ok := obj[k].(map[string]any); ok {
		if nv, ok := v.(map[string]any); ok {
			m := make(map[string]any, len(old)+len(nv))
			for k2, x := range old {
				m[k2] = x
			}
			for k2, x := range nv {
				put(m, k2, x)
			}
			v = m
		}
	}
	obj[k] = v
}

// path evaluates a path and its block. ok is false when the value is absent.
func (e *evaluator) path(p *path, sc scope, pl places) (any, bool) {
	var cur any
	var base *trail
	switch p.head {
	case headDollar, headKey:
		cur, base = sc.dollar, pl.dollar
	case headAt:
		cur, base = sc.at, pl.at
	case headVar:
		v, ok := e.vars[p.name]
		if !ok {
			return nil, false
		}
		cur = v
	case headExpr:
		v, ok := e.value(p.expr, sc, pl)
		if !ok {
			return nil, false
		}
		cur = v
	}
	for i := range p.steps {
		st := &p.steps[i]
		switch st.kind {
		case stepKey:
			switch x := cur.(type) {
			case map[string]any:
				v, ok := x[st.key]
				if !ok {
					return nil, false
				}
				cur = v
			case []any:
				cur = e.mapKey(x, st, p, base)
			case nil:
				// Reading a key of a null "$", "@" or variable is quiet (a block applied to
				// null); deeper in a path, null needs "?" to pass quietly.
				if i > 0 {
					e.problem(st.pos, base, p, "cannot read .%s of null (write ?.%s to allow null here)", keyText(st.key), keyText(st.key))
				}
				return nil, false
			default:
				e.problem(st.pos, base, p, "cannot read .%s of %s", keyText(st.key), aKind(cur))
				return nil, false
			}
		case stepOptional:
			if cur == nil {
				return nil, false
			}
		case stepMethod:
			v, ok := e.call(st.call, cur, sc, site{p: p, base: base, dollar: pl.dollar})
			if !ok {
				return nil, false
			}
			cur = v
		}
	}
	if p.block != nil {
		t := trail{parent: base, key: p.text}
		cur = e.block(p.block, cur, &t)
	}
	return cur, true
}

// mapKey reads a key of every item of a list (and of nested lists); an item without the
// key gives null, keeping the list's length.
func (e *evaluator) mapKey(list []any, st *step, p *path, base *trail) []any {
	out := make([]any, len(list))
	for i, el := range list {
		switch x := el.(type) {
		case map[string]any:
			out[i] = norm(x[st.key])
		case []any:
			out[i] = e.mapKey(x, st, p, base)
		case nil:
		default:
			e.problem(st.pos, base, p, "cannot read .%s of %s (item %d of a list)", keyText(st.key), aKind(el), i)
		}
	}
	return out
}

// value evaluates a literal expression.
func (e *evaluator) value(v *value, sc scope, pl places) (any, bool) {
	switch v.kind {
	case valueConst:
		return v.konst, true
	case valueObject:
		obj := make(map[string]any, len(v.fields))
		for _, f := range v.fields {
			if x, ok := e.value(f.val, sc, pl); ok {
				if !e.charge(v, x) {
					return nil, false
				}
				obj[f.key] = norm(x)
			}
		}
		return obj, true
	case valueArray:
		list := make([]any, len(v.elems))
		for i, el := range v.elems {
			if x, ok := e.value(el, sc, pl); ok {
				if !e.charge(v, x) {
					return nil, false
				}
				list[i] = norm(x)
			}
		}
		return list, true
	}
	return e.path(v.path, sc, pl)
}

// charge counts the values in x, placed in the literal v, against maxBuilt. Once the budget
// is spent, it reports a problem (once) and every literal yields nothing.
func (e *evaluator) charge(v *value, x any) bool {
	if e.built > maxBuilt {
		return false
	}
	if e.count(x) {
		return true
	}
	e.problem(v.pos, nil, nil, "literal objects and lists hold more than %d values (counting repeats); the rest is left out", maxBuilt)
	return false
}

func (e *evaluator) count(x any) bool {
	if e.built++; e.built > maxBuilt {
		return false
	}
	switch c := x.(type) {
	case []any:
		for _, el := range c {
			if !e.count(el) {
				return false
			}
		}
	case map[string]any:
		for _, el := range c {
			if !e.count(el) {
				return false
			}
		}
	}
	return true
}

// norm turns Go numbers into json.Number; other values are returned as they are.
func norm(v any) any {
	switch n := v.(type) {
	case int:
		return json.Number(strconv.Itoa(n))
	case int64:
		return json.Number(strconv.FormatInt(n, 10))
	case int32:
		return json.Number(strconv.FormatInt(int64(n), 10))
	case uint64:
		return json.Number(strconv.FormatUint(n, 10))
	case float64:
		if !math.IsNaN(n) && !math.IsInf(n, 0) {
			return json.Number(strconv.FormatFloat(n, 'g', -1, 64))
		}
	}
	return v
}

// aKind names the kind of a value for messages: "null", "a number", "an object", ….
func aKind(v any) string {
	switch k := kindOf(v); k {
	case "null":
		return k
	case "object":
		return "an object"
	default:
		return "a " + k
	}
}

// kindOf names the kind of a value.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, int, int64, int32, uint64, float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
